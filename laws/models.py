"""The national layer: laws, their provisions, the topic/indicator vocabulary, and findings.

Points at the international layer (`treaties`), never the reverse.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import History
from core.publication import PublicationStatus, PublicRecord, PublishableQuerySet
from core.revisions import Revisable, RevisionChild
from core.versioning import VersionedModel
from treaties.models import Jurisdiction, State, TreatyProvision

from .sources import SourceGrade, refusal

ISO_639_1 = re.compile(r"^[a-z]{2}$")


def validate_language(value: str) -> None:
    if value and not ISO_639_1.match(value):
        raise ValidationError(
            _("%(value)s is not an ISO 639-1 language code (two lower-case letters: en, fr, es)."),
            params={"value": value},
            code="language",
        )


def validate_not_future(value: datetime.date | None) -> None:
    from django.utils import timezone

    if value is not None and value > timezone.localdate():
        raise ValidationError(
            _("%(value)s is in the future: record only what has happened."),
            params={"value": value},
            code="future",
        )


# The dates record_problems names, as an editor reads them.
DATE_LABELS = {
    "date_adopted": _("date adopted"),
    "date_in_force": _("date in force"),
    "date_repealed": _("date repealed"),
    "in_force_from": _("in force from"),
    "in_force_to": _("in force to"),
    "effective_from": _("effective from"),
    "effective_to": _("effective to"),
}


def _future(value, today) -> bool:
    return value is not None and value > today


def record_problems(
    kind: str, values: dict, today: datetime.date | None = None, *, single: bool = True
) -> dict:
    """What is wrong with the dates and codes of a law, a provision or a finding, as
    {field: [message]} (empty: nothing). The one check behind the models' `clean()` and `save()`
    (so the admin, the importers, the bulk import and the commands refuse the same things with
    the same words) and the importers' row-by-row reports. `values` holds the fields by name;
    missing ones are not checked. `single=False` leaves out what one field says alone (a date in
    the future, a language code): a form has it already from the fields' own validators
    (validate_not_future, validate_language), which apply the same tests."""
    from django.utils import timezone

    today = today or timezone.localdate()
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    dates = {
        "law": ("date_adopted", "date_in_force", "date_repealed"),
        "provision": ("in_force_from", "in_force_to"),
        "finding": ("effective_from", "effective_to"),
    }[kind]
    for name in dates if single else ():
        value = values.get(name)
        if _future(value, today):
            add(
                name,
                gettext("%(field)s %(value)s is in the future: record only what has happened.")
                % {"field": DATE_LABELS[name], "value": value},
            )
    for name in ("language", "text_language") if single else ():
        value = values.get(name)
        if value and not ISO_639_1.match(value):
            add(
                name,
                gettext(
                    "language %(value)s is not an ISO 639-1 language code (two lower-case "
                    "letters: en, fr, es)."
                )
                % {"value": repr(value)},
            )
    if kind == "law":
        year = values.get("year_enacted")
        adopted, in_force = values.get("date_adopted"), values.get("date_in_force")
        repealed = values.get("date_repealed")
        if year is not None and year > today.year:
            add(
                "year_enacted",
                gettext("year enacted %(year)s is in the future.") % {"year": year},
            )
        if adopted and in_force and in_force < adopted:
            add(
                "date_in_force",
                gettext("in force (%(in_force)s) before it was adopted (%(adopted)s).")
                % {"in_force": in_force, "adopted": adopted},
            )
        if repealed and in_force and repealed < in_force:
            add(
                "date_repealed",
                gettext("repealed (%(repealed)s) before it came into force (%(in_force)s).")
                % {"repealed": repealed, "in_force": in_force},
            )
    elif kind == "provision":
        start, end = values.get("in_force_from"), values.get("in_force_to")
        if start and end and end < start:
            add(
                "in_force_to",
                gettext("in force to (%(end)s) before in force from (%(start)s).")
                % {"end": end, "start": start},
            )
        if values.get("earlier_wording_unread") and "in_force_from" in values and not start:
            add(
                "in_force_from",
                gettext(
                    "an earlier wording not read needs the day this wording took effect "
                    "(in force from)."
                ),
            )
    else:
        start, end = values.get("effective_from"), values.get("effective_to")
        if start and end and end < start:
            add(
                "effective_to",
                gettext("effective to (%(end)s) before effective from (%(start)s).")
                % {"end": end, "start": start},
            )
    return problems


class CheckedValues(models.Model):
    """Refuses bad dates and codes (record_problems) in `clean()` and on every `save()`,
    whatever the path: an import or a command that skips the form is refused too."""

    problems_kind = ""
    checked_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.check_values()
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.check_values(single=False)  # the fields' own validators said the rest already

    def check_values(self, *, single: bool = True) -> None:
        values = {name: getattr(self, name) for name in self.checked_fields}
        problems = record_problems(self.problems_kind, values, single=single)
        if problems:
            raise ValidationError(problems)


class Source(models.Model):
    """A page read to establish a law's text, a date or a finding: where, how authoritative, when.

    One row per page (URL); provisions, dates and findings point at it. The grade is one of
    `laws.sources.SourceGrade`; forums, encyclopaedia copies, blogs, news, law-firm marketing and
    document dumps are refused (`laws.sources.refusal`)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True

    url = models.URLField(_("address (URL)"), max_length=1000, unique=True)
    grade = models.CharField(_("grade"), max_length=13, choices=SourceGrade.choices)
    publisher = models.CharField(
        _("publisher"),
        max_length=400,
        help_text=_(
            "Who publishes it and what it is, e.g. 'legislation.gov.uk (The National Archives)' "
            "or 'Kenya Gazette Supplement, copy hosted by ictpolicyafrica.org'."
        ),
    )
    read_on = models.DateField(
        _("read on"), validators=[validate_not_future], help_text=_("When it was read.")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    history = History()

    class Meta:
        ordering = ["publisher", "url"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__in=SourceGrade.values), name="laws_source_grade_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publisher} ({self.get_grade_display()})"

    def clean(self):
        super().clean()
        reason = refusal(self.url or "")
        if self.url and reason:
            raise ValidationError(
                {
                    "url": _(
                        "Not a source: %(reason)s. Cite the law on an official or "
                        "authoritative page."
                    )
                    % {"reason": reason}
                }
            )


def source_field(verbose_name, help_text=""):
    """A foreign key to the page a text or a date was read on."""
    return models.ForeignKey(
        Source,
        # A source cited by a record is evidence of it: it cannot be deleted from under it.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        help_text=help_text,
    )


class LawKind(models.TextChoices):
    CONSTITUTION = "constitution", _("Constitution")
    CODE = "code", _("Code")
    ACT = "act", _("Act")
    DECREE = "decree", _("Decree")
    REGULATION = "regulation", _("Regulation")


class LawStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("In force, amended")
    REPEALED = "repealed", _("Repealed")


class Law(CheckedValues, PublicRecord, Revisable, VersionedModel):
    """A legal instrument of one state (or a revision of one: core.revisions)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True
    problems_kind = "law"
    checked_fields = ("year_enacted", "date_adopted", "date_in_force", "date_repealed", "language")

    state = models.ForeignKey(
        State,
        # States are reference data: a state with laws cannot be deleted.
        on_delete=models.PROTECT,
        related_name="laws",
        verbose_name=_("state"),
    )
    title = models.CharField(_("title (English)"), max_length=400)
    title_original = models.CharField(_("title (original language)"), max_length=400, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        validators=[validate_language],
        help_text=_("ISO 639-1 code of the original"),
    )
    kind = models.CharField(max_length=12, choices=LawKind.choices, verbose_name=_("kind"))
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="laws",
        help_text=_("The part of the state the law binds; empty: the whole state."),
        verbose_name=_("jurisdiction"),
    )
    citation = models.CharField(max_length=300, verbose_name=_("citation"))
    year_enacted = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("year enacted")
    )
    date_adopted = models.DateField(
        null=True, blank=True, validators=[validate_not_future], verbose_name=_("date adopted")
    )
    date_adopted_source = source_field(_("date adopted: source"))
    date_adopted_quote = models.TextField(_("date adopted: the words that state it"), blank=True)
    date_in_force = models.DateField(
        null=True, blank=True, validators=[validate_not_future], verbose_name=_("date in force")
    )
    date_in_force_source = source_field(_("date in force: source"))
    date_in_force_quote = models.TextField(_("date in force: the words that state it"), blank=True)
    date_repealed = models.DateField(
        null=True, blank=True, validators=[validate_not_future], verbose_name=_("date repealed")
    )
    date_repealed_source = source_field(_("date repealed: source"))
    date_repealed_quote = models.TextField(_("date repealed: the words that state it"), blank=True)
    status = models.CharField(
        max_length=10,
        choices=LawStatus.choices,
        default=LawStatus.IN_FORCE,
        verbose_name=_("status"),
    )
    source_url = models.URLField(_("official source"), max_length=500, blank=True)
    full_text = models.TextField(blank=True, verbose_name=_("full text"))
    amends = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="amended_by", verbose_name=_("amends")
    )
    verified = models.BooleanField(default=False, verbose_name=_("verified"))
    verification_source = models.TextField(blank=True, verbose_name=_("verification source"))
    publication_status = models.CharField(
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        verbose_name=_("publication status"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = PublishableQuerySet.as_manager()
    history = History(m2m_fields=["amends"])
    revision_children = ("provisions",)

    class Meta:
        ordering = ["state__name", "year_enacted", "title"]
        verbose_name = _("law")
        verbose_name_plural = _("laws")
        permissions = [("publish_law", "Can publish, send back and withdraw laws")]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "citation"],
                condition=Q(revision_of__isnull=True),
                name="laws_law_unique_state_citation",
                violation_error_message=_("A law of this state with this citation already exists."),
            ),
            # At most one open revision per law; a revision is never published itself.
            models.UniqueConstraint(fields=["revision_of"], name="laws_law_one_open_revision"),
            models.CheckConstraint(
                condition=Q(revision_of__isnull=True) | ~Q(publication_status="published"),
                name="laws_law_revision_never_published",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LawKind.values), name="laws_law_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=LawStatus.values), name="laws_law_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(publication_status__in=PublicationStatus.values),
                name="laws_law_publication_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(date_repealed__isnull=True)
                | Q(date_in_force__isnull=True)
                | Q(date_repealed__gte=models.F("date_in_force")),
                name="laws_law_repealed_not_before_in_force",
            ),
        ]
        indexes = [models.Index(fields=["state", "publication_status"], name="laws_law_state_pub")]

    def __str__(self) -> str:
        return self.title

    def left_public_view(self) -> None:
        """Withdrawn: the published findings that cite one of its provisions lose public evidence
        (DOMAIN rule 1: no public answer without public evidence), so they are withdrawn too,
        recorded with the reason. `self.withdrawn_with` lists them for the message."""
        from core.publication import PublicationStatus as Status

        user = getattr(self, "_history_user", None)
        self.withdrawn_with = []
        findings = (
            Finding.objects.filter(
                evidence__law=self, publication_status=Status.PUBLISHED, revision_of=None
            )
            .select_related("state", "indicator")
            .distinct()
            .order_by("pk")
        )
        for finding in findings:
            finding.publication_status = Status.WITHDRAWN
            finding._history_user = user
            finding._change_reason = (
                f"withdraw: its evidence, the law “{self}”, is no longer published"
            )
            finding.save()
            self.withdrawn_with.append(finding)


class LawProvision(CheckedValues, RevisionChild, VersionedModel):
    """A section or article of a law (`s. 160`, `§ 184b`, `art. 227-23`)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True
    # What str() follows, joined when history pages name many at once (core.history).
    str_relations = ("law",)
    problems_kind = "provision"
    checked_fields = ("in_force_from", "in_force_to", "earlier_wording_unread", "text_language")

    law = models.ForeignKey(
        Law, on_delete=models.CASCADE, related_name="provisions", verbose_name=_("law")
    )
    label = models.CharField(max_length=120, verbose_name=_("label"))
    heading = models.CharField(max_length=300, blank=True, verbose_name=_("heading"))
    summary = models.TextField(
        blank=True, help_text=_("Our paraphrase, not statute text"), verbose_name=_("summary")
    )
    text = models.TextField(
        blank=True,
        help_text=_("Statute text, verbatim as the source gives it, in its language"),
        verbose_name=_("text"),
    )
    text_language = models.CharField(
        _("language of the text"),
        max_length=8,
        blank=True,
        validators=[validate_language],
        help_text=_("ISO 639-1 code"),
    )
    source = source_field(_("text: source"), _("The page the text was read on."))
    text_version = models.TextField(
        _("version of the text"),
        blank=True,
        help_text=_(
            "Which version the text is (consolidated to ..., as enacted, as amended by ...)"
        ),
    )
    text_en = models.TextField(
        _("English text"), blank=True, help_text=_("Only where a source gives one")
    )
    text_en_source = source_field(_("English text: source"))
    order = models.PositiveIntegerField(default=0, verbose_name=_("order"))
    in_force_from = models.DateField(
        null=True, blank=True, validators=[validate_not_future], verbose_name=_("in force from")
    )
    in_force_from_source = source_field(_("in force from: source"))
    in_force_from_quote = models.TextField(_("in force from: the words that state it"), blank=True)
    earlier_wording_unread = models.BooleanField(
        _("earlier wording not read"),
        default=False,
        help_text=_(
            "The wording dated by 'in force from' replaced an earlier wording or law that may "
            "have punished the same conduct, and that was not read: a finding citing it holds "
            "since at least that day, and is undated before it."
        ),
    )
    in_force_to = models.DateField(
        null=True, blank=True, validators=[validate_not_future], verbose_name=_("in force to")
    )
    in_force_to_source = source_field(_("in force to: source"))
    in_force_to_quote = models.TextField(_("in force to: the words that state it"), blank=True)
    max_penalty_years = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, verbose_name=_("max penalty years")
    )
    indicators = models.ManyToManyField(
        "Indicator", blank=True, related_name="provisions", verbose_name=_("indicators")
    )
    verified = models.BooleanField(default=False, verbose_name=_("verified"))
    verification_source = models.TextField(blank=True, verbose_name=_("verification source"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    history = History(m2m_fields=["indicators"])
    revision_parent = "law"

    class Meta:
        ordering = ["law", "order", "id"]
        verbose_name = _("law provision")
        verbose_name_plural = _("law provisions")
        constraints = [
            models.UniqueConstraint(
                fields=["law", "label"], name="laws_provision_unique_law_label"
            ),
            models.CheckConstraint(
                condition=Q(in_force_to__isnull=True)
                | Q(in_force_from__isnull=True)
                | Q(in_force_to__gte=models.F("in_force_from")),
                name="laws_provision_in_force_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(earlier_wording_unread=False) | Q(in_force_from__isnull=False),
                name="laws_provision_earlier_wording_needs_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.law.citation}, {self.label}" if self.law_id else self.label

    def evidence_label(self) -> str:
        """How an editor picks it as evidence: "Uganda — Computer Misuse Act, 2011, s. 23 Child
        pornography" (join `law__state` when listing many)."""
        law = self.law
        return f"{law.state.name} — {law.title}, {self.label} {self.heading}".strip()


class Topic(models.Model):
    """A subject of the database (child sexual abuse material, corporal punishment, ...)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True

    slug = models.SlugField(max_length=60, unique=True, verbose_name=_("slug"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    # The explainer on the public topic page (successor of CRIN's "Forms of violence" pages).
    # Formatted text (limited HTML); sanitised with nh3 when rendered.
    definition = models.TextField(
        blank=True, help_text=_("Formatted text (limited HTML)"), verbose_name=_("definition")
    )
    obligations = models.TextField(
        _("the obligations"), blank=True, help_text=_("Formatted text (limited HTML)")
    )
    responsibility = models.TextField(
        _("who is responsible"), blank=True, help_text=_("Formatted text (limited HTML)")
    )
    what_can_be_done = models.TextField(
        _("what can be done"), blank=True, help_text=_("Formatted text (limited HTML)")
    )
    references = models.TextField(
        _("further reading"),
        blank=True,
        help_text=_("Numbered references: formatted text (limited HTML), e.g. an <ol> list"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    history = History()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One question asked of every state within a topic (`simple_possession`)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True

    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("topic")
    )
    slug = models.SlugField(max_length=60, unique=True, verbose_name=_("slug"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    question = models.CharField(max_length=400, blank=True, verbose_name=_("question"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    treaty_provisions = models.ManyToManyField(
        TreatyProvision,
        through="IndicatorBasis",
        blank=True,
        related_name="indicators",
        verbose_name=_("treaty provisions"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    history = History()

    class Meta:
        ordering = ["topic__order", "order", "slug"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class BasisKind(models.TextChoices):
    REQUIRES = "requires", _("Requires")
    RECOMMENDS = "recommends", _("Recommends")
    DEFINES = "defines", _("Defines")


class IndicatorBasis(models.Model):
    """Which treaty provision requires (or recommends, or defines) what an indicator asks."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="bases", verbose_name=_("indicator")
    )
    provision = models.ForeignKey(
        TreatyProvision, on_delete=models.PROTECT, related_name="+", verbose_name=_("provision")
    )
    kind = models.CharField(
        max_length=10, choices=BasisKind.choices, default=BasisKind.REQUIRES, verbose_name=_("kind")
    )
    note = models.CharField(max_length=400, blank=True, verbose_name=_("note"))

    history = History()

    class Meta:
        ordering = ["indicator", "provision"]
        verbose_name = _("treaty basis")
        verbose_name_plural = _("treaty bases")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "provision"], name="laws_indicatorbasis_unique_pair"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=BasisKind.values), name="laws_indicatorbasis_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provision} {self.kind} {self.indicator}"


class FindingStatus(models.TextChoices):
    YES = "yes", _("Yes")
    PARTIAL = "partial", _("Partial")
    NO = "no", _("No")


# Not stored: the answer for a state and indicator without a finding.
NOT_ASSESSED = "not_assessed"


class Finding(CheckedValues, PublicRecord, Revisable, VersionedModel):
    """One state and one indicator: the answer, with its evidence."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True
    # What str() follows, joined when history pages name many at once (core.history).
    str_relations = ("state", "indicator")
    problems_kind = "finding"
    checked_fields = ("effective_from", "effective_to")

    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="findings", verbose_name=_("state")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        help_text=_(
            "Empty: the answer for the state. A jurisdiction: the answer for that part of it "
            "alone (a US state, an Australian state)."
        ),
        verbose_name=_("jurisdiction"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="findings", verbose_name=_("indicator")
    )
    status = models.CharField(max_length=8, choices=FindingStatus.choices, verbose_name=_("status"))
    evidence = models.ManyToManyField(
        LawProvision, blank=True, related_name="findings", verbose_name=_("evidence")
    )
    evidence_citation = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("Pinpoint citation as a lawyer writes it"),
        verbose_name=_("evidence citation"),
    )
    note = models.TextField(
        _("explanation"), blank=True, help_text=_("Required for 'no': what was reviewed")
    )
    checked_sources = models.ManyToManyField(
        Source,
        blank=True,
        related_name="findings_checked",
        verbose_name=_("sources checked"),
        help_text=_("For 'no': the pages read and found lacking."),
    )
    effective_from = models.DateField(
        null=True, blank=True, validators=[validate_not_future], verbose_name=_("effective from")
    )
    effective_to = models.DateField(
        null=True, blank=True, validators=[validate_not_future], verbose_name=_("effective to")
    )
    verified = models.BooleanField(default=False, verbose_name=_("verified"))
    verification_source = models.TextField(blank=True, verbose_name=_("verification source"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))
    publication_status = models.CharField(
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        verbose_name=_("publication status"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = PublishableQuerySet.as_manager()
    history = History(m2m_fields=["evidence", "checked_sources"])

    class Meta:
        ordering = ["state__name", "indicator__order"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        permissions = [("publish_finding", "Can publish, send back and withdraw findings")]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "indicator"],
                condition=Q(revision_of__isnull=True, jurisdiction__isnull=True),
                name="laws_finding_unique_state_indicator",
                violation_error_message=_(
                    "A finding for this state and indicator already exists: edit it instead."
                ),
            ),
            models.UniqueConstraint(
                fields=["jurisdiction", "indicator"],
                condition=Q(revision_of__isnull=True, jurisdiction__isnull=False),
                name="laws_finding_unique_jurisdiction_indicator",
                violation_error_message=_(
                    "A finding for this jurisdiction and indicator already exists: edit it instead."
                ),
            ),
            models.UniqueConstraint(fields=["revision_of"], name="laws_finding_one_open_revision"),
            models.CheckConstraint(
                condition=Q(revision_of__isnull=True) | ~Q(publication_status="published"),
                name="laws_finding_revision_never_published",
            ),
            models.CheckConstraint(
                condition=Q(status__in=FindingStatus.values), name="laws_finding_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=FindingStatus.NO) | ~Q(note=""),
                name="laws_finding_no_has_explanation",
            ),
            models.CheckConstraint(
                condition=Q(publication_status__in=PublicationStatus.values),
                name="laws_finding_publication_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="laws_finding_effective_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "status"], name="laws_finding_indicator_status"),
        ]

    def __str__(self) -> str:
        return f"{self.state} – {self.indicator}: {self.status}"

    def check_publishable(self) -> None:
        # A new row has no evidence yet: its links are checked as they are added
        # (laws.signals.guard_evidence).
        if self.pk is not None:
            refuse_unpublished_evidence(self, self.evidence.select_related("law"))

    def validate_constraints(self, exclude=None):
        # The uniqueness of a state's answer is conditional on `jurisdiction` (empty: the state
        # itself); a form without that field must still check it.
        if exclude:
            exclude = set(exclude) - {"jurisdiction"}
        super().validate_constraints(exclude=exclude)


def unpublished_evidence(provisions) -> list[LawProvision]:
    """The provisions among `provisions` the public cannot see: their law is not published (a
    draft, in review, withdrawn, or a revision's working copy)."""
    from core.publication import PublicationStatus as Status

    return [
        p
        for p in provisions
        if p.law.publication_status != Status.PUBLISHED or p.law.revision_of_id is not None
    ]


def foreign_evidence_error(state, provisions) -> str:
    """The message refusing evidence that is not a provision of `state`'s own laws, or ''."""
    foreign = [p for p in provisions if p.law.state_id != state.pk]
    if not foreign:
        return ""
    labels = ", ".join(str(p) for p in foreign)
    return gettext("Evidence must be provisions of %(state)s's own laws; not: %(labels)s.") % {
        "state": state.name,
        "labels": labels,
    }


def evidence_publication_error(finding_label: str, provisions) -> str:
    """The message refusing a published finding that cites unpublished evidence, or ''."""
    from core.publication import PublicationStatus as Status

    hidden = unpublished_evidence(provisions)
    if not hidden:
        return ""
    cited = "; ".join(
        gettext("%(label)s of “%(law)s” (%(status)s)")
        % {
            "label": p.label,
            "law": p.law,
            "status": str(Status(p.law.publication_status).label).lower(),
        }
        for p in hidden
    )
    return str(
        _(
            "%(finding)s cannot be published while its evidence is not: it cites %(cited)s. "
            "Publish the law first, or publish the law together with the findings that cite it "
            "(“Publish with its findings” on the law's page)."
        )
        % {"finding": finding_label, "cited": cited}
    )


def refuse_unpublished_evidence(finding: Finding, provisions) -> None:
    """DOMAIN rule 1: a published finding cites only published evidence. Raises
    ValidationError (on `evidence`) otherwise. Every path checks through here: publishing
    (Finding.check_publishable), adding evidence (laws.signals.guard_evidence), forms and
    importers (laws.services.validate_finding)."""
    message = evidence_publication_error(f"“{finding}”", provisions)
    if message:
        raise ValidationError({"evidence": [message]})


class ImportBatchStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    APPLIED = "applied", _("Applied")
    REFUSED = "refused", _("Refused")


class ImportBatch(models.Model):
    """One uploaded file (bulk import or UNTC refresh), kept from its preview to its apply.

    The content stays on the server, so what is applied is byte for byte what was previewed
    (`sha256`); `preview` and `result` hold the row-by-row plans (laws.bulk_import.Plan, or the
    UNTC diff) as shown to the editor.
    """

    kind = models.CharField(max_length=20, verbose_name=_("kind"))
    filename = models.CharField(max_length=255, verbose_name=_("filename"))
    content = models.BinaryField(
        verbose_name=_("content"),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(default=0, verbose_name=_("size"))
    publish = models.BooleanField(
        default=False,
        help_text=_("Publish the rows written (only for those who may publish)"),
        verbose_name=_("publish"),
    )
    status = models.CharField(
        max_length=10,
        choices=ImportBatchStatus.choices,
        default=ImportBatchStatus.PREVIEWED,
        verbose_name=_("status"),
    )
    preview = models.JSONField(default=dict, blank=True, verbose_name=_("preview"))
    result = models.JSONField(default=dict, blank=True, verbose_name=_("result"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    applied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("applied at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportBatchStatus.values),
                name="laws_importbatch_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename} ({self.created_at:%Y-%m-%d %H:%M})"


class FindingPeriod(models.Model):
    """The period of a finding derived from its evidence, as `laws.timeline` states the rules: a
    database view (`laws_findingperiod`, laws/period_view.py) computed in one pass over all cited
    provisions, joined one-to-one to the finding. Read only; `laws.timeline.with_period` adds an
    editor's `effective_from`/`effective_to` over it."""

    finding = models.OneToOneField(
        Finding,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        related_name="derived_period",
        db_column="finding_id",
        verbose_name=_("finding"),
    )
    derived_from = models.DateField(null=True, verbose_name=_("derived from"))
    # The day since when it is known to hold: `derived_from`, or, where a cited wording replaced
    # an earlier one that was not read (`LawProvision.earlier_wording_unread`), the same rule's
    # date over the wordings read: "since at least", undated before it.
    known_from = models.DateField(null=True, verbose_name=_("known from"))
    derived_to = models.DateField(null=True, verbose_name=_("derived to"))

    class Meta:
        managed = False
        db_table = "laws_findingperiod"

    def __str__(self) -> str:
        return f"{self.finding_id}: {self.derived_from} - {self.derived_to}"
