"""Admin pages for bulk import with preview and for the UNTC refresh (docs/BULK_IMPORT.md).

An editor uploads a file; it is kept on the server as an `ImportBatch` (content, SHA-256, who,
when) and checked against the database without writing: the review page lists what applying it
would do, row by row (bulk import: laws.bulk_import) or item by item (UNTC:
treaties.importers.untc.diff_pages). Applying re-validates inside one transaction, refuses if the
outcome differs from what was previewed (the database changed meanwhile: the new preview is
shown), and writes all or nothing through the importers' own row writers, so history records
every change.

The pages hang off the import batch admin (ImportBatchAdmin.get_urls) and are linked from its
list. The UNTC refresh lives here rather than in treaties/ because the batch model is in `laws`
and `treaties` never imports from `laws`.
"""

import hashlib
from contextlib import nullcontext

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from treaties.importers.untc import (
    UNTCImportError,
    UNTCParseError,
    diff_pages,
    import_pages,
    parse_page,
)
from treaties.models import Treaty

from .bulk_import import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    PUBLISHABLE,
    ApplyRefused,
    Kind,
    Plan,
    apply_file,
    may_import,
    may_publish,
    plan_file,
    template_csv,
    template_xlsx,
)
from .importers.tables import MAX_UPLOAD_BYTES
from .models import ImportBatch, ImportBatchStatus

UNTC = "untc"
# What a UNTC refresh writes: the uploader needs add and change on each.
UNTC_MODELS = ("participation", "reservation", "objection", "endnote")


def may_refresh_untc(user) -> bool:
    return bool(
        user.is_active
        and user.is_staff
        and user.has_perm("laws.add_importbatch")
        and all(
            user.has_perm(f"treaties.{action}_{model}")
            for model in UNTC_MODELS
            for action in ("add", "change")
        )
    )


def may_apply_untc(user) -> bool:
    """Applying a refresh changes published treaty data at once, so it is a reviewer's right
    (`treaties.publish_participation`), as publishing any other edit is: an editor uploads and
    previews, a reviewer reads the same preview and applies it (issue 12.2)."""
    return may_refresh_untc(user) and bool(
        user.is_superuser or user.has_perm("treaties.publish_participation")
    )


def _status_date_warning(page: dict) -> str | None:
    """A clear warning when the page is not newer than the data loaded from the UNTC."""
    loaded = page.get("loaded_status_as_of")
    if loaded and page["status_as_of"] <= loaded:
        return _(
            "This %(treaty)s page is dated %(page)s, which is not newer than the status already "
            "loaded (%(loaded)s): it may be an old or edited copy. Check it against the UN "
            "Treaty Collection before applying."
        ) % {"treaty": page["treaty"].upper(), "page": page["status_as_of"], "loaded": loaded}
    return None


def _history_reason(reason: str):
    """Label the history rows an apply writes, where the history app provides it."""
    try:
        from core.history import change_reason
    except ImportError:  # history not installed
        return nullcontext()
    return change_reason(reason)


def _bounded(upload):
    """The upload, if it is within the size the importers accept."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("%(name)s is %(size)s; at most %(max)s are accepted. Split the file.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(MAX_UPLOAD_BYTES),
            }
        )
    return upload


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=Kind.choices)
    file = forms.FileField(label=_("CSV (UTF-8) or XLSX file"))
    publish = forms.BooleanField(
        label=_("Publish the rows it creates or updates"),
        required=False,
        help_text=_("Otherwise new records are drafts and existing ones keep their state."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Here, not on the field: the sentence is put together in the editor's language.
        self.fields["file"].help_text = _(
            "At most %(size)s MB; one sheet; values, not formulas."
        ) % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        if not any(may_publish(user, kind) for kind in Kind.values):
            del self.fields["publish"]

    def clean_file(self):
        return _bounded(self.cleaned_data["file"])

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and not may_import(self.user, kind):
            raise PermissionDenied
        if kind and data.get("publish") and not may_publish(self.user, kind):
            self.add_error("publish", _("You may not publish %(kind)s.") % {"kind": kind})
        return data


class UNTCUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Saved UNTC status page (HTML)"),
        help_text=_(
            "The treaty's page on treaties.un.org, saved as 'Web page, HTML only' "
            "(e.g. IV-11-c for OPSC)."
        ),
    )

    def clean_file(self):
        upload = _bounded(self.cleaned_data["file"])
        if not upload.name.lower().endswith((".html", ".htm")):
            raise forms.ValidationError(
                _("%(name)s is not an HTML file: save the status page as 'Web page, HTML only'.")
                % {"name": upload.name}
            )
        return upload


def _untc_preview(name: str, content: bytes) -> dict:
    """Parse and diff a UNTC page; raises UNTCParseError or UNTCImportError."""
    try:
        html = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UNTCParseError(f"{name}: not UTF-8 text; save the page as UTF-8 HTML.") from exc
    page = parse_page(html, source=name)
    diffs = diff_pages([page])
    loaded = dict(Treaty.objects.values_list("code", "status_as_of"))
    return {
        "pages": [
            {
                "reference": d.reference,
                "treaty": d.treaty,
                "source": d.source,
                "status_as_of": page.status_as_of.isoformat(),
                # The status date of the data loaded before (for the not-newer warning).
                "loaded_status_as_of": (
                    loaded[d.treaty].isoformat() if loaded.get(d.treaty) else None
                ),
                "differences": [
                    {
                        "section": x.section,
                        "action": x.action,
                        "subject": x.subject,
                        "changes": [list(c) for c in x.changes],
                        "text": x.text,
                    }
                    for x in d.differences
                ],
            }
            for d in diffs
        ]
    }


class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "filename",
        "status",
        "summary",
        "uploaded_by",
        "applied_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["uploaded_by"]
    change_list_template = "admin/laws/importbatch/change_list.html"

    def has_add_permission(self, request):
        return request.user.has_perm("laws.add_importbatch")

    def add_view(self, request, form_url="", extra_context=None):
        # Adding a batch is uploading a file: the bulk import page.
        return self.upload_view(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("outcome"))
    def summary(self, obj):
        data = obj.result or obj.preview
        if obj.kind == UNTC:
            count = sum(len(p["differences"]) for p in data.get("pages", []))
            return ngettext("%(count)s difference", "%(count)s differences", count) % {
                "count": count
            }
        plan = Plan.from_json(data) if data else None
        if plan is None:
            return ""
        if plan.file_errors:
            return _("file refused")
        return ", ".join(f"{n} {action}" for action, n in plan.counts.items() if n)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="laws_importbatch_upload"),
            path("untc/", view(self.untc_view), name="laws_importbatch_untc"),
            path("<int:pk>/review/", view(self.review_view), name="laws_importbatch_review"),
            path(
                "template/<str:kind>.<str:fmt>",
                view(self.template_view),
                name="laws_importbatch_template",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise Http404
        return HttpResponseRedirect(reverse("admin:laws_importbatch_review", args=[object_id]))

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_upload": request.user.has_perm("laws.add_importbatch"),
            "may_refresh_untc": may_refresh_untc(request.user),
        }
        return super().changelist_view(request, extra_context)

    # --- pages ---------------------------------------------------------------------------------

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **extra,
        }

    def upload_view(self, request):
        if not request.user.has_perm("laws.add_importbatch"):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            kind = form.cleaned_data["kind"]
            publish = bool(form.cleaned_data.get("publish"))
            plan = plan_file(kind, upload.name, content, publish=publish)
            batch = ImportBatch.objects.create(
                kind=kind,
                filename=upload.name[:255],
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                publish=publish,
                preview=plan.as_json(),
                uploaded_by=request.user,
            )
            return HttpResponseRedirect(reverse("admin:laws_importbatch_review", args=[batch.pk]))
        templates = [
            {"kind": k, "label": label, "columns": COLUMNS[k] + OPTIONAL_COLUMNS.get(k, ())}
            for k, label in Kind.choices
        ]
        return TemplateResponse(
            request,
            "admin/laws/importbatch/upload.html",
            self._context(request, _("Bulk import"), form=form, templates=templates),
        )

    def untc_view(self, request):
        if not may_refresh_untc(request.user):
            raise PermissionDenied
        form = UNTCUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                preview = _untc_preview(upload.name, content)
            except (UNTCParseError, UNTCImportError) as exc:
                form.add_error("file", str(exc))
            else:
                batch = ImportBatch.objects.create(
                    kind=UNTC,
                    filename=upload.name[:255],
                    content=content,
                    sha256=hashlib.sha256(content).hexdigest(),
                    size=len(content),
                    preview=preview,
                    uploaded_by=request.user,
                )
                url = reverse("admin:laws_importbatch_review", args=[batch.pk])
                return HttpResponseRedirect(url)
        return TemplateResponse(
            request,
            "admin/laws/importbatch/untc_upload.html",
            self._context(request, _("Refresh treaty participation from the UNTC"), form=form),
        )

    def template_view(self, request, kind, fmt):
        if not request.user.has_perm("laws.add_importbatch"):
            raise PermissionDenied
        if kind not in Kind.values or fmt not in ("csv", "xlsx"):
            raise Http404
        if fmt == "csv":
            response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                template_xlsx(kind),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
        return response

    def review_view(self, request, pk):
        if not request.user.has_perm("laws.view_importbatch"):
            raise PermissionDenied
        batch = get_object_or_404(ImportBatch.objects.select_related("uploaded_by"), pk=pk)
        allowed = (
            may_apply_untc(request.user)
            if batch.kind == UNTC
            else may_import(request.user, batch.kind)
        )
        if request.method == "POST":
            if not allowed:
                raise PermissionDenied
            self._apply(request, batch)
            return HttpResponseRedirect(request.path)
        if batch.kind == UNTC:
            data = batch.result or batch.preview
            can_apply = batch.status == ImportBatchStatus.PREVIEWED and any(
                p["differences"] for p in batch.preview.get("pages", [])
            )
            template = "admin/laws/importbatch/untc_review.html"
            if can_apply:
                for page in batch.preview.get("pages", []):
                    warning = _status_date_warning(page)
                    if warning:
                        messages.warning(request, warning)
                if not allowed:
                    messages.info(
                        request,
                        _(
                            "This refresh changes published treaty data, so a reviewer applies "
                            "it: it waits here for review (import batch %(pk)s)."
                        )
                        % {"pk": batch.pk},
                    )
            extra = {"pages": data.get("pages", []), "result_counts": batch.result.get("counts")}
        else:
            plan = Plan.from_json(batch.result or batch.preview)
            can_apply = batch.status == ImportBatchStatus.PREVIEWED and plan.ok
            template = "admin/laws/importbatch/review.html"
            extra = {
                "plan": plan,
                "counts": plan.counts,
                "follows_parent": plan.kind not in PUBLISHABLE,
            }
        return TemplateResponse(
            request,
            template,
            self._context(
                request,
                _("Import batch %(pk)s: %(name)s") % {"pk": batch.pk, "name": batch.filename},
                batch=batch,
                can_apply=can_apply and allowed,
                applied=batch.status == ImportBatchStatus.APPLIED,
                **extra,
            ),
        )

    def _apply(self, request, batch: ImportBatch) -> None:
        if batch.status != ImportBatchStatus.PREVIEWED:
            messages.error(request, _("This batch was already applied or refused."))
            return
        content = bytes(batch.content)
        if hashlib.sha256(content).hexdigest() != batch.sha256:
            messages.error(request, _("The stored file does not match its checksum."))
            return
        with _history_reason(f"import batch {batch.pk} ({batch.kind}: {batch.filename})"):
            if batch.kind == UNTC:
                self._apply_untc(request, batch, content)
            else:
                self._apply_rows(request, batch, content)

    def _apply_rows(self, request, batch: ImportBatch, content: bytes) -> None:
        expected = Plan.from_json(batch.preview)
        try:
            plan = apply_file(
                batch.kind, batch.filename, content, publish=batch.publish, expected=expected
            )
        except ApplyRefused as exc:
            if exc.stale:
                batch.preview = exc.plan.as_json()
                batch.save(update_fields=["preview"])
                messages.warning(request, str(exc))
            else:
                batch.status = ImportBatchStatus.REFUSED
                batch.result = exc.plan.as_json()
                batch.save(update_fields=["status", "result"])
                messages.error(request, str(exc))
            return
        self._done(batch, plan.as_json(), request.user)
        counts = plan.counts
        messages.success(
            request,
            _("Applied: %(create)s created, %(update)s updated, %(unchanged)s unchanged.") % counts,
        )

    def _apply_untc(self, request, batch: ImportBatch, content: bytes) -> None:
        from django.db import transaction

        try:
            with transaction.atomic():
                preview = _untc_preview(batch.filename, content)
                if preview != batch.preview:
                    batch.preview = preview
                    batch.save(update_fields=["preview"])
                    messages.warning(
                        request,
                        _(
                            "The database changed since the preview; nothing was written. "
                            "Check the new preview and apply again."
                        ),
                    )
                    return
                result = import_pages([parse_page(content.decode("utf-8"), source=batch.filename)])
        except (UNTCParseError, UNTCImportError) as exc:
            messages.error(request, str(exc))
            return
        total = result.total
        self._done(
            batch,
            {
                **preview,
                "counts": {
                    "inserted": total.inserted,
                    "updated": total.updated,
                    "unchanged": total.unchanged,
                    "deleted": total.deleted,
                },
            },
            request.user,
        )
        messages.success(request, _("Applied: %(total)s.") % {"total": str(total)})

    def _done(self, batch: ImportBatch, result: dict, user) -> None:
        batch.status = ImportBatchStatus.APPLIED
        batch.result = result
        batch.applied_by = user
        batch.applied_at = timezone.now()
        batch.save(update_fields=["status", "result", "applied_by", "applied_at"])


admin.site.register(ImportBatch, ImportBatchAdmin)
