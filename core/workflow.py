"""The editorial workflow: draft → in review → published (→ withdrawn), and restoring history.

Laws, findings and participations carry a publication status (core.publication); a law's
provisions follow their law and a participation's declarations follow their participation.
Every transition goes through `transition()`, which checks on the server that it is allowed
from the current status and that the user holds the permission it needs:

    submit    draft / withdrawn → in_review     change_<model>   (editors)
    publish   in_review → published             publish_<model>  (reviewers)
    reject    in_review → draft                 publish_<model>  (reviewers)
    withdraw  published → withdrawn             publish_<model>  (reviewers)

Someone who may not publish does not edit a published record in place: they propose changes in
a revision, a draft working copy of it (core.revisions), while the published version stays
public. Publishing the revision merges it into the published record (same id, same address).
So what the public sees is always what a reviewer approved. (An editor's edit of a withdrawn
record makes it a draft again, as before: it is not public either way.)
Each transition saves the record (so the history shows who, when, and a reason such as
"publish"); bulk transitions loop over the records, never `QuerySet.update`, so that each one is
versioned and recorded.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .history import BOOKKEEPING_FIELDS
from .permissions import may_publish, permission_name
from .publication import PublicationStatus
from .revisions import (
    REVISION_FIELDS,
    RevisionChild,
    RevisionConflict,
    merge_revision,
    needs_revision,
    start_revision,
)

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
        Transition("submit", _("Submit for review"), (DRAFT, WITHDRAWN), IN_REVIEW, "change"),
        Transition("publish", _("Publish"), (IN_REVIEW,), PUBLISHED, "publish"),
        Transition("reject", _("Send back to draft"), (IN_REVIEW,), DRAFT, "publish"),
        Transition("withdraw", _("Withdraw"), (PUBLISHED,), WITHDRAWN, "publish"),
    )
}


class TransitionError(ValidationError):
    """The record is not in a status this transition starts from."""


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
        message = (
            gettext("Not permitted: “%(action)s” (%(model)s) needs the %(permission)s permission.")
            if transition_.permission != "publish"
            else gettext(
                "Not permitted: “%(action)s” (%(model)s) needs the %(permission)s permission "
                "(reviewers)."
            )
        )
        raise PermissionDenied(
            message
            % {
                "action": transition_.label,
                "model": obj._meta.verbose_name,
                "permission": permission_name(type(obj), transition_.permission),
            }
        )
    if obj.publication_status not in transition_.sources:
        sources = get_text_list(
            [f"“{PublicationStatus(s).label}”" for s in transition_.sources], gettext("or")
        )
        raise TransitionError(
            gettext(
                "“%(action)s” is not possible for “%(obj)s”: its status is “%(status)s”, and "
                "this needs a %(model)s whose status is %(sources)s."
            )
            % {
                "action": transition_.label,
                "obj": obj,
                "status": PublicationStatus(obj.publication_status).label,
                "model": obj._meta.verbose_name,
                "sources": sources,
            }
        )
    return transition_


@transaction.atomic
def transition(user, obj: models.Model, name: str, *, note: str = "") -> models.Model:
    """Apply one transition to one record, recorded in its history (reason: the transition)."""
    transition_ = check_transition(user, obj, name)
    if name == "publish" and getattr(obj, "revision_of_id", None) is not None:
        # A revision is never published itself: it is written onto its original, which stays
        # public throughout (same id, same address), and then deleted.
        return merge_revision(user, obj, note=note)
    obj.publication_status = transition_.target
    obj._history_user = user
    obj._change_reason = name + (f": {note}" if note else "")
    obj.save()
    return obj


def transition_many(user, objs: Iterable[models.Model], name: str) -> tuple[int, list[str]]:
    """Apply a transition to each record it applies to; returns (count done, reasons skipped).
    Permission is all or nothing (PermissionDenied before anything is written). A revision that
    cannot be published (its original changed since) is skipped with the reason."""
    objs = list(objs)
    done, skipped = 0, []
    with transaction.atomic():
        for obj in objs:
            try:
                transition(user, obj, name)
            except TransitionError as error:
                skipped.extend(error.messages)
            except RevisionConflict as conflict:
                skipped.append(conflict.message)
            except ValidationError as error:
                skipped.extend(error.messages)
            else:
                done += 1
    return done, skipped


def unpublish_after_edit(user, obj: models.Model) -> bool:
    """An edit of a withdrawn record by someone who may not publish makes it a draft again (it
    was not public and stays so). A published record is never edited in place by them: they
    propose changes in a revision (core.revisions). Call before saving the edit.
    Returns whether the status changed."""
    if obj.publication_status == WITHDRAWN and not may_publish(user, type(obj)):
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

    The record keeps its current version number (so the save is an ordinary versioned save).
    Its publication status is not restored. Where the user may not change the record in place —
    a published law, finding or participation (or a provision or declaration of one) and no
    publish permission — the restored content goes into the record's revision (started if none
    is open; core.revisions) and the published version stays public until a reviewer
    publishes it. The restore is itself recorded, with the reason "restore of version N
    (<date>)". Returns the record written: `obj`, or its revision (or the revision's copy of it).
    """

    record = type(obj).history.get(id=obj.pk, history_id=history_id)
    if not user.has_perm(permission_name(type(obj), "change")):
        raise PermissionDenied(
            gettext("You may not change this %(model)s.") % {"model": obj._meta.verbose_name}
        )
    target, skip = obj, set(BOOKKEEPING_FIELDS | REVISION_FIELDS)
    if needs_revision(user, obj):
        target, _created = start_revision(user, obj, reason=f"restore of version {record.version}")
    elif isinstance(obj, RevisionChild) and needs_revision(user, obj.parent_record()):
        revision, _created = start_revision(
            user, obj.parent_record(), reason=f"restore of version {record.version}"
        )
        target = (
            type(obj)._base_manager.filter(**{obj.revision_parent: revision}, copy_of=obj).first()
        )
        if target is None:
            raise ValidationError(
                gettext(
                    "The revision of “%(revision)s” has removed this %(model)s: add it back "
                    "there first."
                )
                % {"revision": revision, "model": obj._meta.verbose_name}
            )
        skip.add(obj.revision_parent)  # the copy stays in the revision
    for field in target._meta.concrete_fields:
        if field.primary_key or field.name in skip:
            continue
        setattr(target, field.attname, getattr(record, field.attname))
    if getattr(target, "publication_status", None) is not None:
        unpublish_after_edit(user, target)  # a withdrawn record becomes a draft again
    target._history_user = user
    target._change_reason = (
        f"restore of version {record.version} ({record.history_date:%Y-%m-%d %H:%M} UTC)"
    )
    target.full_clean(validate_unique=False, validate_constraints=False)
    target.save()
    for field in getattr(record, "_history_m2m_fields", []):
        from simple_history.utils import get_m2m_reverse_field_name

        reverse_name = get_m2m_reverse_field_name(field) + "_id"
        wanted = {getattr(row, reverse_name) for row in getattr(record, field.name).all()}
        existing = set(
            field.related_model._base_manager.filter(pk__in=wanted).values_list("pk", flat=True)
        )
        getattr(target, field.name).set(existing)
    return target
