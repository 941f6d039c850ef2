"""The national layer: laws, their provisions, the topic/indicator vocabulary, and findings.

Points at the international layer (`treaties`), never the reverse.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import History
from core.publication import PublicationStatus, PublicRecord, PublishableQuerySet
from core.revisions import Revisable, RevisionChild
from core.versioning import VersionedModel
from treaties.models import State, TreatyProvision


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


class Law(PublicRecord, Revisable, VersionedModel):
    """A legal instrument of one state (or a revision of one: core.revisions)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True

    state = models.ForeignKey(
        State,
        # States are reference data: a state with laws cannot be deleted.
        on_delete=models.PROTECT,
        related_name="laws",
    )
    title = models.CharField(_("title (English)"), max_length=400)
    title_original = models.CharField(_("title (original language)"), max_length=400, blank=True)
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("ISO 639-1 code of the original")
    )
    kind = models.CharField(max_length=12, choices=LawKind.choices)
    citation = models.CharField(max_length=300)
    year_enacted = models.PositiveSmallIntegerField(null=True, blank=True)
    date_adopted = models.DateField(null=True, blank=True)
    date_in_force = models.DateField(null=True, blank=True)
    date_repealed = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=LawStatus.choices, default=LawStatus.IN_FORCE)
    source_url = models.URLField(_("official source"), max_length=500, blank=True)
    full_text = models.TextField(blank=True)
    amends = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="amended_by"
    )
    verified = models.BooleanField(default=False)
    verification_source = models.TextField(blank=True)
    publication_status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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


class LawProvision(RevisionChild, VersionedModel):
    """A section or article of a law (`s. 160`, `§ 184b`, `art. 227-23`)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True
    # What str() follows, joined when history pages name many at once (core.history).
    str_relations = ("law",)

    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="provisions")
    label = models.CharField(max_length=120)
    heading = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True, help_text=_("Our paraphrase, not statute text"))
    text = models.TextField(blank=True, help_text=_("Statute text, where held"))
    order = models.PositiveIntegerField(default=0)
    in_force_from = models.DateField(null=True, blank=True)
    in_force_to = models.DateField(null=True, blank=True)
    max_penalty_years = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    indicators = models.ManyToManyField("Indicator", blank=True, related_name="provisions")
    verified = models.BooleanField(default=False)
    verification_source = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

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
        ]

    def __str__(self) -> str:
        return f"{self.law.citation}, {self.label}" if self.law_id else self.label


class Topic(models.Model):
    """A subject of the database (child sexual abuse material, corporal punishment, ...)."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The explainer on the public topic page (successor of CRIN's "Forms of violence" pages).
    # Formatted text (limited HTML); sanitised with nh3 when rendered.
    definition = models.TextField(blank=True, help_text=_("Formatted text (limited HTML)"))
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
    order = models.PositiveSmallIntegerField(default=0)

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

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="indicators")
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    question = models.CharField(max_length=400, blank=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    treaty_provisions = models.ManyToManyField(
        TreatyProvision, through="IndicatorBasis", blank=True, related_name="indicators"
    )
    updated_at = models.DateTimeField(auto_now=True)

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

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="bases")
    provision = models.ForeignKey(TreatyProvision, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=BasisKind.choices, default=BasisKind.REQUIRES)
    note = models.CharField(max_length=400, blank=True)

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


class Finding(PublicRecord, Revisable, VersionedModel):
    """One state and one indicator: the answer, with its evidence."""

    # Rows reach the public API and site: a change bumps the data-version stamp (hotpath.cache).
    public_data = True
    # What str() follows, joined when history pages name many at once (core.history).
    str_relations = ("state", "indicator")

    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="findings")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="findings")
    status = models.CharField(max_length=8, choices=FindingStatus.choices)
    evidence = models.ManyToManyField(LawProvision, blank=True, related_name="findings")
    evidence_citation = models.CharField(
        max_length=500, blank=True, help_text=_("Pinpoint citation as a lawyer writes it")
    )
    note = models.TextField(
        _("explanation"), blank=True, help_text=_("Required for 'no': what was reviewed")
    )
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    verified = models.BooleanField(default=False)
    verification_source = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    publication_status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()
    history = History(m2m_fields=["evidence"])

    class Meta:
        ordering = ["state__name", "indicator__order"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        permissions = [("publish_finding", "Can publish, send back and withdraw findings")]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "indicator"],
                condition=Q(revision_of__isnull=True),
                name="laws_finding_unique_state_indicator",
                violation_error_message=_(
                    "A finding for this state and indicator already exists: edit it instead."
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

    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(default=0)
    publish = models.BooleanField(
        default=False, help_text=_("Publish the rows written (only for those who may publish)")
    )
    status = models.CharField(
        max_length=10, choices=ImportBatchStatus.choices, default=ImportBatchStatus.PREVIEWED
    )
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

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
