// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Forms marked data-drop-empty leave their unanswered fields out of the URL (the server
  // ignores empty values anyway), so the shared link holds only the question.
  document.querySelectorAll("form[data-drop-empty]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (field) {
        if (field.name && field.value === "" && field.type !== "checkbox") field.disabled = true;
      });
    });
  });

  // Selects marked data-autosubmit submit their form on change (the submit button stays).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Map: a tooltip with the state's name and status, on hover and on keyboard focus.
  document.querySelectorAll("[data-map]").forEach(function (figure) {
    var frame = figure.querySelector(".map-frame");
    var tip = figure.querySelector(".map-tooltip");
    var svg = figure.querySelector("svg");
    if (!frame || !tip || !svg) return;
    function show(link, x, y) {
      tip.textContent = link.getAttribute("data-name") + ": " + link.getAttribute("data-status");
      tip.hidden = false;
      tip.style.left = x + "px";
      tip.style.top = y + "px";
    }
    function hide() { tip.hidden = true; }
    svg.querySelectorAll("a.state").forEach(function (link) {
      link.addEventListener("mousemove", function (event) {
        var box = frame.getBoundingClientRect();
        show(link, event.clientX - box.left, event.clientY - box.top);
      });
      link.addEventListener("mouseleave", hide);
      link.addEventListener("focus", function () {
        var box = frame.getBoundingClientRect();
        var r = link.getBoundingClientRect();
        show(link, r.left - box.left + r.width / 2, r.top - box.top);
      });
      link.addEventListener("blur", hide);
    });
  });

  // Sortable tables: each column header becomes a button; aria-sort tells the direction.
  function cellValue(row, index, type) {
    var cell = row.children[index];
    if (!cell) return "";
    var raw = cell.getAttribute("data-sort");
    if (raw === null) raw = cell.textContent.trim();
    if (type === "number") { var n = parseFloat(raw); return isNaN(n) ? -Infinity : n; }
    return raw.toLocaleLowerCase();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    if (!body) return;
    headers.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var type = th.getAttribute("data-type");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, type), y = cellValue(b, index, type);
          // Empty cells (no date, no value) go last whichever the direction.
          if (x === "" || y === "") return (x === "") - (y === "");
          var c = type === "number" ? x - y : String(x).localeCompare(String(y));
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  // Filterable tables: a text box that hides rows not containing the text.
  document.querySelectorAll("table[data-filterable]").forEach(function (table, n) {
    var wrapper = document.createElement("div");
    wrapper.className = "table-filter";
    var id = "table-filter-" + n;
    var lab = document.createElement("label");
    lab.setAttribute("for", id);
    lab.textContent = document.body.getAttribute("data-filter-label") || "Filter rows";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    wrapper.appendChild(lab);
    wrapper.appendChild(document.createTextNode(" "));
    wrapper.appendChild(input);
    var scroller = table.closest(".table-scroll") || table;
    scroller.parentNode.insertBefore(wrapper, scroller);
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLocaleLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLocaleLowerCase().indexOf(needle) === -1;
      });
    });
  });
})();
