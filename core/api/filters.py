"""Strict filtering for the public API.

django-filter silently ignores parameters it does not know and, for some fields, values it
cannot parse; a partner site with a misspelt filter would get the whole table back as if it were
the answer. Everything here turns such input into a 400 that names the parameter:

- `check_method` runs first: a method the route does not serve is a 405, whatever the query.
- `check_query_parameters` runs before any filtering: unknown names, empty values, NUL bytes,
  oversized values, and a single-valued parameter repeated with different values.
- `CodeListFilter` takes codes of a controlled vocabulary (treaty codes, indicator slugs, region
  slugs, ISO alpha-2 codes), repeated or comma-separated, and checks every one against the
  database, so an unknown code is an error, never an empty list.
- `YearFilter` takes a year between 1 and 9999 (a malformed number is an error).
"""

import datetime
from collections.abc import Callable, Iterable

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import MethodNotAllowed, ValidationError

from hotpath.cache import vocabulary_set

MAX_VALUE_LENGTH = 1000
MAX_LIST_ITEMS = 300
# Parameters every list endpoint accepts besides its filters.
PAGINATION_PARAMETERS = ("page", "page_size")
FORMAT_PARAMETER = "format"
# `?format=csv&bom=1`: the CSV starts with a UTF-8 byte-order mark (Excel then reads it as UTF-8).
BOM_PARAMETER = "bom"
BOM_VALUES = ("1", "true", "0", "false")


EMPTY_VALUE = "Empty value: give a value, or leave the parameter out."


def check_method(view, request) -> None:
    """A method the view does not serve is a 405 before the query is read (a TRACE or POST with
    a bad parameter is still a 405, as the schema says: only GET, HEAD and OPTIONS)."""
    method = request.method.lower()
    if method not in view.http_method_names or not hasattr(view, method):
        raise MethodNotAllowed(request.method)


def check_query_parameters(
    query_params,
    *,
    allowed: Iterable[str],
    multi_valued: Iterable[str] = (),
    formats: Iterable[str] = ("json",),
) -> None:
    """Raise a 400 naming each parameter that is unknown, malformed or contradictory."""
    allowed = set(allowed) | {FORMAT_PARAMETER}
    multi_valued = set(multi_valued)
    errors: dict[str, list[str]] = {}
    for name in query_params:
        values = query_params.getlist(name)
        problems: list[str] = []
        if name not in allowed:
            if "\x00" in name or len(name) > 100:
                name = repr(name[:100])
            problems.append("Unknown query parameter. Allowed: " + ", ".join(sorted(allowed)) + ".")
        elif any("\x00" in value for value in values):
            problems.append("A value contains a NUL byte.")
        elif any(value == "" for value in values):
            # `?updated_since=` is not "no filter": the schema's types (a date, a number, a code
            # of a vocabulary, a non-empty text) have no empty value.
            problems.append(EMPTY_VALUE)
        elif any(len(value) > MAX_VALUE_LENGTH for value in values):
            problems.append(f"A value is longer than {MAX_VALUE_LENGTH} characters.")
        elif name not in multi_valued and len(set(values)) > 1:
            problems.append("Given more than once with different values; give it once.")
        elif name == FORMAT_PARAMETER and values and values[-1] not in set(formats):
            problems.append("Unsupported format. Allowed: " + ", ".join(sorted(formats)) + ".")
        elif name == BOM_PARAMETER and values[-1] not in BOM_VALUES:
            problems.append("Allowed: " + ", ".join(BOM_VALUES) + ".")
        elif name == BOM_PARAMETER and query_params.get(FORMAT_PARAMETER) != "csv":
            problems.append("Only with format=csv.")
        if problems:
            errors.setdefault(name, []).extend(problems)
    if errors:
        raise ValidationError(errors)


def language_problems(values: list[str]) -> list[str]:
    """What is wrong with the `lang` values given (the schema's and the docs page's parameter: a
    language the site speaks, given once), or nothing."""
    languages = sorted(code for code, _name in settings.LANGUAGES)
    if len(set(values)) > 1:
        return ["Given more than once with different values; give it once."]
    if values and values[-1] not in languages:
        return ["Unknown language. Allowed: " + ", ".join(languages) + "."]
    return []


def invalid(message: str) -> DjangoValidationError:
    """A form error whose message may quote user input: django-filter %-formats messages, so a
    `%` in the input must not be read as a placeholder."""
    return DjangoValidationError("%(message)s", params={"message": message})


class MultiValueWidget(forms.Widget):
    """Reads every occurrence of a parameter (`?country=gb&country=fr`)."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        return [] if value is None else [value]

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class CodeListField(forms.Field):
    """A list of codes from a controlled vocabulary, repeated and/or comma-separated."""

    widget = MultiValueWidget

    def __init__(
        self,
        *,
        vocabulary: Callable[[], Iterable[str]],
        normalise: Callable[[str], str] = str.lower,
        hint: str = "",
        null_value=None,
        **kwargs,
    ):
        self.vocabulary = vocabulary
        self.normalise = normalise
        self.hint = hint
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            value = [value]
        codes: list[str] = []
        for raw in value:
            for part in str(raw).split(","):
                code = self.normalise(part.strip())
                if code and code not in codes:
                    codes.append(code)
        if len(codes) > MAX_LIST_ITEMS:
            raise DjangoValidationError(f"At most {MAX_LIST_ITEMS} values.")
        return codes

    def validate(self, value) -> None:
        super().validate(value)
        if not value:
            return
        known = vocabulary_set(self.vocabulary)  # no query while the data is unchanged
        unknown = [code for code in value if code not in known]
        if unknown:
            message = "Unknown value(s): " + ", ".join(repr(code[:60]) for code in unknown[:10])
            if self.hint:
                message += f". {self.hint}"
            elif len(known) <= 60:
                message += ". Allowed: " + ", ".join(sorted(known))
            raise invalid(message + ".")


class CodeListFilter(django_filters.MultipleChoiceFilter):
    """Codes of a controlled vocabulary checked against the database. Several values: any of
    them matches, unless the filter's `method` says otherwise (its help text does)."""

    field_class = CodeListField

    def __init__(self, *args, pattern: str = r"^[A-Za-z0-9_-]+$", **kwargs):
        super().__init__(*args, **kwargs)
        schema = {"type": "string", "pattern": pattern}
        if kwargs.get("help_text"):
            schema["description"] = str(kwargs["help_text"])
        extend_schema_field(schema)(self)

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not value.strip().isascii():
            raise DjangoValidationError("Enter a year as ASCII digits.")
        return super().to_python(value)


class YearFilter(django_filters.NumberFilter):
    """A calendar year. `lookup_expr` `gte` compares with 1 January, `lte` with 31 December, so
    the filter works on a date field (`consent_date`) as well as on a year field."""

    field_class = YearField

    def __init__(self, *args, on_date: bool = False, **kwargs):
        self.on_date = on_date
        super().__init__(*args, **kwargs)
        schema = {"type": "integer", "minimum": 1, "maximum": 9999}
        if kwargs.get("help_text"):
            schema["description"] = str(kwargs["help_text"])
        extend_schema_field(schema)(self)

    def filter(self, qs, value):
        if value is None:
            return qs
        if self.on_date:
            day = (
                datetime.date(value, 1, 1)
                if self.lookup_expr == "gte"
                else datetime.date(value, 12, 31)
            )
            return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": day})
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": value})


class StrictChoiceFilter(django_filters.ChoiceFilter):
    """A closed vocabulary defined in code (enum in the schema); exact match."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, **kwargs)


class DateTimeSinceField(forms.Field):
    """An ISO 8601 date or date-time (`2026-03-01`, `2026-03-01T12:00:00Z`,
    `2026-03-01T12:00:00+02:00`); a time without an offset is taken as UTC."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            hint = (
                " A '+' in a URL reads as a space: write the offset as %2B or use Z."
                if " " in text
                else ""
            )
            raise invalid(
                f"Expected an ISO 8601 date or date-time such as 2026-03-01 or "
                f"2026-03-01T12:00:00Z, got {text[:60]!r}.{hint}"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        try:
            # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 and Python accept
            # (schemathesis found the 500).
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise invalid(f"Out of range: {text[:60]!r}.") from None


class UpdatedSinceFilter(django_filters.Filter):
    """Records whose public view changed at or after a moment (the change feed for partner
    sites). Each filterset says what "changed" means through `filter_updated_since`."""

    field_class = DateTimeSinceField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        extend_schema_field(
            {"type": "string", "format": "date-time", "description": str(self.extra["help_text"])}
        )(self)

    def filter(self, qs, value):
        if value is None:
            return qs
        return self.parent.filter_updated_since(qs, value)


UPDATED_SINCE_HELP = (
    "Only records whose public view changed at or after this moment: ISO 8601 date or "
    "date-time (`2026-03-01`, `2026-03-01T12:00:00Z`, `...+02:00` written `%2B02:00`); without "
    "an offset it is UTC. Records withdrawn since are not listed here: see /api/v1/changes/."
)


class StrictFilterSet(django_filters.FilterSet):
    """Base of every public filterset. `check` hooks cross-parameter validation.

    Every list endpoint gets `updated_since`; a filterset whose records have no
    `last_public_change` column overrides `filter_updated_since`.
    """

    updated_since = UpdatedSinceFilter(help_text=UPDATED_SINCE_HELP)
    # Rules that involve several parameters, as the schema states them (`x-constraints` on the
    # operation, core.api.schema); `check` enforces them.
    constraints: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # Only the filters the request names (a parameter is a filter of the same name):
            # django-filter deep-copies every declared filter and builds a form field for each,
            # which was most of the Python of a list request, and an absent filter filters
            # nothing (every filter, `check` and view reads absent values with `.get`).
            self.base_filters = {
                name: f for name, f in type(self).base_filters.items() if name in data
            }
        super().__init__(data, *args, **kwargs)

    def filter_updated_since(self, queryset, value):
        return queryset.filter(last_public_change__gte=value)

    @classmethod
    def parameter_names(cls) -> set[str]:
        return set(cls.base_filters)

    @classmethod
    def multi_valued_parameter_names(cls) -> set[str]:
        return {
            name
            for name, f in cls.base_filters.items()
            if isinstance(f, django_filters.MultipleChoiceFilter)
        }

    def check(self, data: dict) -> dict[str, list[str]]:
        """Override to add errors that involve several parameters."""
        return {}

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if valid:
            for name, messages in self.check(self.form.cleaned_data).items():
                for message in messages:
                    self.form.add_error(name, message)
        return self.form.is_valid()

    def validated_data(self) -> dict:
        if not self.is_valid():
            raise translate_validation(self.errors)
        return self.form.cleaned_data


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend; the viewset has already rejected unknown parameters."""


class AsOfField(forms.DateField):
    input_formats = ["%Y-%m-%d"]

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not value.strip().isascii():
            raise DjangoValidationError("Enter a date as YYYY-MM-DD in ASCII digits.")
        return super().to_python(value)


class AsOfFilter(django_filters.DateFilter):
    """`as_of=YYYY-MM-DD`: answer as of that day. Other filters of the set read it (the filter
    itself does nothing); see docs/SEARCH_AND_TIME.md for what holds as of a date."""

    field_class = AsOfField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("method", lambda queryset, name, value: queryset)
        super().__init__(*args, **kwargs)
        schema = {"type": "string", "format": "date"}
        if kwargs.get("help_text"):
            schema["description"] = str(kwargs["help_text"])
        extend_schema_field(schema)(self)
