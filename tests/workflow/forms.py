"""Read an admin change form from a response as the browser would post it."""

from bs4 import BeautifulSoup


def form_data(response, form_id: str | None = None) -> dict:
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.find("form", id=form_id) if form_id else None
    if form is None:
        form = next(f for f in soup.find_all("form") if f.get("id", "").endswith("_form"))
    data: dict = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.name == "input" and field.get("type") in ("submit", "button", "file"):
            continue
        if field.name == "textarea":
            data[name] = field.text.lstrip("\n")
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [o.get("value", o.text) for o in options if o.has_attr("selected")]
            if field.has_attr("multiple"):
                data[name] = chosen
            elif chosen:
                data[name] = chosen[0]
            else:
                first = field.find("option")
                data[name] = first.get("value", "") if first else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        else:
            data[name] = field.get("value", "")
    return {k: v for k, v in data.items() if "__prefix__" not in k}
