"""Keep a published law's or finding's `last_public_change` true when a dependent row changes:
a provision of the law (saved, deleted, its indicators), the law's `amends` links, a finding's
evidence (core.publication.touch_public_change). Connected in LawsConfig.ready."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from core.publication import touch_public_change

M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}


def provision_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        from .models import Law

        touch_public_change(Law, instance.law_id)


def relation_changed(parent_model, attribute: str | None = None):
    """m2m_changed receiver touching the record that owns the relation (either side)."""

    def receiver(sender, instance, action, reverse, pk_set, **kwargs):
        if action not in M2M_ACTIONS:
            return
        if not reverse:
            pk = getattr(instance, attribute) if attribute else instance.pk
            touch_public_change(parent_model, pk)
        else:
            owners = pk_set or []
            if attribute:
                from .models import LawProvision

                owners = LawProvision.objects.filter(pk__in=owners).values_list("law_id", flat=True)
            for pk in set(owners):
                touch_public_change(parent_model, pk)

    return receiver


def guard_evidence(sender, instance, action, reverse, pk_set, **kwargs):
    """The finding rules hold for `finding.evidence.add()/set()` (and `provision.findings.add()`)
    too, not only for the admin form and the importers: evidence is a provision of the finding's
    own state, and a published finding cites only published evidence (laws.models
    .refuse_unpublished_evidence). Raises ValidationError before anything is linked."""
    if action != "pre_add" or not pk_set:
        return
    from django.core.exceptions import ValidationError

    from core.publication import PublicationStatus

    from .models import Finding, LawProvision, foreign_evidence_error, refuse_unpublished_evidence

    if not reverse:
        pairs = [(instance, list(LawProvision.objects.select_related("law").filter(pk__in=pk_set)))]
    else:
        provision = LawProvision.objects.select_related("law").get(pk=instance.pk)
        pairs = [(f, [provision]) for f in Finding.objects.filter(pk__in=pk_set)]
    for finding, provisions in pairs:
        foreign = foreign_evidence_error(finding.state, provisions)
        if foreign:
            raise ValidationError({"evidence": [foreign]})
        if finding.publication_status == PublicationStatus.PUBLISHED:
            refuse_unpublished_evidence(finding, provisions)


def provision_deleted(sender, instance, **kwargs):
    """A provision is deleted (or its law is): a published `yes` or `partial` finding left with
    no other evidence would be a public answer without public evidence (DOMAIN rule 1), so it is
    withdrawn, with the reason in its history."""
    from core.publication import PublicationStatus

    from .models import Finding, FindingStatus

    cited_by = Finding.objects.filter(
        evidence=instance,
        publication_status=PublicationStatus.PUBLISHED,
        revision_of=None,
        status__in=[FindingStatus.YES, FindingStatus.PARTIAL],
    )
    orphaned = [f for f in cited_by if not f.evidence.exclude(pk=instance.pk).exists()]
    for finding in orphaned:
        finding.publication_status = PublicationStatus.WITHDRAWN
        finding._change_reason = f"withdraw: its only evidence, {instance}, was deleted"
        finding.save()


def connect() -> None:
    from .models import Finding, Law, LawProvision

    post_save.connect(provision_changed, sender=LawProvision, dispatch_uid="laws_provision_touch")
    post_delete.connect(
        provision_changed, sender=LawProvision, dispatch_uid="laws_provision_touch_delete"
    )
    pre_delete.connect(
        provision_deleted, sender=LawProvision, dispatch_uid="laws_provision_deleted_evidence"
    )
    m2m_changed.connect(
        relation_changed(Law, "law_id"),
        sender=LawProvision.indicators.through,
        dispatch_uid="laws_provision_indicators_touch",
        weak=False,
    )
    m2m_changed.connect(
        relation_changed(Law),
        sender=Law.amends.through,
        dispatch_uid="laws_amends_touch",
        weak=False,
    )
    m2m_changed.connect(
        guard_evidence,
        sender=Finding.evidence.through,
        dispatch_uid="laws_finding_evidence_guard",
    )
    m2m_changed.connect(
        relation_changed(Finding),
        sender=Finding.evidence.through,
        dispatch_uid="laws_finding_evidence_touch",
        weak=False,
    )
