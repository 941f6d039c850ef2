"""The international layer: states, treaties, their provisions, and who is bound.

Nothing here knows about national law (the `laws` app points at this one, never the reverse).
"""

import datetime
import functools
from collections.abc import Callable

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

from core.history import History
from core.publication import PublicationStatus, PublicRecord, PublishableQuerySet
from core.revisions import Revisable, RevisionChild
from core.versioning import VersionedModel


class Region(models.Model):
    """A UN M49 region (`parent` is null: Africa, Americas, ...) or sub-region (Western Europe)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True

    slug = models.SlugField(max_length=64, unique=True, verbose_name=_("slug"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    parent = models.ForeignKey(
        "self",
        # A region with sub-regions is reference data: never delete it from under them.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subregions",
        verbose_name=_("parent"),
    )

    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def is_subregion(self) -> bool:
        return self.parent_id is not None


class UNStatus(models.TextChoices):
    MEMBER = "member", _("UN member state")
    OBSERVER = "observer", _("Non-member observer state")
    OTHER = "other", _("Other")


class StateQuerySet(models.QuerySet):
    def in_region(self, region: "Region"):
        if region.is_subregion:
            return self.filter(subregion=region)
        return self.filter(region=region)


class State(models.Model):
    """A state (country) that can take treaty actions and make law. Keyed by ISO 3166-1 alpha-2."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True

    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    m49 = models.CharField(_("M49 / ISO numeric code"), max_length=3, unique=True)
    name = models.CharField(max_length=150, verbose_name=_("name"))
    official_name = models.CharField(max_length=200, blank=True, verbose_name=_("official name"))
    untc_name = models.CharField(
        _("name in the UN Treaty Collection"),
        max_length=150,
        blank=True,
        help_text=_("UN spelling"),
    )
    region = models.ForeignKey(
        Region,
        # Regions are reference data.
        on_delete=models.PROTECT,
        related_name="states",
        limit_choices_to={"parent__isnull": True},
        verbose_name=_("region"),
    )
    subregion = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="substates",
        limit_choices_to={"parent__isnull": False},
        verbose_name=_("subregion"),
    )
    un_status = models.CharField(
        max_length=10, choices=UNStatus.choices, default=UNStatus.OTHER, verbose_name=_("un status")
    )
    source = models.CharField(max_length=300, blank=True, verbose_name=_("source"))
    as_of = models.DateField(null=True, blank=True, verbose_name=_("as of"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = StateQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name = _("state")
        verbose_name_plural = _("states")
        constraints = [
            models.CheckConstraint(
                condition=Q(un_status__in=UNStatus.values), name="treaties_state_un_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="treaties_state_iso2_upper"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Jurisdiction(models.Model):
    """A part of a state with law of its own (England and Wales, Scotland, Northern Ireland; a US
    state, an Australian state, a Canadian province). A law may bind one jurisdiction only
    (`laws.Law.jurisdiction`); a state-level `yes` then needs every *constituent* jurisdiction of
    the state covered, otherwise it is `partial` with the scope named (DOMAIN.md, "Scope").

    `constituent` jurisdictions together make up the whole state (GB-EAW, GB-SCT, GB-NIR); a
    state without any has one body of law for the matter. Sub-national jurisdictions may later
    carry findings of their own (`laws.Finding.jurisdiction`)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True
    str_relations = ("state",)

    state = models.ForeignKey(
        State,
        # States are reference data: a state with jurisdictions cannot be deleted.
        on_delete=models.PROTECT,
        related_name="jurisdictions",
        verbose_name=_("state"),
    )
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("ISO 3166-2 code where one exists (GB-EAW, GB-SCT, US-CA, AU-NSW)."),
    )
    name = models.CharField(max_length=150, verbose_name=_("name"))
    constituent = models.BooleanField(
        default=True,
        help_text=_(
            "Part of the complete division of the state: a state-level 'yes' must cover every "
            "constituent jurisdiction."
        ),
        verbose_name=_("constituent"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    history = History()

    class Meta:
        ordering = ["state__name", "order", "code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}-[A-Z0-9]{1,9}$"),
                name="treaties_jurisdiction_code_format",
                violation_error_message=_(
                    "A jurisdiction code is the state's ISO code, a hyphen and the part's code "
                    "(GB-SCT)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Treaty(models.Model):
    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True

    code = models.SlugField(
        max_length=20,
        unique=True,
        help_text=_("Short code: crc, opsc, ..."),
        verbose_name=_("code"),
    )
    short_title = models.CharField(max_length=100, verbose_name=_("short title"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    untc_reference = models.CharField(_("UNTC (MTDSG) reference"), max_length=20, blank=True)
    adopted = models.DateField(null=True, blank=True, verbose_name=_("adopted"))
    adoption_place = models.CharField(max_length=100, blank=True, verbose_name=_("adoption place"))
    entry_into_force = models.DateField(null=True, blank=True, verbose_name=_("entry into force"))
    official_text = models.CharField(_("official text citation"), max_length=200, blank=True)
    official_text_url = models.URLField(
        max_length=500, blank=True, verbose_name=_("official text url")
    )
    untc_url = models.URLField(_("UNTC status page"), max_length=500, blank=True)
    status_as_of = models.DateField(
        _("participation as of"),
        null=True,
        blank=True,
        help_text=_("Date of the imported status page"),
    )
    status_source = models.CharField(max_length=300, blank=True, verbose_name=_("status source"))
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    history = History()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("treaty")
        verbose_name_plural = _("treaties")

    def __str__(self) -> str:
        return self.short_title or self.code


class TreatyProvision(models.Model):
    """An article, paragraph or sub-paragraph of a treaty (`opsc-art-3-1-c`)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True
    # What str() follows, joined when history pages name many at once (core.history).
    str_relations = ("treaty",)

    treaty = models.ForeignKey(
        Treaty, on_delete=models.PROTECT, related_name="provisions", verbose_name=_("treaty")
    )
    slug = models.SlugField(max_length=60, unique=True, verbose_name=_("slug"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    label = models.CharField(max_length=60, verbose_name=_("label"))
    heading = models.CharField(max_length=200, blank=True, verbose_name=_("heading"))
    text = models.TextField(blank=True, verbose_name=_("text"))
    order = models.PositiveIntegerField(default=0, verbose_name=_("order"))

    history = History()

    class Meta:
        ordering = ["treaty__order", "order", "slug"]
        verbose_name = _("treaty provision")
        verbose_name_plural = _("treaty provisions")

    def __str__(self) -> str:
        return f"{self.treaty.short_title} {self.label}" if self.treaty_id else self.label


class ConsentType(models.TextChoices):
    RATIFICATION = "ratification", _("Ratification")
    ACCESSION = "accession", _("Accession")
    SUCCESSION = "succession", _("Succession")
    ACCEPTANCE = "acceptance", _("Acceptance")
    APPROVAL = "approval", _("Approval")


class ParticipationStatus(models.TextChoices):
    PARTY = "party", _("Party")
    SIGNATORY = "signatory", _("Signatory")
    NO_ACTION = "no_action", _("No action")


# --- "party as of a date": the one definition ----------------------------------------------------
# Every reader of a participation's status (the queryset methods below, `Participation.status`,
# the API's annotations and its compiled SQL, the counts and timelines) derives it from these two
# conditions, so the rule is written once. `as_of=None` means "now": the latest recorded state.
# `prefix` places the same condition behind a relation ("participations__" from Treaty or State).
# tests/treaties/test_party_status.py holds every derived form equal on the real UNTC data.


def party_condition(as_of: datetime.date | None = None, prefix: str = "") -> Q:
    """Party: consent to be bound deposited on or before the day, and not withdrawn by then
    (denounced on or before the day)."""
    if as_of is None:
        return Q(
            **{f"{prefix}consent_date__isnull": False, f"{prefix}withdrawal_date__isnull": True}
        )
    return Q(**{f"{prefix}consent_date__lte": as_of}) & (
        Q(**{f"{prefix}withdrawal_date__isnull": True})
        | Q(**{f"{prefix}withdrawal_date__gt": as_of})
    )


def signatory_condition(as_of: datetime.date | None = None, prefix: str = "") -> Q:
    """Signatory: signed on or before the day, and not a party on it (not yet, or no longer)."""
    if as_of is None:
        signed = Q(**{f"{prefix}signature_date__isnull": False})
    else:
        signed = Q(**{f"{prefix}signature_date__lte": as_of})
    return signed & ~party_condition(as_of, prefix)


def status_expression(as_of: datetime.date | None = None, prefix: str = "") -> Case:
    """The status (a ParticipationStatus value) as a database expression, for `annotate`."""
    return Case(
        When(party_condition(as_of, prefix), then=Value(ParticipationStatus.PARTY.value)),
        When(signatory_condition(as_of, prefix), then=Value(ParticipationStatus.SIGNATORY.value)),
        default=Value(ParticipationStatus.NO_ACTION.value),
        output_field=models.CharField(),
    )


# A lookup in the conditions above as Python (a comparison with NULL is never true, as in SQL).
_LOOKUPS = {
    "isnull": "(({name} is None) is {bound})",
    "lte": "({name} is not None and {name} <= {bound})",
    "lt": "({name} is not None and {name} < {bound})",
    "gte": "({name} is not None and {name} >= {bound})",
    "gt": "({name} is not None and {name} > {bound})",
}


def _python(condition: Q, bounds: list) -> str:
    """A condition above as a Python expression over the row's field names; Django negates a
    condition on nullable columns null-safely, which is Python's plain `not` here."""
    parts = []
    for child in condition.children:
        if isinstance(child, Q):
            parts.append(_python(child, bounds))
        else:
            name, lookup = child[0].rsplit("__", 1)
            bounds.append(child[1])
            parts.append(_LOOKUPS[lookup].format(name=name, bound=f"bounds[{len(bounds) - 1}]"))
    joined = "(" + (" and " if condition.connector == Q.AND else " or ").join(parts) + ")"
    return f"(not {joined})" if condition.negated else joined


@functools.lru_cache(maxsize=1024)
def _status_function(as_of: datetime.date | None) -> Callable[..., "ParticipationStatus"]:
    """`participation_status` for one day, compiled from the conditions (generated, never
    written by hand: the rule stays in `party_condition` and `signatory_condition`)."""
    bounds: list = []
    party, signatory = (
        _python(party_condition(as_of), bounds),
        _python(signatory_condition(as_of), bounds),
    )
    source = (
        "def status(signature_date, consent_date, withdrawal_date):\n"
        f"    if {party}:\n        return PARTY\n"
        f"    if {signatory}:\n        return SIGNATORY\n"
        "    return NO_ACTION\n"
    )
    namespace = {
        "bounds": bounds,
        "PARTY": ParticipationStatus.PARTY,
        "SIGNATORY": ParticipationStatus.SIGNATORY,
        "NO_ACTION": ParticipationStatus.NO_ACTION,
    }
    exec(compile(source, "<participation status>", "exec"), namespace)  # noqa: S102
    return namespace["status"]


def participation_status(
    signature_date: datetime.date | None,
    consent_date: datetime.date | None,
    withdrawal_date: datetime.date | None,
    as_of: datetime.date | None = None,
) -> "ParticipationStatus":
    """The status of one participation's dates as of a day (now when None), in Python: the same
    conditions as `status_expression`, evaluated on values already read."""
    return _status_function(as_of)(signature_date, consent_date, withdrawal_date)


class ParticipationQuerySet(PublishableQuerySet):
    def for_treaty(self, treaty: "Treaty | str"):
        if isinstance(treaty, Treaty):
            return self.filter(treaty=treaty)
        return self.filter(treaty__code=treaty)

    def parties(self, as_of: datetime.date | None = None):
        """Bound as of a date: consent deposited on or before it and not withdrawn by then."""
        return self.filter(party_condition(as_of))

    def signatories(self, as_of: datetime.date | None = None):
        """Signed, and not a party (not yet, or no longer), as of a date."""
        return self.filter(signatory_condition(as_of))

    def with_status(self, as_of: datetime.date | None = None, name: str = "status_as_of"):
        """Each row annotated with its status as of a date (a ParticipationStatus value)."""
        return self.annotate(**{name: status_expression(as_of)})


class Participation(PublicRecord, Revisable, VersionedModel):
    """One state and one treaty: what the depositary records say it did."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True
    # What str() follows, joined when history pages name many at once (core.history).
    str_relations = ("state", "treaty")

    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="participations", verbose_name=_("state")
    )
    treaty = models.ForeignKey(
        Treaty, on_delete=models.PROTECT, related_name="participations", verbose_name=_("treaty")
    )
    signature_date = models.DateField(null=True, blank=True, verbose_name=_("signature date"))
    consent_date = models.DateField(
        _("consent to be bound"), null=True, blank=True, help_text=_("Date of deposit (UNTC)")
    )
    consent_type = models.CharField(
        max_length=12, choices=ConsentType.choices, blank=True, verbose_name=_("consent type")
    )
    withdrawal_date = models.DateField(_("denunciation / withdrawal"), null=True, blank=True)
    end_notes = models.ManyToManyField(
        "EndNote", blank=True, related_name="participations", verbose_name=_("end notes")
    )
    source_url = models.URLField(max_length=500, blank=True, verbose_name=_("source url"))
    as_of = models.DateField(null=True, blank=True, verbose_name=_("as of"))
    publication_status = models.CharField(
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
        verbose_name=_("publication status"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = ParticipationQuerySet.as_manager()
    history = History(m2m_fields=["end_notes"])
    revision_children = ("reservations",)

    class Meta:
        ordering = ["treaty__order", "state__name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        permissions = [
            ("publish_participation", "Can publish, send back and withdraw participations")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "treaty"],
                condition=Q(revision_of__isnull=True),
                name="treaties_participation_unique_state_treaty",
                violation_error_message=_(
                    "This state's participation in this treaty is recorded already: edit it."
                ),
            ),
            models.UniqueConstraint(
                fields=["revision_of"], name="treaties_participation_one_open_revision"
            ),
            models.CheckConstraint(
                condition=Q(revision_of__isnull=True) | ~Q(publication_status="published"),
                name="treaties_participation_revision_never_published",
            ),
            models.CheckConstraint(
                condition=Q(signature_date__isnull=True)
                | Q(consent_date__isnull=True)
                | Q(consent_date__gte=models.F("signature_date")),
                name="treaties_participation_consent_not_before_signature",
            ),
            models.CheckConstraint(
                condition=(Q(consent_date__isnull=True) & Q(consent_type=""))
                | (Q(consent_date__isnull=False) & Q(consent_type__in=ConsentType.values)),
                name="treaties_participation_consent_type_with_date",
            ),
            models.CheckConstraint(
                condition=Q(signature_date__isnull=False) | Q(consent_date__isnull=False),
                name="treaties_participation_has_an_action",
            ),
            models.CheckConstraint(
                condition=Q(publication_status__in=PublicationStatus.values),
                name="treaties_participation_publication_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["treaty", "consent_date"], name="treaties_part_treaty_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.state} – {self.treaty}"

    def status(self, as_of: datetime.date | None = None) -> str:
        """Party, signatory or no action as of a date (now when None): `participation_status`."""
        return participation_status(
            self.signature_date, self.consent_date, self.withdrawal_date, as_of
        )


class ReservationKind(models.TextChoices):
    DECLARATION = "declaration", _("Declaration")
    RESERVATION = "reservation", _("Reservation")
    DECLARATION_AND_RESERVATION = "declaration_and_reservation", _("Declaration and reservation")
    OTHER = "other", _("Other communication")


class Reservation(RevisionChild, VersionedModel):
    """A declaration or reservation a state deposited, as the UNTC page gives it."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True
    # What str() follows, joined when history pages name many at once (core.history).
    str_relations = ("participation__state", "participation__treaty")

    participation = models.ForeignKey(
        Participation,
        on_delete=models.CASCADE,
        related_name="reservations",
        verbose_name=_("participation"),
    )
    kind = models.CharField(max_length=30, choices=ReservationKind.choices, verbose_name=_("kind"))
    heading = models.CharField(
        max_length=300,
        blank=True,
        help_text=_('As deposited, e.g. "Declaration made upon signature:"'),
        verbose_name=_("heading"),
    )
    text = models.TextField(
        verbose_name=_("text"),
    )
    date = models.DateField(null=True, blank=True, verbose_name=_("date"))
    withdrawn_date = models.DateField(null=True, blank=True, verbose_name=_("withdrawn date"))
    treaty_provisions = models.ManyToManyField(
        TreatyProvision,
        blank=True,
        related_name="reservations",
        verbose_name=_("treaty provisions"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    history = History(m2m_fields=["treaty_provisions"])
    revision_parent = "participation"

    class Meta:
        ordering = ["participation", "order"]
        verbose_name = _("declaration or reservation")
        verbose_name_plural = _("declarations and reservations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReservationKind.values), name="treaties_reservation_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["participation", "order"], name="treaties_reservation_unique_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.participation}"


class Objection(models.Model):
    """An objection one state made to another state's reservation or declaration."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True

    treaty = models.ForeignKey(
        Treaty, on_delete=models.PROTECT, related_name="objections", verbose_name=_("treaty")
    )
    objecting_state = models.ForeignKey(
        State,
        on_delete=models.PROTECT,
        related_name="objections_made",
        verbose_name=_("objecting state"),
    )
    reserving_state = models.ForeignKey(
        State,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections_received",
        help_text=_("Whose reservation is objected to, where the text names one state"),
        verbose_name=_("reserving state"),
    )
    heading = models.CharField(max_length=300, blank=True, verbose_name=_("heading"))
    text = models.TextField(
        verbose_name=_("text"),
    )
    date = models.DateField(null=True, blank=True, verbose_name=_("date"))
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    history = History()

    class Meta:
        ordering = ["treaty", "objecting_state__name", "order"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "objecting_state", "order"],
                name="treaties_objection_unique_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objecting_state} objects ({self.treaty})"


class EndNote(models.Model):
    """A numbered UNTC end note (territorial application, name changes, successions...)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True
    # What str() follows, joined when history pages name many at once (core.history).
    str_relations = ("treaty",)

    treaty = models.ForeignKey(
        Treaty, on_delete=models.CASCADE, related_name="end_notes", verbose_name=_("treaty")
    )
    number = models.PositiveSmallIntegerField(
        verbose_name=_("number"),
    )
    text = models.TextField(
        verbose_name=_("text"),
    )

    history = History()

    class Meta:
        ordering = ["treaty", "number"]
        verbose_name = _("end note")
        verbose_name_plural = _("end notes")
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "number"], name="treaties_endnote_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.treaty.code} note {self.number}"
