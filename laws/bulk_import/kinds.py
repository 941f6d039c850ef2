"""What an upload can hold: its kinds, their columns, the model each writes, and who may import
or publish them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from treaties.models import (
    Participation,
    Reservation,
)

from ..importers.starter_set import (
    FINDING_COLUMNS,
    LAW_COLUMNS,
    PROVISION_COLUMNS,
)
from ..models import Finding, Law, LawProvision


class Kind(models.TextChoices):
    LAWS = "laws", _("Laws")
    PROVISIONS = "provisions", _("Law provisions")
    FINDINGS = "findings", _("Findings")
    PARTICIPATIONS = "participations", _("Treaty participation")
    RESERVATIONS = "reservations", _("Declarations and reservations")


PARTICIPATION_COLUMNS = (
    "country_iso2",
    "treaty",
    "signature_date",
    "consent_date",
    "consent_type",
    "withdrawal_date",
    "source_url",
    "as_of",
)

# The columns of the release's reservations table (laws/release.py), so a release file imports.
RESERVATION_COLUMNS = (
    "country_iso2",
    "treaty",
    "order",
    "kind",
    "heading",
    "date",
    "withdrawn_date",
    "text",
)

COLUMNS: dict[str, tuple[str, ...]] = {
    Kind.LAWS: LAW_COLUMNS,
    Kind.PROVISIONS: PROVISION_COLUMNS,
    Kind.FINDINGS: FINDING_COLUMNS,
    Kind.PARTICIPATIONS: PARTICIPATION_COLUMNS,
    Kind.RESERVATIONS: RESERVATION_COLUMNS,
}
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {Kind.PROVISIONS: ("order",)}

# The model each kind writes: the uploader needs add and change permission on it.
MODELS: dict[str, type[models.Model]] = {
    Kind.LAWS: Law,
    Kind.PROVISIONS: LawProvision,
    Kind.FINDINGS: Finding,
    Kind.PARTICIPATIONS: Participation,
    Kind.RESERVATIONS: Reservation,
}
# Kinds whose records carry a publication state of their own (provisions follow their law,
# declarations and reservations their participation).
PUBLISHABLE = (Kind.LAWS, Kind.FINDINGS, Kind.PARTICIPATIONS)
# The permission to publish what a kind writes: for provisions and declarations, their parent's.
PUBLISH_PERMISSIONS: dict[str, str] = {
    Kind.LAWS: "laws.publish_law",
    Kind.PROVISIONS: "laws.publish_law",
    Kind.FINDINGS: "laws.publish_finding",
    Kind.PARTICIPATIONS: "treaties.publish_participation",
    Kind.RESERVATIONS: "treaties.publish_participation",
}


def may_publish(user, kind: str) -> bool:
    """May this user publish what an upload of `kind` writes? Superusers may; so may holders of
    the reviewers' `publish_<model>` permission (for provisions, `publish_law`; for declarations
    and reservations, `publish_participation`)."""
    return bool(user.is_superuser or user.has_perm(PUBLISH_PERMISSIONS[kind]))


def may_import(user, kind: str) -> bool:
    """Editors may: staff with permission to add import batches and to add and change the
    records the kind writes."""
    meta = MODELS[kind]._meta
    return bool(
        user.is_active
        and user.is_staff
        and user.has_perm("laws.add_importbatch")
        and user.has_perm(f"{meta.app_label}.add_{meta.model_name}")
        and user.has_perm(f"{meta.app_label}.change_{meta.model_name}")
    )
