"""CSV for every list endpoint (`?format=csv`): the same rows and filters as the JSON, one row per
record, nested values flattened into dotted columns (`region.slug`) and lists joined with "; "."""

import io

from rest_framework.renderers import BaseRenderer

from core.tabular import UTF8_BOM, csv_writer

from .filters import BOM_PARAMETER

# What names an item of a nested list, in order of preference (e.g. evidence → citation + label).
ITEM_KEYS = (
    ("law_citation", "provision_label"),
    ("code",),
    ("iso2",),
    ("slug",),
    ("label",),
    ("name",),
    ("title",),
    ("text",),
)


def _source_text(source: dict) -> str:
    """A source (`{url, grade, publisher, read_on}`) as "<url> (<grade>, read <date>)"."""
    details = [source.get("grade")] + (
        [f"read {source['read_on']}"] if source.get("read_on") else []
    )
    details = [d for d in details if d]
    return f"{source.get('url')} ({', '.join(details)})" if details else str(source.get("url"))


def _item_text(item) -> str:
    """An item of a nested list in one cell: its name, and where it was read (issue 11.1: the
    evidence's and a finding's sources keep their URL, grade and date read in the CSV)."""
    if not isinstance(item, dict):
        return "" if item is None else str(item)
    if "url" in item and "grade" in item:
        return _source_text(item)
    source = item.get("source")
    read_at = f" [{_source_text(source)}]" if isinstance(source, dict) else ""
    for keys in ITEM_KEYS:
        if all(key in item for key in keys):
            name = ", ".join(str(item[key]) for key in keys if item[key] not in (None, ""))
            return name + read_at
    return "; ".join(f"{key}={value}" for key, value in item.items() if not isinstance(value, list))


def flatten(row: dict, prefix: str = "") -> dict:
    """Dotted columns; texts stay texts and numbers numbers (the CSV writer makes both safe)."""
    flat: dict = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = "; ".join(_item_text(item) for item in value)
        elif value is None:
            flat[name] = ""
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        elif isinstance(value, int | float):
            flat[name] = value
        else:
            flat[name] = _without_format(str(value))
    return flat


def _without_format(text: str) -> str:
    """Links in a CSV point at the resources themselves, not at their CSV rendering."""
    if "format=csv" not in text:
        return text
    return text.replace("?format=csv&", "?").replace("?format=csv", "").replace("&format=csv", "")


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            # An error body ({"detail": ..., "errors": ...}) stays readable as one row.
            rows = [data] if isinstance(data, dict) else []
        flat_rows = [flatten(row) for row in rows]
        columns: list[str] = []
        for row in flat_rows:
            columns.extend(column for column in row if column not in columns)
        buffer = io.StringIO()
        request = (renderer_context or {}).get("request")
        if request is not None and request.query_params.get(BOM_PARAMETER) in ("1", "true"):
            buffer.write(UTF8_BOM)  # asked for: `?format=csv&bom=1` (Excel then reads UTF-8)
        writer = csv_writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([row.get(column, "") for column in columns] for row in flat_rows)
        return buffer.getvalue().encode("utf-8")
