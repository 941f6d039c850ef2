"""Publication status moves only through the workflow (buttons on the change page, actions on the
list), checked by core.workflow; a published record is read-only for someone who may not publish:
"Propose changes" opens a revision (core.revisions)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.history import changes_between, diff_many
from core.publication import PublicationStatus
from core.revisions import (
    REVISION_FIELDS,
    changes_since_started,
    children,
    discard_revision,
    may_discard,
    needs_revision,
    open_revision,
    proposer,
    start_revision,
)
from core.versioning import EditConflict
from core.workflow import (
    TRANSITIONS,
    allowed_transitions,
    last_published_record,
    permission_name,
    transition,
    transition_many,
    unpublish_after_edit,
)

from .history import HistoryAdminMixin, change_url, changes_table, latest_records
from .versioned import VersionedAdminMixin


def read_only_message(obj) -> str:
    return _(
        "“%(obj)s” is published: it cannot be changed in place without publish permission. "
        "Propose changes on its page (a revision, reviewed before it replaces the published "
        "version)."
    ) % {"obj": obj}


class RevisionListFilter(admin.SimpleListFilter):
    title = _("revisions")
    parameter_name = "revisions"

    def lookups(self, request, model_admin):
        return [
            ("only", _("Revisions of published records")),
            ("open", _("Published records with an open revision")),
            ("none", _("Records, without revisions")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "only":
            return queryset.filter(revision_of__isnull=False)
        if self.value() == "open":
            return queryset.filter(revisions__isnull=False)
        if self.value() == "none":
            return queryset.filter(revision_of__isnull=True)
        return queryset


class WorkflowAdminMixin(VersionedAdminMixin, HistoryAdminMixin):
    """For Law, Finding and Participation (records with a publication status)."""

    change_form_template = "admin/core/workflow_change_form.html"
    # Dependent rows whose changes count as changes of the record (law → provisions).
    dependent_history: tuple[str, str] | None = None  # (related model label, foreign key name)

    def get_list_display(self, request):
        return [*super().get_list_display(request), "revision_marker"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), RevisionListFilter]

    @admin.display(description=_("revision of"), ordering="revision_of_id")
    def revision_marker(self, obj):
        # The id only (no join per row): the link opens the published record.
        if obj.revision_of_id is None:
            return ""
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.revision_of_id])
        return format_html('<a href="{}">#{}</a>', url, obj.revision_of_id)

    # ---- revisions: a published record is read-only for those who may not publish ----------

    def has_change_permission(self, request, obj=None):
        if obj is not None and needs_revision(request.user, obj):
            return False  # they propose changes in a revision instead
        return super().has_change_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and needs_revision(request.user, obj):
                self.message_user(
                    request, _("Not saved: ") + read_only_message(obj), messages.ERROR
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        opts = self.model._meta
        info = opts.app_label, opts.model_name
        return [
            path(
                "<path:object_id>/propose/",
                self.admin_site.admin_view(self.propose_view),
                name="{}_{}_propose".format(*info),
            ),
            path(
                "<path:object_id>/discard/",
                self.admin_site.admin_view(self.discard_view),
                name="{}_{}_discard".format(*info),
            ),
            *super().get_urls(),
        ]

    def propose_view(self, request, object_id):
        """POST: open a revision of a published record (or go to the one already open)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not super().has_change_permission(request, None):
            raise PermissionDenied
        try:
            revision, created = start_revision(request.user, obj)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(change_url(obj))
        if created:
            text = _(
                "You are editing a revision of “%(obj)s”. The published version stays public "
                "until a reviewer publishes this revision: make your changes, save, then submit "
                "it for review."
            )
        else:
            text = _("A revision of “%(obj)s” is already open: this is it.")
        self.message_user(request, text % {"obj": obj}, messages.SUCCESS)
        return HttpResponseRedirect(change_url(revision))

    def discard_view(self, request, object_id):
        """POST: delete a revision unpublished (its original is untouched)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        try:
            original = discard_revision(request.user, obj)
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, _("Not discarded: ") + text, messages.ERROR)
            return HttpResponseRedirect(change_url(obj))
        self.message_user(
            request,
            _("The revision is discarded; “%(obj)s” is as published.") % {"obj": original},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(change_url(original))

    def revision_context(self, request, obj) -> dict:
        """What the change page says about revisions (workflow_change_form.html)."""
        if obj is None or obj.pk is None:
            return {}
        opts = self.model._meta
        if obj.is_revision:
            original = obj.revision_of
            by = proposer(obj)
            return {
                "is_revision": True,
                "original": original,
                "original_url": change_url(original),
                "proposer": by,
                # The published record or one of its rows changed since: publishing would fail.
                "stale": original.version != obj.base_version
                or bool(changes_since_started(original, obj)),
                "discard_url": (
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_discard", args=[obj.pk])
                    if may_discard(request.user, obj)
                    else ""
                ),
            }
        if obj.publication_status != PublicationStatus.PUBLISHED:
            return {}
        revision = open_revision(obj)
        return {
            "is_original": True,
            "read_only": needs_revision(request.user, obj),
            "revision": revision,
            "revision_url": change_url(revision) if revision else "",
            "propose_url": (
                reverse(f"admin:{opts.app_label}_{opts.model_name}_propose", args=[obj.pk])
                if revision is None and super().has_change_permission(request, None)
                else ""
            ),
        }

    # ---- the review diff -----------------------------------------------------------------

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
        if getattr(obj, "revision_of_id", None) is not None:
            return self.revision_changes(obj)
        if obj.publication_status == PublicationStatus.PUBLISHED:
            # What the page shows is what the public sees: there is nothing unpublished to
            # review here (a change proposed by an editor is on the revision's page). Dependent
            # rows written after the publication row (an import writes the law, then its
            # provisions) would otherwise show as "added since".
            return format_html(
                "<p>{}</p>",
                _("None: this is the published version, as the public sees it."),
            )
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

    def revision_changes(self, revision):
        """A revision against the published original it revises, as it now stands: each field,
        and each dependent row (provision, declaration) added, changed or removed."""
        original = revision.revision_of
        latest = latest_records(self.model, [original.pk, revision.pk])
        intro = format_html(
            "<p>{}</p>",
            _("Compared with the published version of “%(obj)s” (version %(version)s).")
            % {"obj": original, "version": original.version},
        )
        changes = (
            [
                c
                for c in diff_many([(latest.get(original.pk), latest[revision.pk])])[0]
                if c.field not in REVISION_FIELDS
            ]
            if revision.pk in latest
            else []
        )
        parts = [intro, changes_table(changes)]
        for name, child_model, fk in children(self.model):
            copies = list(getattr(revision, name).all())
            current = {row.pk: row for row in getattr(original, name).all()}
            rows = latest_records(child_model, [*current, *(c.pk for c in copies)])
            pairs, kinds = [], []
            for copy in copies:
                if copy.pk not in rows:
                    continue
                if copy.copy_of_id in current and copy.copy_of_id in rows:
                    pairs.append((rows[copy.copy_of_id], rows[copy.pk]))
                    kinds.append(_("changed"))
                else:
                    pairs.append((None, rows[copy.pk]))
                    kinds.append(_("added"))
            verbose = str(child_model._meta.verbose_name).capitalize()
            for (old, new), kind, diff in zip(pairs, kinds, diff_many(pairs), strict=True):
                diff = [c for c in diff if c.field not in REVISION_FIELDS and c.field != fk]
                if old is not None and not diff:
                    continue
                name_ = getattr(new, "label", "") or getattr(new, "heading", "") or f"#{new.id}"
                parts.append(format_html("<h4>{} {} ({})</h4>", verbose, name_, kind))
                parts.append(changes_table(diff))
            mapped = {c.copy_of_id for c in copies}
            for pk, row in current.items():
                if pk not in mapped:
                    name_ = getattr(row, "label", "") or getattr(row, "heading", "") or f"#{pk}"
                    parts.append(format_html("<h4>{} {} ({})</h4>", verbose, name_, _("removed")))
                    parts.append(format_html("<p>{}</p>", _("Removed: publishing deletes it.")))
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
        else:
            if needs_revision(request.user, obj):
                # The page is read-only for them; a hand-made post is refused all the same.
                raise PermissionDenied(read_only_message(obj))
            if form.has_changed() and unpublish_after_edit(request.user, obj):
                self._sent_back = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if getattr(self, "_sent_back", False):
            self._sent_back = False
            self.message_user(
                request,
                _("This withdrawn %(name)s is a draft again: submit it for review when ready.")
                % {"name": self.model._meta.verbose_name},
                messages.INFO,
            )
        name = request.POST.get("_transition")
        if name:
            try:
                result = transition(request.user, obj, name)
            except ValidationError as error:
                # Refused by the record's own rules (a finding whose evidence is not public):
                # the edit is saved, the transition is not.
                self.message_user(
                    request,
                    _("Saved; “%(label)s” was refused: %(reason)s")
                    % {
                        "label": TRANSITIONS[name].label if name in TRANSITIONS else name,
                        "reason": " ".join(error.messages),
                    },
                    messages.ERROR,
                )
                return
            if result.pk != obj.pk:
                # A revision was published: it is merged into its original and gone.
                request._crin_merged_into = result
                self.message_user(
                    request,
                    _(
                        "Published: the revision is now the public text of “%(obj)s” (same "
                        "record, same address); the revision is closed."
                    )
                    % {"obj": result},
                    messages.SUCCESS,
                )
                return
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
            report_withdrawn_with(self, request, obj)

    def response_change(self, request, obj):
        merged = getattr(request, "_crin_merged_into", None)
        if merged is not None:
            return HttpResponseRedirect(change_url(merged))
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["workflow_transitions"] = allowed_transitions(request.user, obj) if obj else []
        context["publication_status"] = (
            PublicationStatus(obj.publication_status).label if obj is not None else None
        )
        context["revision_info"] = self.revision_context(request, obj)
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


def report_withdrawn_with(modeladmin, request, obj) -> None:
    """Say which dependent records left the public view with `obj` (a law's findings)."""
    dependents = getattr(obj, "withdrawn_with", None)
    if dependents:
        modeladmin.message_user(
            request,
            _(
                "Also withdrawn, because they rest on “%(obj)s” and no longer have public "
                "evidence: %(names)s. Fix their evidence and submit them for review again."
            )
            % {"obj": obj, "names": "; ".join(f"“{d}”" for d in dependents)},
            messages.WARNING,
        )


def _make_action(name: str):
    def action(modeladmin, request, queryset):
        objs = list(queryset.order_by("pk"))
        try:
            done, skipped = transition_many(request.user, objs, name)
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
        for obj in objs:
            report_withdrawn_with(modeladmin, request, obj)

    action.__name__ = f"workflow_{name}"
    return action
