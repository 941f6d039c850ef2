"""Conflict-safe editing: a version column and a conditional UPDATE.

Every save of an existing row first runs, in the same transaction,
`UPDATE ... SET version = version + 1 WHERE id = %s AND version = %s` with the version the
editor started from. If another save got there first, no row matches and `EditConflict` is
raised: nothing is written, and the message names who changed which fields since (from the
history). The admin carries the version it rendered in a hidden form field
(`VersionedFormMixin`), so the check spans the time the editor had the page open.
"""

from django import forms
from django.db import models, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class EditConflict(Exception):
    """Someone else saved (or deleted) the record after this edit began."""

    def __init__(self, instance: models.Model, expected_version: int):
        self.instance = instance
        self.expected_version = expected_version
        self.changes = describe_changes_since(instance, expected_version)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        opts = self.instance._meta
        name = f"{opts.verbose_name} “{self.instance}”"
        if not self.changes:
            return _(
                "Not saved: this %(name)s was changed or deleted by someone else after you "
                "opened it. Reload it and make your change again."
            ) % {"name": name}
        return _(
            "Not saved: this %(name)s was changed by someone else after you opened it "
            "(you edited version %(version)s). %(changes)s Nothing of yours was written; reload "
            "the page to see the current version, then make your change again."
        ) % {"name": name, "version": self.expected_version, "changes": " ".join(self.changes)}


def describe_changes_since(instance: models.Model, version: int) -> list[str]:
    """One sentence per save after `version`: who, when, and each field old → new."""
    from core.history import changes_between, previous_record

    history = getattr(type(instance), "history", None)
    if history is None or instance.pk is None:
        return []
    records = list(
        history.filter(id=instance.pk, version__gt=version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    sentences = []
    for record in records:
        previous = previous_record(record)
        diff = changes_between(previous, record)
        who = record.history_user.get_username() if record.history_user else _("an import")
        when = date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
        fields = "; ".join(f"{c.label}: “{c.old}” → “{c.new}”" for c in diff) or _(
            "no field changed"
        )
        if record.history_type == "-":
            fields = _("deleted the record")
        sentences.append(
            _("%(who)s on %(when)s (version %(version)s): %(fields)s.")
            % {"who": who, "when": when, "version": record.version, "fields": fields}
        )
    return sentences


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(
        default=1,
        help_text=gettext_lazy(
            "Incremented by every save; a save based on an older version is refused."
        ),
        verbose_name=gettext_lazy("version"),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            expected = self.version
            claimed = (
                type(self)
                ._base_manager.using(using)
                .filter(pk=self.pk, version=expected)
                .update(version=F("version") + 1)
            )
            if not claimed:
                raise EditConflict(self, expected)
            self.version = expected + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            return super().save(*args, **kwargs)


class VersionedFormMixin(forms.ModelForm):
    """Carries the version the editor opened in a hidden field, and refuses the form (with the
    other editor's changes) when the record has moved on since. The conditional UPDATE in
    `VersionedModel.save` closes the remaining window between this check and the write."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, label=gettext_lazy("version")
    )

    def clean(self):
        cleaned_data = super().clean()
        instance = self.instance
        if instance.pk is None or instance._state.adding:
            return cleaned_data
        opened = cleaned_data.get("version")
        if opened is None:
            # A form posted without the version (an old page, a hand-made request) cannot
            # prove it saw the current record.
            opened = self.initial.get("version", instance.version)
        current = (
            type(instance)._base_manager.filter(pk=instance.pk).values_list("version", flat=True)
        ).first()
        if current != opened:
            raise forms.ValidationError(
                EditConflict(instance, opened).message, code="edit_conflict"
            )
        return cleaned_data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded_version = self.instance.version or 1

    def _post_clean(self):
        super()._post_clean()
        opened = self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None
        if self.instance.pk is None or self.instance._state.adding:
            self.instance.version = 1  # a new record starts at 1 whatever was posted
        elif opened is not None:
            self.instance.version = opened
        else:
            self.instance.version = self._loaded_version
