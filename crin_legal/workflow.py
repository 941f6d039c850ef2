"""The editorial workflow: draft → in review → published (→ withdrawn), and restoring history.

Laws, findings and participations carry a publication status (crin_legal.publication); a law's
provisions follow their law and a participation's declarations follow their participation.
Every transition goes through `transition()`, which checks on the server that it is allowed
from the current status and that the user holds the permission it needs:

    submit    draft / withdrawn → in_review     change_<model>   (editors)
    publish   in_review → published             publish_<model>  (reviewers)
    reject    in_review → draft                 publish_<model>  (reviewers)
    withdraw  published → withdrawn             publish_<model>  (reviewers)

An edit of a published record by someone who may not publish sends it back to draft
(`unpublish_after_edit`): what the public sees is always what a reviewer approved.
Each transition saves the record (so the history shows who, when, and a reason such as
"publish"); bulk transitions loop over the records, never `QuerySet.update`, so that each one is
versioned and recorded.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from .publication import PublicationStatus

DRAFT = PublicationStatus.DRAFT
IN_REVIEW = PublicationStatus.IN_REVIEW
PUBLISHED = PublicationStatus.PUBLISHED
WITHDRAWN = PublicationStatus.WITHDRAWN


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    permission: str  # "change" or "publish": <app_label>.<permission>_<model_name>


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", "Submit for review", (DRAFT, WITHDRAWN), IN_REVIEW, "change"),
        Transition("publish", "Publish", (IN_REVIEW,), PUBLISHED, "publish"),
        Transition("reject", "Send back to draft", (IN_REVIEW,), DRAFT, "publish"),
        Transition("withdraw", "Withdraw", (PUBLISHED,), WITHDRAWN, "publish"),
    )
}


class TransitionError(ValidationError):
    """The record is not in a status this transition starts from."""


def permission_name(model: type[models.Model], action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def may_publish(user, model: type[models.Model]) -> bool:
    return bool(user and user.has_perm(permission_name(model, "publish")))


def allowed_transitions(user, obj: models.Model) -> list[Transition]:
    """The transitions this user may apply to this record now (for buttons and actions)."""
    return [
        t
        for t in TRANSITIONS.values()
        if obj.publication_status in t.sources
        and user.has_perm(permission_name(type(obj), t.permission))
    ]


def check_transition(user, obj: models.Model, name: str) -> Transition:
    try:
        transition_ = TRANSITIONS[name]
    except KeyError as error:
        raise TransitionError(f"Unknown transition {name!r}.") from error
    if user is None or not user.has_perm(permission_name(type(obj), transition_.permission)):
        raise PermissionDenied(
            f"You may not {transition_.label.lower()} a {obj._meta.verbose_name}: that needs "
            f"the {permission_name(type(obj), transition_.permission)} permission"
            + (" (reviewers)." if transition_.permission == "publish" else ".")
        )
    if obj.publication_status not in transition_.sources:
        sources = " or ".join(PublicationStatus(s).label.lower() for s in transition_.sources)
        raise TransitionError(
            f"Cannot {transition_.label.lower()} “{obj}”: it is "
            f"{PublicationStatus(obj.publication_status).label.lower()}, and only a "
            f"{obj._meta.verbose_name} that is {sources} can be."
        )
    return transition_


@transaction.atomic
def transition(user, obj: models.Model, name: str, *, note: str = "") -> models.Model:
    """Apply one transition to one record, recorded in its history (reason: the transition)."""
    transition_ = check_transition(user, obj, name)
    obj.publication_status = transition_.target
    obj._history_user = user
    obj._change_reason = name + (f": {note}" if note else "")
    obj.save()
    return obj


def transition_many(user, objs: Iterable[models.Model], name: str) -> tuple[int, list[str]]:
    """Apply a transition to each record it applies to; returns (count done, reasons skipped).
    Permission is all or nothing (PermissionDenied before anything is written)."""
    objs = list(objs)
    done, skipped = 0, []
    with transaction.atomic():
        for obj in objs:
            try:
                transition(user, obj, name)
            except TransitionError as error:
                skipped.extend(error.messages)
            else:
                done += 1
    return done, skipped


def unpublish_after_edit(user, obj: models.Model) -> bool:
    """An edit of a published (or withdrawn) record by someone who may not publish returns it
    to draft, so an unreviewed change never reaches the public. Call before saving the edit.
    Returns whether the status changed."""
    if obj.publication_status in (PUBLISHED, WITHDRAWN) and not may_publish(user, type(obj)):
        obj.publication_status = DRAFT
        return True
    return False


def last_published_record(obj: models.Model):
    """The latest history row of `obj` in which it was published (None if never)."""
    return (
        type(obj)
        .history.filter(id=obj.pk, publication_status=PUBLISHED)
        .order_by("-history_date", "-history_id")
        .first()
    )


@transaction.atomic
def restore_version(user, obj: models.Model, history_id: int) -> models.Model:
    """Put the record's fields and many-to-many links back as they were in one historical row.

    The record keeps its current version number (so the save is an ordinary versioned save)
    and its publication status follows the usual rule: restoring a published record without
    publish permission returns it to draft. The restore is itself recorded, with the reason
    "restore of version N (<date>)".
    """
    from .history import BOOKKEEPING_FIELDS

    record = type(obj).history.get(id=obj.pk, history_id=history_id)
    if not user.has_perm(permission_name(type(obj), "change")):
        raise PermissionDenied(f"You may not change this {obj._meta.verbose_name}.")
    status_before = getattr(obj, "publication_status", None)
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in BOOKKEEPING_FIELDS:
            continue
        if field.name == "publication_status":
            continue  # restored content goes through review again (below), never straight out
        setattr(obj, field.attname, getattr(record, field.attname))
    if status_before is not None:
        # Content changed: a published record stays published only for someone who may publish.
        unpublish_after_edit(user, obj)
    obj._history_user = user
    obj._change_reason = (
        f"restore of version {record.version} ({record.history_date:%Y-%m-%d %H:%M} UTC)"
    )
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()
    for field in getattr(record, "_history_m2m_fields", []):
        from simple_history.utils import get_m2m_reverse_field_name

        target = get_m2m_reverse_field_name(field) + "_id"
        wanted = {getattr(row, target) for row in getattr(record, field.name).all()}
        existing = set(
            field.related_model._base_manager.filter(pk__in=wanted).values_list("pk", flat=True)
        )
        getattr(obj, field.name).set(existing)
    return obj
