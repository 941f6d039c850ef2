"""Admin for the international layer: states, regions, treaties, their provisions, participation.

Editors see states, regions and treaties (reference data, view only for them: see
laws/migrations/0002_editors_group.py) and maintain participation with its declarations and
reservations. Every list and change page runs a number of queries that does not grow with the
rows shown (tests/admin/test_query_counts.py).
"""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from core.admin import (
    HistoryAdminMixin,
    RevisionChildAdminMixin,
    RevisionInlineMixin,
    VersionedAdminMixin,
    VersionedInlineMixin,
    WorkflowAdminMixin,
)

from .models import (
    EndNote,
    Jurisdiction,
    Objection,
    Participation,
    ParticipationStatus,
    Region,
    Reservation,
    State,
    Treaty,
    TreatyProvision,
)


class FrozenChoicesMixin:
    """Evaluate the choices of the named relation fields once per form class.

    A model choice field queries the database each time its widget renders, so in an inline
    with N rows a plain select costs N queries. The fields named here are short vocabularies
    (indicators, treaty provisions): their choices are read once, then every row reuses them.
    Validation still goes through the field's queryset.
    """

    frozen_choice_fields: tuple[str, ...] = ()

    def _freeze(self, db_field, formfield):
        if formfield is not None and db_field.name in self.frozen_choice_fields:
            formfield.choices = list(formfield.choices)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._freeze(db_field, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._freeze(db_field, super().formfield_for_manytomany(db_field, request, **kwargs))


@admin.register(Region)
class RegionAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    ordering = ["parent__name", "name"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Parts of a state with law of their own (England and Wales, Scotland, ...)."""

    list_display = ["name", "code", "state", "constituent", "order"]
    list_filter = ["constituent", ("state", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["state"]
    search_fields = ["name", "code", "state__name"]
    autocomplete_fields = ["state"]


@admin.register(State)
class StateAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "iso2", "iso3", "m49", "region", "subregion", "un_status"]
    list_filter = ["region", "subregion", "un_status"]
    list_select_related = ["region", "subregion"]
    search_fields = ["name", "official_name", "untc_name", "=iso2", "=iso3", "=m49"]
    fieldsets = [
        (None, {"fields": ["name", "official_name", "untc_name", "un_status"]}),
        (_("Codes"), {"fields": ["iso2", "iso3", "m49"]}),
        (_("UN M49 region"), {"fields": ["region", "subregion"]}),
        (_("Source"), {"fields": ["source", "as_of"]}),
    ]


class TreatyProvisionInline(admin.TabularInline):
    model = TreatyProvision
    fields = ["slug", "label", "heading", "parent", "order"]
    autocomplete_fields = ["parent"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("treaty", "parent__treaty")


@admin.register(Treaty)
class TreatyAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "short_title",
        "untc_reference",
        "adopted",
        "entry_into_force",
        "status_as_of",
    ]
    search_fields = ["code", "short_title", "title", "untc_reference"]
    date_hierarchy = "adopted"
    inlines = [TreatyProvisionInline]


@admin.register(TreatyProvision)
class TreatyProvisionAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["slug", "treaty", "label", "heading", "parent", "order"]
    list_filter = ["treaty"]
    list_select_related = ["treaty", "parent__treaty"]
    search_fields = ["slug", "label", "heading", "text", "treaty__code", "treaty__short_title"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        # str() of a provision names its treaty: autocomplete results need it joined.
        return super().get_queryset(request).select_related("treaty")


class ParticipationStatusFilter(admin.SimpleListFilter):
    """Party / signatory today, derived from the dates as the API derives it."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (ParticipationStatus.PARTY, _("Party")),
            (ParticipationStatus.SIGNATORY, _("Signatory (not a party)")),
            ("withdrawn", _("Withdrawn")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == ParticipationStatus.PARTY:
            return queryset.parties()
        if value == ParticipationStatus.SIGNATORY:
            return queryset.signatories()
        if value == "withdrawn":
            return queryset.filter(withdrawal_date__isnull=False)
        return queryset


class ReservationInline(
    RevisionInlineMixin, VersionedInlineMixin, FrozenChoicesMixin, admin.StackedInline
):
    model = Reservation
    fields = ["kind", "heading", "text", "date", "withdrawn_date", "treaty_provisions", "order"]
    frozen_choice_fields = ("treaty_provisions",)
    extra = 0

    def get_queryset(self, request):
        # The inline titles each row with str(reservation), which names the state and treaty.
        return (
            super()
            .get_queryset(request)
            .select_related("participation__state", "participation__treaty")
            # Read-only rows (a published participation seen by an editor) name each provision
            # with its treaty.
            .prefetch_related(
                Prefetch(
                    "treaty_provisions", queryset=TreatyProvision.objects.select_related("treaty")
                )
            )
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "treaty_provisions":
            kwargs["queryset"] = TreatyProvision.objects.select_related("treaty")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Participation)
class ParticipationAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = [
        "state",
        "treaty",
        "signature_date",
        "consent_date",
        "consent_type",
        "withdrawal_date",
        "current_status",
        "publication_status",
        "updated_at",
    ]
    list_filter = [
        "treaty",
        ParticipationStatusFilter,
        "consent_type",
        ("state__region", admin.RelatedOnlyFieldListFilter),
        ("state__subregion", admin.RelatedOnlyFieldListFilter),
        "publication_status",
    ]
    list_select_related = ["state", "treaty"]
    search_fields = ["state__name", "=state__iso2", "state__untc_name", "treaty__code"]
    date_hierarchy = "consent_date"
    autocomplete_fields = ["state", "end_notes"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["state", "treaty", "publication_status"]}),
        (
            _("Actions recorded by the depositary"),
            {"fields": ["signature_date", "consent_date", "consent_type", "withdrawal_date"]},
        ),
        (_("Source"), {"fields": ["end_notes", "source_url", "as_of", "updated_at"]}),
    ]
    inlines = [ReservationInline]
    # The reviewer's diff lists declarations changed since the last publication.
    dependent_history = ("treaties.Reservation", "participation")

    @admin.display(description=_("status today"))
    def current_status(self, obj):
        return ParticipationStatus(obj.status()).label

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "end_notes":
            kwargs["queryset"] = EndNote.objects.select_related("treaty")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Reservation)
class ReservationAdmin(
    RevisionChildAdminMixin, VersionedAdminMixin, HistoryAdminMixin, admin.ModelAdmin
):
    list_display = ["participation", "kind", "heading", "date", "withdrawn_date"]
    list_filter = [
        "kind",
        "participation__treaty",
        ("participation__state__region", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["participation__state", "participation__treaty"]
    search_fields = ["participation__state__name", "=participation__state__iso2", "heading", "text"]
    autocomplete_fields = ["participation", "treaty_provisions"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("participation__state", "participation__treaty")
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "treaty_provisions":
            kwargs["queryset"] = TreatyProvision.objects.select_related("treaty")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Objection)
class ObjectionAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["objecting_state", "reserving_state", "treaty", "date", "heading"]
    list_filter = ["treaty"]
    list_select_related = ["objecting_state", "reserving_state", "treaty"]
    search_fields = [
        "objecting_state__name",
        "=objecting_state__iso2",
        "reserving_state__name",
        "=reserving_state__iso2",
        "text",
    ]
    autocomplete_fields = ["objecting_state", "reserving_state"]


@admin.register(EndNote)
class EndNoteAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["treaty", "number", "excerpt"]
    list_filter = ["treaty"]
    list_select_related = ["treaty"]
    search_fields = ["=number", "text", "treaty__code"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("treaty")

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return obj.text if len(obj.text) <= 120 else obj.text[:117] + "..."
