"""The API's JSON renderer (core/api/json.py, orjson) writes what DRF's JSONRenderer
writes: the same bytes for everything the API returns, and DRF's own output when a client asks
for indentation."""

import datetime
import decimal
import uuid

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from core.api.json import JSONRenderer

DATA = {
    "text": 'Ture Whakarōpū « ünïcode » "quoted" back\\slash\n\ttab \x00\x1f',
    "separators": "line\u2028paragraph\u2029end",
    "emoji": "\U0001f600",
    "markup": "<mark>quillwort</mark> & </script>",
    "numbers": [0, -1, 2**63 - 1, 1.5, 0.060793, 10.0, -0.0],
    "flags": [True, False, None],
    "nested": {"a": {"b": [{"c": []}, {}]}},
    "lazy": gettext_lazy("Invalid request."),
    "decimal": decimal.Decimal("7.50"),
    "date": datetime.date(2009, 6, 20),
    "aware": datetime.datetime(2026, 11, 29, 3, 14, 47, 123456, tzinfo=datetime.UTC),
    "naive": datetime.datetime(2026, 11, 29, 3, 14, 47),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "return": ReturnDict({"results": ReturnList([{"x": 1}], serializer=None)}, serializer=None),
    7: "an integer key",
}


def test_the_same_bytes_as_drfs_renderer():
    assert JSONRenderer().render(DATA) == DRFRenderer().render(DATA)
    assert JSONRenderer().render(None) == b""


def test_line_and_paragraph_separators_stay_escaped():
    out = JSONRenderer().render({"t": "a\u2028b\u2029c"})
    assert out == b'{"t":"a\\u2028b\\u2029c"}'


def test_indentation_asked_for_is_drfs():
    media_type = "application/json; indent=2"
    assert JSONRenderer().render(DATA, media_type) == DRFRenderer().render(DATA, media_type)
    assert b'\n  "text"' in JSONRenderer().render(DATA, media_type)


def test_the_api_uses_it(api, db):
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_RENDERER_CLASSES == [JSONRenderer]
    response = api.get("/api/v1/", HTTP_ACCEPT="application/json; indent=4")
    assert response.status_code == 200 and response.content.startswith(b'{\n    "')
