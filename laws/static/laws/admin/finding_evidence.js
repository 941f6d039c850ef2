"use strict";
// Forwards the finding's state to the evidence autocomplete, so the list offers only that
// state's law provisions (the server filters on `state`: LawProvisionAdmin.get_search_results).
// A prefilter rather than a second select2 set-up: it works whatever order the widgets load in.
{
    const $ = django.jQuery;

    $.ajaxPrefilter(function (options) {
        if (typeof options.data !== "string") {
            return;
        }
        const params = new URLSearchParams(options.data);
        if (
            params.get("app_label") !== "laws" ||
            params.get("model_name") !== "finding" ||
            params.get("field_name") !== "evidence"
        ) {
            return;
        }
        const state = document.getElementById("id_state");
        if (state && state.value) {
            params.set("state", state.value);
            options.data = params.toString();
        }
    });
}
