"""Every change across the site, newest first (/admin/recent-changes/)."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.history import diff_many, previous_record, record_names
from core.workflow import (
    permission_name,
)

RECENT_PAGE_SIZE = 100


def tracked_models():
    from django.apps import apps

    return [
        m
        for m in apps.get_models()
        if hasattr(m, "history") and getattr(m._meta, "simple_history_manager_attribute", None)
    ]


def recent_changes_view(request):
    """Every change to every tracked record, newest first; filter by model and user."""
    from django.contrib.admin import site

    models_by_label = {m._meta.label_lower: m for m in tracked_models()}
    visible = {
        label: m
        for label, m in models_by_label.items()
        if request.user.has_perm(permission_name(m, "view"))
        or request.user.has_perm(permission_name(m, "change"))
    }
    if not visible:
        raise PermissionDenied
    chosen = request.GET.get("model", "")
    if chosen and chosen not in visible:
        chosen = ""
    user = request.GET.get("user", "").strip()
    pool = []
    for label, m in visible.items():
        if chosen and label != chosen:
            continue
        qs = m.history.select_related("history_user").order_by("-history_date", "-history_id")
        if user:
            qs = qs.filter(history_user__username=user)
        pool.extend(qs[:RECENT_PAGE_SIZE])
    pool.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    pool = pool[:RECENT_PAGE_SIZE]
    previous = [previous_record(record) for record in pool]
    diffs = diff_many(list(zip(previous, pool, strict=True)))
    ids: dict = {}
    for record in pool:
        ids.setdefault(record.instance_type, set()).add(record.id)
    alive = {
        model: set(model._base_manager.filter(pk__in=pks).values_list("pk", flat=True))
        for model, pks in ids.items()
    }
    rows = []
    for record, changes, name in zip(pool, diffs, record_names(pool), strict=True):
        model = record.instance_type
        url = ""
        # A record deleted since (a revision closed on publication, with its working copies)
        # has no history page to link to: its rows are listed, named as they were.
        if record.id in alive[model]:
            try:
                url = reverse(
                    f"admin:{model._meta.app_label}_{model._meta.model_name}_history",
                    args=[record.id],
                )
            except NoReverseMatch:
                url = ""
        rows.append(
            {
                "record": record,
                "name": name,
                "model": model._meta.verbose_name,
                "url": url,
                "changes": changes,
            }
        )
    context = {
        **site.each_context(request),
        "title": _("Recent changes"),
        "rows": rows,
        "models": sorted(
            ((label, m._meta.verbose_name_plural) for label, m in visible.items()),
            key=lambda pair: str(pair[1]),
        ),
        "chosen": chosen,
        "user_filter": user,
        "limit": RECENT_PAGE_SIZE,
    }
    return TemplateResponse(request, "admin/core/recent_changes.html", context)
