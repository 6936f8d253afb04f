"""The public API's fast JSON renderer writes exactly what DRF's own renderer writes."""

import datetime as dt
import decimal
import uuid

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict

from sites.api.renderers import FastJSONRenderer


def test_output_is_byte_for_byte_drfs():
    data = ReturnDict(
        {
            "id": "KS4K9M2XQT",
            "updated_at": dt.datetime(2026, 11, 29, 9, 30, 1, 123456, tzinfo=dt.UTC),
            "opened_on": dt.date(2026, 1, 31),
            "latitude": decimal.Decimal("60.38912"),
            "label": gettext_lazy("studie"),
            "summary": "Linje\u2028skille og avsnitt\u2029skille, æøå og «sitat»",
            "counts": {1: 5, 2: None},
            "tuple": (1, 2.5, True),
            "token": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "results": [{"nested": [[], {}, ""]}],
        },
        serializer=None,
    )
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_an_indented_response_is_left_to_drf():
    data = {"a": [1, 2]}
    indented = "application/json; indent=2"
    assert FastJSONRenderer().render(data, indented) == JSONRenderer().render(data, indented)
    assert b"\n" in FastJSONRenderer().render(data, indented)


def test_no_content_is_empty():
    assert FastJSONRenderer().render(None) == b""
