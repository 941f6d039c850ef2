"""The public API's rule for absent values: `null`, never `""` (docs: the API description).

A text the database keeps as empty (no `null=True` on text columns, STYLE.md) is absent: the
API answers `null` for it, and the schema declares it nullable. `PublicModelSerializer` applies
the rule to every blank-able text, URL and choice field a model serializer builds; explicit
fields use `NullableCharField` / `NullableChoiceField`. A list built without DRF's field walk
(e.g. `LawListSerializer.to_representation`) uses `absent_as_null`; tests/api/test_null_values.py
walks every endpoint for an empty string.
"""

from django.db import models
from rest_framework import serializers


def absent_as_null(value):
    """A text as the API writes it: None for an empty value."""
    return None if value is None or value == "" else str(value)


class NullableCharField(serializers.CharField):
    """A text that may be absent: `null` then, never `""`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absent_as_null(value)


class NullableURLField(NullableCharField):
    pass


class NullableChoiceField(serializers.ChoiceField):
    """A code of a closed vocabulary that may be absent: `null` then, never `""`."""

    def __init__(self, choices, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", False)
        super().__init__(choices, **kwargs)

    def to_representation(self, value):
        if value is None or value == "":
            return None
        return super().to_representation(value)


TEXT_FIELDS = (models.CharField, models.TextField)


class PublicModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose blank-able text fields answer `null` when empty."""

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, TEXT_FIELDS) and model_field.blank:
            field_kwargs["allow_null"] = True
            if model_field.choices:
                field_class = NullableChoiceField
                field_kwargs.pop("allow_blank", None)
            else:
                field_class = NullableCharField
                # CharField takes neither of URLField's or a choice field's own arguments.
                for name in ("validators",):
                    field_kwargs.pop(name, None)
        return field_class, field_kwargs
