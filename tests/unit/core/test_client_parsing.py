"""Pure parsing helpers of the client: error bodies, Retry-After, HTML sniffing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from hypothesis import given
from hypothesis import strategies as st

from console_app.core.client import looks_like_html, parse_error_body, parse_retry_after

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
error_keys = st.sampled_from(["errors", "error", "code", "message", "url"])


@given(st.text())
def test_parse_error_body_never_raises_on_text(text):
    assert isinstance(parse_error_body(text), list)


@given(st.binary())
def test_parse_error_body_never_raises_on_bytes(data):
    assert isinstance(parse_error_body(data), list)


@given(st.dictionaries(error_keys, json_values, max_size=4))
def test_parse_error_body_never_raises_on_error_like_json(data):
    pairs = parse_error_body(json.dumps(data))
    assert all(isinstance(p, tuple) and len(p) == 2 for p in pairs)
    assert all(c is None or isinstance(c, str) for c, _ in pairs)


@given(st.text(min_size=1), st.text())
def test_every_shape_yields_the_code_and_message(code, message):
    item = {"code": code, "message": message}
    assert parse_error_body(json.dumps({"errors": item})) == [(code, message)]
    assert parse_error_body(json.dumps({"error": item})) == [(code, message)]
    assert parse_error_body(json.dumps({"errors": [item, {"code": "X", "message": "y"}]})) == [
        (code, message),
        ("X", "y"),
    ]


def test_parse_error_body_edge_cases():
    assert parse_error_body("[" * 100_000) == []
    assert parse_error_body("") == [] and parse_error_body(None) == []
    assert parse_error_body('{"url": "x"}') == []
    assert parse_error_body('{"error": "Unauthorized"}') == [(None, "Unauthorized")]
    assert parse_error_body('{"errors": {"code": 7}}') == [("7", None)]
    assert parse_error_body('{"errors": [1, "x", {"code": "V.1"}]}') == [(None, "x"), ("V.1", None)]
    assert parse_error_body('{"code": "G.0", "message": "m"}') == [("G.0", "m")]


def test_retry_after():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    now = datetime(2030, 1, 1, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now=now.timestamp()) == 90.0
    earlier = format_datetime(now - timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(earlier, now=now.timestamp()) == 0.0


@given(st.text())
def test_retry_after_never_raises(text):
    value = parse_retry_after(text)
    assert value is None or value >= 0


def test_html_sniffing():
    assert looks_like_html("", "text/html; charset=utf-8")
    assert looks_like_html("  <!DOCTYPE html><p>x", "")
    assert looks_like_html("<HTML><body>", "application/octet-stream")
    assert not looks_like_html('{"note": "<html><body>"}', "application/json")
    assert not looks_like_html("plain text", "text/plain")
