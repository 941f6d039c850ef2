"""The record's "History" page: every version with who, when, why and each field's old → new
value, and restore of any of them (core.workflow.restore_version)."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.history import changes_between, diff_many, previous_record, record_names
from core.versioning import EditConflict
from core.workflow import (
    restore_version,
)

from .widgets import NoMultiSelectHintMixin

HISTORY_PAGE_SIZE = 50


class HistoryAdminMixin(NoMultiSelectHintMixin):
    """Per-record history with field diffs and restore, replacing Django's LogEntry page."""

    object_history_template = "admin/core/object_history.html"

    def get_urls(self):
        opts = self.model._meta
        info = opts.app_label, opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        records = (
            self.model.history.filter(id=obj.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        page = Paginator(records, HISTORY_PAGE_SIZE).get_page(request.GET.get("p"))
        rows = list(page.object_list)
        # The row before the oldest on this page, so that its diff is exact too.
        older = previous_record(rows[-1]) if rows else None
        pairs = [
            (rows[index + 1] if index + 1 < len(rows) else older, record)
            for index, record in enumerate(rows)
        ]
        entries = [
            {"record": record, "changes": changes}
            for (_old, record), changes in zip(pairs, diff_many(pairs), strict=True)
        ]
        dependent_label, dependent_entries = self.dependent_history_entries(obj)
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %s") % obj,
            "subtitle": None,
            "opts": self.model._meta,
            "object": obj,
            "entries": entries,
            "dependent_label": dependent_label,
            "dependent_entries": dependent_entries,
            "page": page,
            # A restore of a published record by an editor goes into its revision.
            "can_restore": self.has_change_permission(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def dependent_history_entries(self, obj, limit: int = HISTORY_PAGE_SIZE):
        """The latest changes of the record's dependent rows (a law's provisions: a law's
        history shows them too), newest first, each with its diff: (heading, entries)."""
        spec = getattr(self, "dependent_history", None)
        if not spec:
            return "", []
        from django.apps import apps

        model_label, fk = spec
        dependent = apps.get_model(model_label)
        rows = list(
            dependent.history.filter(**{f"{fk}_id": obj.pk})
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:limit]
        )
        # The row before each, from the same rows where it is among them (one query otherwise).
        by_record: dict = {}
        for row in sorted(rows, key=lambda r: (r.history_date, r.history_id)):
            by_record.setdefault(row.id, []).append(row)
        previous = {}
        for same in by_record.values():
            previous[same[0].history_id] = previous_record(same[0])
            for before, after in zip(same, same[1:], strict=False):
                previous[after.history_id] = before
        pairs = [(previous[row.history_id], row) for row in rows]
        entries = [
            {"record": row, "name": name, "changes": changes}
            for row, name, changes in zip(rows, record_names(rows), diff_many(pairs), strict=True)
        ]
        return str(dependent._meta.verbose_name_plural).capitalize(), entries

    def restore_view(self, request, object_id, history_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request):
            raise PermissionDenied
        record = get_object_or_404(self.model.history, id=obj.pk, history_id=history_id)
        current = (
            self.model.history.filter(id=obj.pk).order_by("-history_date", "-history_id").first()
        )
        opts = self.model._meta
        if request.method == "POST":
            try:
                with transaction.atomic():
                    written = restore_version(request.user, obj, history_id)
            except (EditConflict, ValidationError, PermissionDenied) as error:
                text = (
                    error.message
                    if isinstance(error, EditConflict)
                    else " ".join(getattr(error, "messages", [str(error)]))
                )
                self.message_user(request, _("Not restored: ") + text, messages.ERROR)
            else:
                if written.pk != obj.pk:
                    self.message_user(
                        request,
                        _(
                            "Version %(version)s of “%(obj)s” is restored in a revision: the "
                            "published version stays public until a reviewer publishes it. "
                            "Submit the revision for review when ready."
                        )
                        % {"obj": obj, "version": record.version},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url(written))
                self.message_user(
                    request,
                    _("Restored “%(obj)s” to version %(version)s. The restore is in the history.")
                    % {"obj": obj, "version": record.version},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restore “%(obj)s” to version %(version)s?")
            % {"obj": obj, "version": record.version},
            "opts": opts,
            "object": obj,
            "record": record,
            "changes": changes_between(current, record) if current else [],
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/core/restore_confirm.html", context)


def changes_table(changes) -> str:
    if not changes:
        return format_html("<p>{}</p>", _("No field changed."))
    return format_html(
        '<table class="crin-diff"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        _("field"),
        _("before"),
        _("now"),
        format_html_join(
            "",
            "<tr><td>{}</td><td><del>{}</del></td><td><ins>{}</ins></td></tr>",
            ((c.label, _blank(c.old), _blank(c.new)) for c in changes),
        ),
    )


def _blank(value):
    return "—" if value in (None, "") else value


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def latest_records(model, pks) -> dict:
    """The latest historical row of each of these records."""
    latest: dict = {}
    for record in (
        model.history.filter(id__in=list(pks))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        latest[record.id] = record
    return latest
