"""Admin building blocks of the editorial workflow (docs/EDITORIAL_WORKFLOW.md).

- `VersionedAdminMixin`: the change form carries the version it rendered (hidden field); a save
  based on an older version is refused with the other editor's changes (crin_legal.versioning).
- `HistoryAdminMixin`: the record's "History" page lists every version with who, when, why and
  each field's old → new value, and restores any of them (crin_legal.workflow.restore_version).
- `WorkflowAdminMixin`: publication status is read-only in the form and moves only through the
  workflow (buttons on the change page, actions on the list), checked by crin_legal.workflow;
  a reviewer sees what changed since the last publication; an editor's edit of a published
  record sends it back to draft.
- `recent_changes_view`: every change across the site, newest first (/admin/recent-changes/).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .history import changes_between, diff_many, previous_record
from .publication import PublicationStatus
from .versioning import EditConflict, VersionedFormMixin
from .workflow import (
    TRANSITIONS,
    TransitionError,
    allowed_transitions,
    last_published_record,
    may_publish,
    permission_name,
    restore_version,
    transition,
    transition_many,
    unpublish_after_edit,
)

HISTORY_PAGE_SIZE = 50


class VersionedModelForm(VersionedFormMixin, forms.ModelForm):
    pass


def _with_version(fieldsets):
    """Add the hidden version field to the first fieldset."""
    fieldsets = [(name, dict(options)) for name, options in fieldsets]
    if fieldsets and "version" not in admin.utils.flatten_fieldsets(fieldsets):
        name, options = fieldsets[0]
        options["fields"] = [*options["fields"], "version"]
    return fieldsets


class VersionedAdminMixin:
    """For models with a `version` column (crin_legal.versioning.VersionedModel)."""

    form = VersionedModelForm

    def get_fieldsets(self, request, obj=None):
        return _with_version(super().get_fieldsets(request, obj))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:
            # Someone saved between the form's check and our write: the transaction rolled
            # back, nothing of this edit was written.
            self.message_user(request, conflict.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        except (PermissionDenied, TransitionError) as error:
            if request.method != "POST":
                raise
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, _("Not saved: ") + text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class VersionedInlineMixin:
    """An inline whose rows each carry their version (a provision inline of a law)."""

    form = VersionedModelForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "version" in fields else [*fields, "version"]


class HistoryAdminMixin:
    """Per-record history with field diffs and restore, replacing Django's LogEntry page."""

    object_history_template = "admin/crin_legal/object_history.html"

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
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %s") % obj,
            "subtitle": None,
            "opts": self.model._meta,
            "object": obj,
            "entries": entries,
            "page": page,
            "can_restore": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def restore_view(self, request, object_id, history_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        record = get_object_or_404(self.model.history, id=obj.pk, history_id=history_id)
        current = (
            self.model.history.filter(id=obj.pk).order_by("-history_date", "-history_id").first()
        )
        opts = self.model._meta
        if request.method == "POST":
            try:
                with transaction.atomic():
                    restore_version(request.user, obj, history_id)
            except (EditConflict, ValidationError, PermissionDenied) as error:
                text = (
                    error.message
                    if isinstance(error, EditConflict)
                    else " ".join(getattr(error, "messages", [str(error)]))
                )
                self.message_user(request, _("Not restored: ") + text, messages.ERROR)
            else:
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
        return TemplateResponse(request, "admin/crin_legal/restore_confirm.html", context)


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


class WorkflowAdminMixin(VersionedAdminMixin, HistoryAdminMixin):
    """For Law, Finding and Participation (records with a publication status)."""

    change_form_template = "admin/crin_legal/workflow_change_form.html"
    # Dependent rows whose changes count as changes of the record (law → provisions).
    dependent_history: tuple[str, str] | None = None  # (related model label, foreign key name)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        extra = ["publication_status", "published_at", "last_public_change"]
        if obj is not None:
            extra.append("changes_since_publication")
        return fields + [f for f in extra if f not in fields]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        fields = admin.utils.flatten_fieldsets(fieldsets)
        review = [f for f in ("published_at", "last_public_change") if f not in fields]
        if obj is not None:
            review.insert(0, "changes_since_publication")
        if review:
            fieldsets = [*fieldsets, (_("Publication"), {"fields": review})]
        return fieldsets

    @admin.display(description=_("changes since the last publication"))
    def changes_since_publication(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        published = last_published_record(obj)
        current = (
            self.model.history.filter(id=obj.pk).order_by("-history_date", "-history_id").first()
        )
        if current is None:
            return "—"
        if published is None:
            intro = format_html("<p>{}</p>", _("Never published: everything below is new."))
            changes = changes_between(None, current)
        else:
            intro = format_html(
                "<p>{}</p>",
                _("Compared with the version published on %(date)s (version %(version)s).")
                % {
                    "date": f"{published.history_date:%Y-%m-%d %H:%M} UTC",
                    "version": published.version,
                },
            )
            changes = [
                c for c in changes_between(published, current) if c.field != "publication_status"
            ]
        parts = [intro, changes_table(changes)]
        since = published.history_date if published else None
        for label, dependents in self.dependent_changes(obj, since):
            parts.append(format_html("<h4>{}</h4>", label))
            parts.append(dependents)
        return format_html("".join(["{}"] * len(parts)), *parts)

    def dependent_changes(self, obj, since):
        """(heading, table) for each dependent row (provision, reservation) changed since."""
        if not self.dependent_history:
            return []
        model_label, fk = self.dependent_history
        from django.apps import apps

        dependent = apps.get_model(model_label)
        records = dependent.history.filter(**{f"{fk}_id": obj.pk})
        if since is not None:
            records = records.filter(history_date__gt=since)
        latest: dict = {}
        for record in records.select_related("history_user").order_by("history_date", "history_id"):
            latest[record.id] = record
        baselines: dict = {}
        if since is not None and latest:
            for record in dependent.history.filter(
                id__in=list(latest), history_date__lte=since
            ).order_by("history_date", "history_id"):
                baselines[record.id] = record
        pairs = [(baselines.get(pk), record) for pk, record in latest.items()]
        out = []
        for (_old, record), changes in zip(pairs, diff_many(pairs), strict=True):
            if record.history_type == "-":
                table = format_html("<p>{}</p>", _("Deleted."))
            else:
                table = changes_table(changes)
            name = getattr(record, "label", "") or getattr(record, "heading", "") or f"#{record.id}"
            label = f"{str(dependent._meta.verbose_name).capitalize()} {name}"
            out.append((label, table))
        return out

    # ---- saving and transitions ----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            # New records start as drafts, whoever creates them.
            obj.publication_status = PublicationStatus.DRAFT
        elif form.has_changed() and unpublish_after_edit(request.user, obj):
            self._sent_back = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if (
            change
            and any(formset.has_changed() for formset in formsets)
            and obj.publication_status == PublicationStatus.PUBLISHED
            and not may_publish(request.user, self.model)
        ):
            obj.publication_status = PublicationStatus.DRAFT
            obj._change_reason = "edit of a published record: back to draft"
            obj.save()
            self._sent_back = True
        if getattr(self, "_sent_back", False):
            self._sent_back = False
            self.message_user(
                request,
                _(
                    "Your change sent this %(name)s back to draft: it has left the public site "
                    "and API until a reviewer publishes it again. Submit it for review when ready."
                )
                % {"name": self.model._meta.verbose_name},
                messages.WARNING,
            )
        name = request.POST.get("_transition")
        if name:
            transition(request.user, obj, name)
            self.message_user(
                request,
                _("%(name)s “%(obj)s” is now %(status)s.")
                % {
                    "name": str(self.model._meta.verbose_name).capitalize(),
                    "obj": obj,
                    "status": PublicationStatus(obj.publication_status).label.lower(),
                },
                messages.SUCCESS,
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["workflow_transitions"] = allowed_transitions(request.user, obj) if obj else []
        context["publication_status"] = (
            PublicationStatus(obj.publication_status).label if obj is not None else None
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # ---- list actions ----------------------------------------------------------------------

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if action_location != admin.ActionLocation.CHANGE_LIST:
            return actions  # the change page has its own buttons (workflow_change_form.html)
        for t in TRANSITIONS.values():
            if request.user.has_perm(permission_name(self.model, t.permission)):
                actions[f"workflow_{t.name}"] = (
                    _make_action(t.name),
                    f"workflow_{t.name}",
                    _("%(label)s: selected %(names)s")
                    % {"label": t.label, "names": self.model._meta.verbose_name_plural},
                )
        return actions


def _make_action(name: str):
    def action(modeladmin, request, queryset):
        try:
            done, skipped = transition_many(request.user, queryset.order_by("pk"), name)
        except PermissionDenied as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            return
        except EditConflict as conflict:
            modeladmin.message_user(request, conflict.message, messages.ERROR)
            return
        label = TRANSITIONS[name].label
        modeladmin.message_user(
            request,
            _("%(label)s: %(count)d done.") % {"label": label, "count": done},
            messages.SUCCESS,
        )
        for reason in skipped:
            modeladmin.message_user(request, reason, messages.WARNING)

    action.__name__ = f"workflow_{name}"
    return action


def parent_sent_back(request, parent: models.Model) -> bool:
    """A dependent row (provision, reservation) was edited on its own page: a published parent
    goes back to draft unless the editor may publish it. Returns whether it did."""
    if parent.publication_status == PublicationStatus.PUBLISHED and not may_publish(
        request.user, type(parent)
    ):
        parent.publication_status = PublicationStatus.DRAFT
        parent._history_user = request.user
        parent._change_reason = f"edit of its {parent._meta.verbose_name} part: back to draft"
        parent.save()
        messages.warning(
            request,
            _("This change sent %(name)s “%(obj)s” back to draft until a reviewer publishes it.")
            % {"name": parent._meta.verbose_name, "obj": parent},
        )
        return True
    return False


# ---- recent changes across the site --------------------------------------------------------

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
    rows = []
    for record, changes in zip(pool, diffs, strict=True):
        model = record.instance_type
        try:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[record.id]
            )
        except NoReverseMatch:
            url = ""
        rows.append(
            {
                "record": record,
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
    return TemplateResponse(request, "admin/crin_legal/recent_changes.html", context)
