"""Publication states shared by every editable record (DOMAIN rule 4: only published records
reach the public API and site)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication_status=PublicationStatus.PUBLISHED)


# Columns whose change is bookkeeping, not a change of what the public sees.
NON_PUBLIC_FIELDS = frozenset(
    {"version", "created_at", "updated_at", "published_at", "last_public_change"}
)


class PublicRecord(models.Model):
    """When a record entered the public view, and when what the public sees of it last changed.

    Maintained on every save, whatever the path (admin, import, command, service):
    - becoming published sets `published_at` (public since) and `last_public_change`;
    - a change of any public field of a published record sets `last_public_change`;
    - leaving the published state (withdrawn) sets `last_public_change`:
      the change feed reports it as withdrawn. `published_at` stays, so the feed knows the
      record was once public; a record never published is never in the feed.
    Changes to dependent rows (a law's provisions, a participation's reservations, evidence
    links) touch the parent through `touch_public_change`.

    Two hooks let a model hold its own rules about the public view, whatever the path:
    `check_publishable()` runs before a record becomes published (raise ValidationError to
    refuse: a finding whose evidence is not public), and `left_public_view()` runs after a
    published record was withdrawn (a law takes the findings that rest on it out of view).
    """

    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Public since (last publication)."),
        verbose_name=_("published at"),
    )
    last_public_change = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("When what the public sees of this record last changed (the change feed)."),
        verbose_name=_("last public change"),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from django.utils import timezone

        names = [f.attname for f in self._meta.concrete_fields if f.name not in NON_PUBLIC_FIELDS]
        previous = None
        if not self._state.adding and self.pk is not None:
            previous = type(self)._base_manager.filter(pk=self.pk).values(*names).first()
        was_public = (
            previous is not None and previous["publication_status"] == PublicationStatus.PUBLISHED
        )
        is_public = self.publication_status == PublicationStatus.PUBLISHED
        now = timezone.now()
        touched: list[str] = []
        if is_public and not was_public:
            self.published_at = now
            self.last_public_change = now
            touched = ["published_at", "last_public_change"]
        elif is_public and any(previous[name] != getattr(self, name) for name in names):
            self.last_public_change = now
            touched = ["last_public_change"]
        elif was_public and not is_public:
            self.last_public_change = now
            touched = ["last_public_change"]
        if touched and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *touched}
        if is_public and not was_public:
            self.check_publishable()
        result = super().save(*args, **kwargs)
        if was_public and not is_public:
            self.left_public_view()
        return result

    def check_publishable(self) -> None:
        """Raise ValidationError if this record may not become published as it stands."""

    def left_public_view(self) -> None:
        """Called after a save took a published record out of the public view."""


def touch_public_change(model: type[models.Model], pk) -> None:
    """A dependent row of a published record changed (a provision of a law, a reservation of a
    participation, an evidence link): the record's public view changed. No version bump and no
    history row for the parent: the dependent row has its own history."""
    from django.utils import timezone

    if pk is None:
        return
    model._base_manager.filter(pk=pk, publication_status=PublicationStatus.PUBLISHED).update(
        last_public_change=timezone.now()
    )
