"""Keep a published law's or finding's `last_public_change` true when a dependent row changes:
a provision of the law (saved, deleted, its indicators), the law's `amends` links, a finding's
evidence (core.publication.touch_public_change). Connected in LawsConfig.ready."""

import threading
from functools import wraps

from django.db import transaction
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


# Depth of `evidence.set()` calls under way in this thread: Django's set() removes the old links
# before it adds the new ones, so a finding is briefly without evidence; the check runs once the
# whole replacement is done (`guard_set`), not at the removal inside it.
_replacing = threading.local()


def refuse_unsupported(finding_ids) -> None:
    """A published `yes` or `partial` keeps at least one piece of evidence (DOMAIN rule 1): a
    `remove()`, `clear()` or `set()` that would leave it none is refused (ValidationError, the
    change rolled back). Withdraw the finding, or make it a `no` with its note, first."""
    from django.core.exceptions import ValidationError

    from core.publication import PublicationStatus

    from .models import Finding, FindingStatus

    bare = Finding.objects.filter(
        pk__in=list(finding_ids),
        publication_status=PublicationStatus.PUBLISHED,
        revision_of=None,
        status__in=[FindingStatus.YES, FindingStatus.PARTIAL],
        evidence__isnull=True,
    )
    for finding in bare:
        raise ValidationError(
            {
                "evidence": [
                    f"“{finding}” is published as {finding.get_status_display().lower()}: it "
                    "cannot be left without evidence. Withdraw it, or make it a “no” with its "
                    "note, first."
                ]
            }
        )


def guard_removal(sender, instance, action, reverse, pk_set, **kwargs):
    """`finding.evidence.remove()/clear()` and `provision.findings.remove()/clear()` never take
    the last evidence of a published yes/partial (inside `set()`, `guard_set` checks at the end).
    A finding that had no evidence to begin with is not this guard's case (validate_finding's)."""
    if action == "pre_clear":
        # What the links were is known only before they go.
        if reverse:
            instance._clearing_findings = list(instance.findings.values_list("pk", flat=True))
        else:
            instance._clearing_had_evidence = instance.evidence.exists()
        return
    if action not in ("post_remove", "post_clear") or getattr(_replacing, "depth", 0):
        return
    if action == "post_remove":
        refuse_unsupported([instance.pk] if not reverse else (pk_set or []))
    elif reverse:
        refuse_unsupported(getattr(instance, "_clearing_findings", []))
    elif getattr(instance, "_clearing_had_evidence", False):
        refuse_unsupported([instance.pk])


def guard_set(manager_cls, reverse: bool):
    """Wrap the related manager's `set()`: the replacement runs in one atomic block and is
    checked once it is complete."""
    original = manager_cls.set
    if getattr(original, "_evidence_guarded", False):
        return

    @wraps(original)
    def set(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            # The findings that had evidence before: from a provision's side, those it was
            # evidence for; from a finding's side, the finding, if it cited anything.
            if reverse:
                affected = list(self.values_list("pk", flat=True))
            else:
                affected = [self.instance.pk] if self.exists() else []
            _replacing.depth = getattr(_replacing, "depth", 0) + 1
            try:
                result = original(self, objs, *args, **kwargs)
            finally:
                _replacing.depth -= 1
            refuse_unsupported(affected)
        return result

    set._evidence_guarded = True
    manager_cls.set = set


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
        guard_removal,
        sender=Finding.evidence.through,
        dispatch_uid="laws_finding_evidence_removal_guard",
    )
    guard_set(Finding.evidence.related_manager_cls, reverse=False)
    guard_set(LawProvision.findings.related_manager_cls, reverse=True)
    m2m_changed.connect(
        relation_changed(Finding),
        sender=Finding.evidence.through,
        dispatch_uid="laws_finding_evidence_touch",
        weak=False,
    )
