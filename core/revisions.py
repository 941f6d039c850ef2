"""Working copies ("revisions") of published records: the published version stays public while
a change to it is reviewed (docs/EDITORIAL_WORKFLOW.md, "Publication").

A law, finding or participation that is published is not edited in place by someone who may not
publish. They *propose changes*: `start_revision` copies the record (its fields, its many-to-many
links, and its dependent rows — a law's provisions, a participation's declarations — each copy
pointing at the row it copies through `copy_of`) into a new draft row whose `revision_of` is the
original. The revision is an ordinary draft (submit → in review → publish or reject), never
published itself (a database constraint), so every public query, which filters
`publication_status='published'`, already leaves it out.

Publishing the revision (`core.workflow.transition(user, revision, "publish")`) calls
`merge_revision`: in one transaction it refuses if the published record (or one of its dependent
rows) changed since the revision started (`RevisionConflict`, naming who changed what), and
otherwise copies the fields onto the original (same id, same address; `last_public_change`
moves), updates, creates and deletes its dependent rows to match, sets its links, and deletes the
revision — every write recorded in the history with the reviewer and the reason
"publish revision #N (proposed by alice)". `discard_revision` drops a revision unpublished.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .history import BOOKKEEPING_FIELDS, changes_between, previous_record
from .permissions import may_publish, permission_name
from .publication import PublicationStatus
from .versioning import EditConflict

# Never copied between an original and its revision: identity, bookkeeping and the workflow.
REVISION_FIELDS = frozenset({"publication_status", "revision_of", "base_version", "copy_of"})
NOT_COPIED = BOOKKEEPING_FIELDS | REVISION_FIELDS


class Revisable(models.Model):
    """A record with a publication status that can have one open revision (a working copy)."""

    revision_of = models.ForeignKey(
        "self",
        # A revision is a proposal about its original: it goes with it.
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="revisions",
        help_text=gettext_lazy(
            "The published record this draft revises (null for an ordinary record)."
        ),
        verbose_name=gettext_lazy("revision of"),
    )
    base_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text=gettext_lazy("The original's version when this revision was started."),
        verbose_name=gettext_lazy("base version"),
    )

    # Reverse relations of dependent rows copied with the record ("provisions").
    revision_children: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None

    def validate_constraints(self, exclude=None):
        # `revision_of` is never a form field, but the unique constraints' condition reads it:
        # without this, a form would skip them (Django skips a conditional constraint whose
        # condition names an excluded field) and a duplicate would reach the database.
        if exclude:
            exclude = set(exclude) - {"revision_of"}
        super().validate_constraints(exclude=exclude)


class RevisionChild(models.Model):
    """A dependent row (a law's provision, a participation's declaration) that is copied into a
    revision of its parent: the copy points at the row it copies, so publishing maps it back."""

    copy_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=gettext_lazy(
            "In a revision: the published row this row copies (null: added in it)."
        ),
        verbose_name=gettext_lazy("copy of"),
    )

    # The foreign key to the parent record ("law").
    revision_parent: str = ""

    class Meta:
        abstract = True

    def parent_record(self):
        return getattr(self, self.revision_parent)


# ---- who edits what where ---------------------------------------------------------------------


def is_public_original(obj) -> bool:
    return (
        isinstance(obj, Revisable)
        and obj.pk is not None
        and obj.revision_of_id is None
        and obj.publication_status == PublicationStatus.PUBLISHED
    )


def needs_revision(user, obj) -> bool:
    """Does this user change this record through a revision? Yes when it is published and they
    may not publish it: what the public sees is always what a reviewer approved."""
    return is_public_original(obj) and not may_publish(user, type(obj))


def open_revision(obj):
    """The open revision of a record (None if none)."""
    if obj is None or obj.pk is None:
        return None
    return type(obj)._base_manager.filter(revision_of_id=obj.pk).first()


def children(model) -> list[tuple[str, type[models.Model], str]]:
    """(relation name, child model, foreign key name) of each kind of dependent row."""
    out = []
    for name in getattr(model, "revision_children", ()):
        relation = model._meta.get_field(name)
        out.append((name, relation.related_model, relation.field.name))
    return out


def proposer(revision):
    """Who started the revision (the user of its first history row), or None."""
    first = (
        type(revision)
        .history.filter(id=revision.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
        .first()
    )
    return first.history_user if first is not None else None


def started_at(revision):
    first = (
        type(revision)
        .history.filter(id=revision.pk)
        .order_by("history_date", "history_id")
        .values_list("history_date", flat=True)
        .first()
    )
    return first


def _copy_fields(source, target, skip=frozenset()) -> list[str]:
    """Copy the concrete fields; returns the names of those that differed."""
    changed = []
    for field in source._meta.concrete_fields:
        if field.primary_key or field.name in NOT_COPIED or field.name in skip:
            continue
        value = getattr(source, field.attname)
        if getattr(target, field.attname) != value:
            changed.append(field.name)
            setattr(target, field.attname, value)
    return changed


def _m2m_ids(obj, field) -> set:
    return set(getattr(obj, field.name).values_list("pk", flat=True))


def _record(obj, user, reason):
    obj._history_user = user
    obj._change_reason = reason
    return obj


# ---- starting, discarding ---------------------------------------------------------------------


@transaction.atomic
def start_revision(user, original, *, reason: str = "") -> tuple[models.Model, bool]:
    """Open a revision of a published record (or return the one already open).

    Returns (revision, created). The record is locked while it is copied, so the copy is one
    consistent version of it: its `version` becomes the revision's `base_version`.
    """
    model = type(original)
    if not user.has_perm(permission_name(model, "change")):
        raise PermissionDenied(
            _("You may not change a %(name)s.") % {"name": model._meta.verbose_name}
        )
    original = model._base_manager.select_for_update().get(pk=original.pk)
    if original.revision_of_id is not None:
        raise ValidationError(_("This is itself a revision: edit it directly."))
    if original.publication_status != PublicationStatus.PUBLISHED:
        raise ValidationError(
            _("“%(obj)s” is not published: edit it directly, no revision is needed.")
            % {"obj": original}
        )
    existing = open_revision(original)
    if existing is not None:
        return existing, False
    label = reason or _("proposed changes")
    why = f"revision of #{original.pk} (version {original.version}) started: {label}"
    revision = model(
        revision_of=original,
        base_version=original.version,
        publication_status=PublicationStatus.DRAFT,
    )
    _copy_fields(original, revision)
    _record(revision, user, why).save()
    for field in model._meta.many_to_many:
        getattr(revision, field.name).set(_m2m_ids(original, field))
    for name, child_model, fk in children(model):
        for child in getattr(original, name).all():
            copy = child_model(**{fk: revision}, copy_of=child)
            _copy_fields(child, copy, skip={fk})
            _record(copy, user, why).save()
            for field in child_model._meta.many_to_many:
                getattr(copy, field.name).set(_m2m_ids(child, field))
    return revision, True


def may_discard(user, revision) -> bool:
    """Whoever started a revision may discard it, and so may a reviewer (publish permission):
    nothing public changes. Others (another editor) leave it to them."""
    if not revision.is_revision:
        return False
    if may_publish(user, type(revision)):
        return True
    return user.has_perm(permission_name(type(revision), "change")) and proposer(revision) == user


@transaction.atomic
def discard_revision(user, revision) -> models.Model:
    """Delete an unpublished revision (recorded in its history); returns its original."""
    if not revision.is_revision:
        raise ValidationError(_("Only a revision can be discarded."))
    if not may_discard(user, revision):
        raise PermissionDenied(
            _("Only whoever started this revision, or a reviewer, may discard it.")
        )
    original = revision.revision_of
    _record(revision, user, f"revision of #{original.pk} discarded").delete()
    return original


# ---- publishing: merging into the original ----------------------------------------------------


class RevisionConflict(EditConflict):
    """The published record (or a dependent row of it) changed after the revision started."""

    def __init__(self, original, revision, sentences: list[str]):
        self.revision = revision
        self.sentences = sentences
        super().__init__(original, revision.base_version or 0)
        self.changes = sentences

    @property
    def message(self) -> str:
        opts = self.instance._meta
        return _(
            "Not published: the published %(name)s “%(obj)s” was changed after this revision "
            "was started from its version %(version)s. %(changes)s Nothing was written: the "
            "published version and this revision are as they were. Carry those changes into "
            "the revision (or discard it and propose again), then publish."
        ) % {
            "name": opts.verbose_name,
            "obj": self.instance,
            "version": self.expected_version,
            "changes": " ".join(self.changes)
            or _("(Someone saved it; its history has no detail.)"),
        }


def _sentence(record, subject: str = "") -> str:
    who = record.history_user.get_username() if record.history_user else _("an import")
    when = date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
    if record.history_type == "-":
        what = _("deleted it")
    else:
        diff = changes_between(previous_record(record), record)
        if record.history_type == "+":
            what = _("added it")
        else:
            what = "; ".join(f"{c.label}: “{c.old}” → “{c.new}”" for c in diff) or _(
                "no field changed"
            )
    prefix = f"{subject}: " if subject else ""
    return _("%(who)s on %(when)s changed %(prefix)s%(what)s.") % {
        "who": who,
        "when": when,
        "prefix": prefix,
        "what": what,
    }


def changes_since_started(original, revision) -> list[str]:
    """What changed in the published record and its dependent rows since the revision began."""
    model = type(original)
    since = started_at(revision)
    sentences = []
    changed = models.Q(version__gt=revision.base_version or 0)
    if since is not None:
        changed |= models.Q(history_date__gt=since)
    records = model.history.filter(changed, id=original.pk).select_related("history_user")
    for record in records.order_by("history_date", "history_id"):
        sentences.append(_sentence(record, str(model._meta.verbose_name)))
    if since is not None:
        for _name, child_model, fk in children(model):
            rows = child_model.history.filter(
                **{f"{fk}_id": original.pk}, history_date__gt=since
            ).select_related("history_user")
            for record in rows.order_by("history_date", "history_id"):
                name = getattr(record, "label", "") or getattr(record, "heading", "") or record.id
                subject = f"{child_model._meta.verbose_name} {name}"
                sentences.append(_sentence(record, subject))
    return sentences


def _citations(child) -> list[str]:
    """Records that link to this dependent row (findings citing a provision as evidence)."""
    out = []
    for relation in child._meta.related_objects:
        if relation.many_to_many:
            accessor = relation.get_accessor_name()
            for linked in getattr(child, accessor).all()[:5]:
                out.append(f"{relation.related_model._meta.verbose_name} “{linked}”")
    return out


@transaction.atomic
def merge_revision(user, revision, *, note: str = "") -> models.Model:
    """Publish a revision: write it onto its original and delete it. Returns the original.

    Refuses with RevisionConflict (nothing written) if the original or one of its dependent rows
    changed since the revision started, and with ValidationError if the revision removes a
    dependent row that another record cites (a provision cited as a finding's evidence).
    """
    model = type(revision)
    original = model._base_manager.select_for_update().get(pk=revision.revision_of_id)
    conflicts = changes_since_started(original, revision)
    if conflicts or original.version != revision.base_version:
        raise RevisionConflict(original, revision, conflicts)
    if original.publication_status != PublicationStatus.PUBLISHED:  # pragma: no cover
        raise ValidationError(_("The original is no longer published."))
    by = proposer(revision)
    reason = f"publish revision #{revision.pk}" + (
        f" (proposed by {by.get_username()})" if by is not None else ""
    )
    if note:
        reason += f": {note}"
    try:
        with transaction.atomic():
            _merge(user, revision, original, reason)
    except IntegrityError as error:
        raise ValidationError(
            _("Not published: the revision cannot be written onto the published record (%(e)s).")
            % {"e": error}
        ) from error
    _record(revision, user, f"published into #{original.pk}: revision closed").delete()
    original.refresh_from_db()
    return original


def _merge(user, revision, original, reason):
    model = type(revision)
    _copy_fields(revision, original)
    _record(original, user, reason).save()
    for field in model._meta.many_to_many:
        wanted = _m2m_ids(revision, field)
        if _m2m_ids(original, field) != wanted:
            getattr(original, field.name).set(wanted)
    for name, child_model, fk in children(model):
        copies = list(getattr(revision, name).all())
        current = {row.pk: row for row in getattr(original, name).all()}
        mapped = {c.copy_of_id for c in copies if c.copy_of_id in current}
        removed = [row for pk, row in current.items() if pk not in mapped]
        for row in removed:
            cited = _citations(row)
            if cited:
                raise ValidationError(
                    _(
                        "Not published: the revision removes %(row)s, which %(cited)s cites. "
                        "Change those first, or keep it in the revision."
                    )
                    % {
                        "row": f"{child_model._meta.verbose_name} “{row}”",
                        "cited": "; ".join(cited),
                    }
                )
        for row in removed:
            _record(row, user, reason).delete()
        _make_room(child_model, fk, current, copies)
        for copy in copies:
            target = current.get(copy.copy_of_id) if copy.copy_of_id else None
            if target is None:
                target = child_model(**{fk: original})
            changed = _copy_fields(copy, target, skip={fk})
            if target.pk is None or changed:
                _record(target, user, reason).save()
            for field in child_model._meta.many_to_many:
                wanted = _m2m_ids(copy, field)
                if _m2m_ids(target, field) != wanted:
                    getattr(target, field.name).set(wanted)


def _make_room(child_model, fk: str, current: dict, copies: list) -> None:
    """Before the rows are written one at a time: the rows whose value under a per-parent unique
    constraint changes (a provision's label, a declaration's order number) are first moved to a
    value nobody holds, so that a revision that swaps or rotates them (s. 1 <-> s. 2) can be
    written row by row. The interim values are written with `update()`, in the publishing
    transaction: no history row, never committed; each row's history then reads from its
    published value to its new one."""
    for constraint in child_model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition:
            continue
        others = [name for name in constraint.fields if name != fk]
        if fk not in constraint.fields or len(others) != 1:
            continue
        name = others[0]
        field = child_model._meta.get_field(name)
        moving = [
            current[copy.copy_of_id]
            for copy in copies
            if copy.copy_of_id in current
            and getattr(current[copy.copy_of_id], name) != getattr(copy, name)
        ]
        if not moving:
            continue
        taken = {getattr(row, name) for row in current.values()}
        taken |= {getattr(copy, name) for copy in copies}
        for row, interim in zip(moving, _interim_values(field, taken), strict=False):
            child_model._base_manager.filter(pk=row.pk).update(**{name: interim})


def _interim_values(field, taken: set):
    """Values of `field` that no row holds or will hold (for _make_room); stops where the
    field's range ends (the write then fails on the constraint, with its message)."""
    if isinstance(field, models.IntegerField):
        value = max([v for v in taken if isinstance(v, int)] + [0]) + 1
        ops = connections[router.db_for_write(field.model)].ops
        ceiling = ops.integer_field_range(field.get_internal_type())[1]
        while value <= ceiling:
            yield value
            value += 1
        return
    n = 0
    while True:
        n += 1
        value = f"(moving {n})"[: field.max_length or None]
        if value not in taken:
            yield value
