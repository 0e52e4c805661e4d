"""Pure answer parsing: error bodies, HTML sniffing."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from console_app.core.answers import looks_like_html, parse_error_body

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


def test_html_sniffing():
    assert looks_like_html("", "text/html; charset=utf-8")
    assert looks_like_html("  <!DOCTYPE html><p>x", "")
    assert looks_like_html("<HTML><body>", "application/octet-stream")
    assert not looks_like_html('{"note": "<html><body>"}', "application/json")
    assert not looks_like_html("plain text", "text/plain")
