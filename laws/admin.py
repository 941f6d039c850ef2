"""Admin for the national layer: laws with their provisions, the topic/indicator vocabulary, and
findings.

A finding's evidence is chosen by autocomplete among the provisions of the finding's own state
(the page forwards the chosen state; see LawProvisionAdmin.get_search_results and
static/laws/admin/finding_evidence.js), and the finding form applies the same rules as the
importers (laws.forms.FindingAdminForm -> laws.services.validate_finding).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import (
    HistoryAdminMixin,
    RevisionChildAdminMixin,
    RevisionInlineMixin,
    VersionedAdminMixin,
    VersionedInlineMixin,
    WorkflowAdminMixin,
)
from core.publication import PublicationStatus
from treaties.admin import FrozenChoicesMixin
from treaties.models import TreatyProvision

from . import admin_import  # noqa: F401  (bulk import and UNTC refresh pages)
from .forms import FindingAdminForm
from .models import (
    Finding,
    FindingStatus,
    Indicator,
    IndicatorBasis,
    Law,
    LawProvision,
    Source,
    Topic,
)
from .services import add_findings, findings_citing, publish_with_findings

admin.site.site_header = _("CRIN Legal Database")
admin.site.site_title = _("CRIN Legal Database admin")
admin.site.index_title = _("Editing")


class LawProvisionInline(
    RevisionInlineMixin, VersionedInlineMixin, FrozenChoicesMixin, admin.StackedInline
):
    model = LawProvision
    fields = [
        ("label", "order"),
        "heading",
        "summary",
        ("text", "text_language"),
        "source",
        "indicators",
        ("in_force_from", "earlier_wording_unread", "in_force_to", "max_penalty_years"),
        ("verified", "verification_source"),
    ]
    filter_horizontal = ["indicators"]
    autocomplete_fields = ["source"]
    # Compact rows: a law can have dozens of provisions on one page.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    # Indicators are a short vocabulary: read once for the page, not once per provision.
    frozen_choice_fields = ("indicators",)
    extra = 1
    show_change_link = True

    def get_queryset(self, request):
        # Each row is titled with str(provision), which cites the law.
        return super().get_queryset(request).select_related("law").prefetch_related("indicators")


@admin.register(Law)
class LawAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "state",
        "kind",
        "citation",
        "year_enacted",
        "status",
        "publication_status",
        "verified",
        "provision_count",
        "updated_at",
    ]
    list_filter = [
        ("state__region", admin.RelatedOnlyFieldListFilter),
        ("state__subregion", admin.RelatedOnlyFieldListFilter),
        "kind",
        "status",
        "publication_status",
        "verified",
        ("provisions__indicators", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["state"]
    search_fields = ["title", "title_original", "citation", "state__name", "=state__iso2"]
    autocomplete_fields = [
        "state",
        "jurisdiction",
        "amends",
        "date_adopted_source",
        "date_in_force_source",
        "date_repealed_source",
    ]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "state",
                    "jurisdiction",
                    "title",
                    "title_original",
                    "language",
                    "kind",
                    "citation",
                ]
            },
        ),
        (
            _("Dates and status"),
            {
                "fields": [
                    "year_enacted",
                    ("date_adopted", "date_adopted_source", "date_adopted_quote"),
                    ("date_in_force", "date_in_force_source", "date_in_force_quote"),
                    ("date_repealed", "date_repealed_source", "date_repealed_quote"),
                    "status",
                    "amends",
                ],
                "description": _(
                    "A date only where a page states it: name the page (a source) and copy the "
                    "words that state the date."
                ),
            },
        ),
        (
            _("Source and review"),
            {
                "fields": [
                    "source_url",
                    "verified",
                    "verification_source",
                    "publication_status",
                    ("created_at", "updated_at"),
                ]
            },
        ),
        (_("Full text"), {"fields": ["full_text"], "classes": ["collapse"]}),
    ]
    inlines = [LawProvisionInline]
    # The reviewer's diff lists provisions changed since the law's last publication.
    dependent_history = ("laws.LawProvision", "law")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_provision_count=Count("provisions"))

    @admin.display(description=_("provisions"), ordering="_provision_count")
    def provision_count(self, obj):
        return obj._provision_count

    # ---- the editor's day: findings from the law's page ------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/add-findings/",
                self.admin_site.admin_view(self.add_findings_view),
                name="laws_law_add_findings",
            ),
            *super().get_urls(),
        ]

    def add_findings_view(self, request, object_id):
        """Several findings at once from a law's page (or a provision's: ?provision=<id>), with
        the law's provisions as evidence preselected; written as drafts through
        laws.services.add_findings (the finding rules, all or nothing)."""
        law = self.get_object(request, unquote(object_id))
        if law is None or law.is_revision:
            raise Http404
        if not request.user.has_perm("laws.add_finding"):
            raise PermissionDenied
        provisions = list(law.provisions.prefetch_related("indicators").order_by("order", "pk"))
        indicators = list(Indicator.objects.select_related("topic"))
        by_pk = {p.pk: p for p in provisions}
        errors: list[str] = []
        if request.method == "POST":
            chosen_provisions = {int(v) for v in request.POST.getlist("provisions") if v.isdigit()}
            chosen_indicators = {int(v) for v in request.POST.getlist("indicators") if v.isdigit()}
            status = request.POST.get("status", "")
            note = request.POST.get("note", "")
            citation = request.POST.get("evidence_citation", "")[:500]
            if not chosen_indicators:
                errors.append(_("Tick at least one indicator."))
            else:
                try:
                    written = add_findings(
                        law=law,
                        indicators=[i for i in indicators if i.pk in chosen_indicators],
                        provisions=[by_pk[pk] for pk in sorted(chosen_provisions) if pk in by_pk],
                        status=status,
                        note=note,
                        evidence_citation=citation,
                    )
                except ValidationError as error:
                    errors.extend(error.messages)
                else:
                    self.message_user(
                        request,
                        ngettext(
                            "Added %(count)d draft finding: %(names)s. Submit it for review.",
                            "Added %(count)d draft findings: %(names)s. Submit them for review.",
                            len(written),
                        )
                        % {"count": len(written), "names": "; ".join(str(f) for f in written)},
                        messages.SUCCESS,
                    )
                    url = reverse("admin:laws_finding_changelist")
                    return HttpResponseRedirect(f"{url}?state__id__exact={law.state_id}")
        else:
            wanted = request.GET.get("provision", "")
            chosen_provisions = (
                {int(wanted)} if wanted.isdigit() and int(wanted) in by_pk else set(by_pk)
            )
            chosen_indicators = {
                i.pk for p in provisions if p.pk in chosen_provisions for i in p.indicators.all()
            }
            status, note, citation = FindingStatus.YES, "", ""
        assessed = set(
            Finding.objects.filter(state=law.state_id, revision_of=None).values_list(
                "indicator_id", flat=True
            )
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add findings from “%(law)s”") % {"law": law},
            "opts": self.model._meta,
            "law": law,
            "provisions": provisions,
            "indicators": indicators,
            "chosen_provisions": chosen_provisions,
            "chosen_indicators": chosen_indicators - assessed,
            "assessed": assessed,
            "statuses": FindingStatus.choices,
            "status": status,
            "note": note,
            "evidence_citation": citation,
            "errors": errors,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/laws/law/add_findings.html", context)

    # ---- one review: the law and the findings that cite it (DOMAIN rule 1) ----------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["extra_object_tools"] = (
            [
                {
                    "url": reverse("admin:laws_law_add_findings", args=[obj.pk]),
                    "label": _("Add findings from this law"),
                }
            ]
            if obj is not None and not obj.is_revision and request.user.has_perm("laws.add_finding")
            else []
        )
        context["workflow_extra_buttons"] = []
        if (
            obj is not None
            and not obj.is_revision
            and obj.publication_status in (PublicationStatus.IN_REVIEW, PublicationStatus.PUBLISHED)
            and request.user.has_perm("laws.publish_law")
            and request.user.has_perm("laws.publish_finding")
        ):
            waiting = list(findings_citing(obj, PublicationStatus.IN_REVIEW))
            if waiting:
                context["workflow_extra_buttons"].append(
                    {
                        "name": "_publish_with_findings",
                        "label": _("Publish with its findings (%(count)d in review)")
                        % {"count": len(waiting)},
                        "title": "; ".join(str(f) for f in waiting),
                    }
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "_publish_with_findings" not in request.POST or request.POST.get("_transition"):
            return
        try:
            law, published, skipped = publish_with_findings(request.user, form.instance)
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, _("Saved; not published: ") + reason, messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "Published “%(law)s” and %(count)d finding citing it: %(names)s.",
                "Published “%(law)s” and %(count)d findings citing it: %(names)s.",
                len(published),
            )
            % {
                "law": law,
                "count": len(published),
                "names": "; ".join(f"“{f}”" for f in published) or "—",
            },
            messages.SUCCESS,
        )
        for reason in skipped:
            self.message_user(request, _("Still in review: ") + reason, messages.WARNING)


@admin.register(LawProvision)
class LawProvisionAdmin(
    RevisionChildAdminMixin, VersionedAdminMixin, HistoryAdminMixin, admin.ModelAdmin
):
    list_display = [
        "label",
        "law",
        "state",
        "heading",
        "in_force_from",
        "in_force_to",
        "verified",
        "updated_at",
    ]
    list_filter = [
        ("law__state__region", admin.RelatedOnlyFieldListFilter),
        ("indicators", admin.RelatedOnlyFieldListFilter),
        "law__kind",
        "law__status",
        "verified",
    ]
    list_select_related = ["law__state"]
    search_fields = [
        "label",
        "heading",
        "law__title",
        "law__citation",
        "law__state__name",
        "=law__state__iso2",
    ]
    autocomplete_fields = [
        "law",
        "source",
        "text_en_source",
        "in_force_from_source",
        "in_force_to_source",
    ]
    filter_horizontal = ["indicators"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["law", ("label", "order"), "heading", "summary", "indicators"]}),
        (
            _("Text, as the source gives it"),
            {
                "fields": [
                    ("text", "text_language"),
                    "source",
                    "text_version",
                    ("text_en", "text_en_source"),
                ],
                "description": _(
                    "Copy the text character for character from the page named as its source; "
                    "mark an omission with […]. Never paraphrase here: summaries go in the "
                    "summary."
                ),
            },
        ),
        (
            _("In force"),
            {
                "fields": [
                    ("in_force_from", "in_force_from_source", "in_force_from_quote"),
                    "earlier_wording_unread",
                    ("in_force_to", "in_force_to_source", "in_force_to_quote"),
                    "max_penalty_years",
                ]
            },
        ),
        (_("Review"), {"fields": [("verified", "verification_source"), "updated_at"]}),
    ]

    def get_queryset(self, request):
        # str() of a provision cites its law: autocomplete results and lists need it joined.
        return super().get_queryset(request).select_related("law__state")

    @admin.display(description=_("state"), ordering="law__state__name")
    def state(self, obj):
        return obj.law.state

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["extra_object_tools"] = (
            [
                {
                    "url": reverse("admin:laws_law_add_findings", args=[obj.law_id])
                    + f"?provision={obj.pk}",
                    "label": _("Add findings citing this provision"),
                }
            ]
            if obj is not None
            and obj.law.revision_of_id is None
            and request.user.has_perm("laws.add_finding")
            else []
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _is_evidence_autocomplete(request):
            state = request.GET.get("state", "").strip()
            if state.isdigit():
                queryset = queryset.filter(law__state_id=int(state))
            elif state:
                queryset = queryset.filter(law__state__iso2=state.upper())
            # Evidence cites published laws' provisions, never a revision's working copies.
            queryset = queryset.filter(law__revision_of__isnull=True)
        return queryset, may_have_duplicates


class EvidenceAutocompleteView(AutocompleteJsonView):
    """The admin's autocomplete, with a finding's evidence labelled as editors read it:
    "Uganda — Computer Misuse Act, 2011, s. 23 Child pornography" (the chosen state's provisions
    only: LawProvisionAdmin.get_search_results). Routed at <admin>/autocomplete/ before the
    admin's own URLs (crin_legal/urls.py); every other field is answered as Django does."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, LawProvision):
            result["text"] = obj.evidence_label()
        return result


class EvidenceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.evidence_label()


def _is_evidence_autocomplete(request) -> bool:
    """Is this the admin autocomplete for a finding's evidence?"""
    match = getattr(request, "resolver_match", None)
    return (
        match is not None
        and match.url_name in ("autocomplete", "admin_autocomplete_labelled")
        and request.GET.get("app_label") == Finding._meta.app_label
        and request.GET.get("model_name") == Finding._meta.model_name
        and request.GET.get("field_name") == "evidence"
    )


@admin.register(Topic)
class TopicAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "order", "indicator_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_indicator_count=Count("indicators"))

    @admin.display(description=_("indicators"), ordering="_indicator_count")
    def indicator_count(self, obj):
        return obj._indicator_count


class IndicatorBasisInline(FrozenChoicesMixin, admin.TabularInline):
    model = IndicatorBasis
    fields = ["provision", "kind", "note"]
    frozen_choice_fields = ("provision",)
    extra = 1

    def get_queryset(self, request):
        # Each row is titled with str(basis): provision, its treaty, and the indicator.
        return super().get_queryset(request).select_related("provision__treaty", "indicator")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "provision":
            kwargs["queryset"] = TreatyProvision.objects.select_related("treaty")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "topic", "order"]
    list_filter = ["topic"]
    list_select_related = ["topic"]
    search_fields = ["slug", "name", "question"]
    inlines = [IndicatorBasisInline]


@admin.register(Finding)
class FindingAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    form = FindingAdminForm
    list_display = [
        "finding_state",
        "indicator",
        "status",
        "publication_status",
        "verified",
        "effective_from",
        "effective_to",
        "updated_at",
    ]
    list_filter = [
        ("state", admin.RelatedOnlyFieldListFilter),
        ("state__region", admin.RelatedOnlyFieldListFilter),
        ("state__subregion", admin.RelatedOnlyFieldListFilter),
        "indicator__topic",
        "indicator",
        "status",
        "publication_status",
        "verified",
    ]
    list_select_related = ["state", "indicator"]
    search_fields = [
        "state__name",
        "=state__iso2",
        "indicator__slug",
        "indicator__name",
        "evidence_citation",
        "note",
    ]
    autocomplete_fields = ["state", "indicator", "evidence", "checked_sources"]
    readonly_fields = ["reviewed_by", "reviewed_at", "created_at", "updated_at"]
    date_hierarchy = "updated_at"
    fieldsets = [
        (None, {"fields": ["state", "indicator", "status"]}),
        (
            _("Evidence"),
            {
                "fields": ["evidence", "evidence_citation", "note", "checked_sources"],
                "description": _(
                    "A 'yes' or 'partial' cites at least one provision of this state's law; "
                    "the list offers the chosen state's provisions. A 'no' explains what was "
                    "reviewed. Where nothing was reviewed, add no finding: the indicator then "
                    "reads 'not assessed'."
                ),
            },
        ),
        (_("Period"), {"fields": [("effective_from", "effective_to")]}),
        (
            _("Review and publication"),
            {
                "fields": [
                    "verified",
                    "verification_source",
                    ("reviewed_by", "reviewed_at"),
                    "publication_status",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    class Media:
        js = ["admin/js/jquery.init.js", "laws/admin/finding_evidence.js"]

    @admin.display(description=_("state"), ordering="state__name")
    def finding_state(self, obj):
        # An anchor per row: after a save the list opens on the row just saved.
        return format_html('<span id="finding-{}">{}</span>', obj.pk, obj.state)

    def _land_on(self, response, obj):
        if isinstance(response, HttpResponseRedirect) and "/change/" not in response.url:
            if response.url.split("?")[0].endswith("/finding/"):
                response["Location"] = f"{response.url}#finding-{obj.pk}"
        return response

    def response_add(self, request, obj, post_url_continue=None):
        return self._land_on(super().response_add(request, obj, post_url_continue), obj)

    def response_change(self, request, obj):
        return self._land_on(super().response_change(request, obj), obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("state", "indicator", "reviewed_by")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "evidence":
            # The rules check each provision's state; the widget labels cite its law.
            # Never a revision's working copy of a provision (core.revisions).
            kwargs["queryset"] = LawProvision.objects.select_related("law__state").filter(
                law__revision_of__isnull=True
            )
            kwargs["form_class"] = EvidenceChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Ticking "verified" records who reviewed the finding, and when.
        if "verified" in form.changed_data and obj.verified:
            obj.reviewed_by = request.user
            obj.reviewed_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Source)
class SourceAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """The pages texts, dates and findings were read on. Forums, encyclopaedia copies, blogs,
    news, law-firm pages and document dumps are refused (laws/sources.py)."""

    list_display = ["publisher", "grade", "url", "read_on"]
    list_filter = ["grade", "read_on"]
    search_fields = ["url", "publisher"]
    readonly_fields = ["updated_at"]
