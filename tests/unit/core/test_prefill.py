"""Paste to prefill: request JSON and cURL commands fill the form; the rest is reported."""

from __future__ import annotations

import json

import pytest

from console_app.core.prefill import parse_pasted
from console_app.core.redaction import redact
from tests.unit.core.test_history import REQUEST

BODY = REQUEST.body("0d9e8c1a-1b2c-4d3e-8f40-123456789abc")


def test_a_spec_body() -> None:
    pasted = parse_pasted(json.dumps(BODY, indent=2))
    assert pasted.request == REQUEST
    assert pasted.uuid == BODY["uuid"]
    assert (pasted.unknown_fields, pasted.problems) == ([], [])


def test_a_wrapped_body_with_its_url() -> None:
    logged = {"url": "https://api.partner.test/api/session?MEMB_ID=brand-7&HASH=abcdefSECRET",
              "body": BODY, "at": "2024-05-01"}
    pasted = parse_pasted(json.dumps(logged))
    assert pasted.request == REQUEST
    assert (pasted.api_url, pasted.partner_id) == ("https://api.partner.test", "brand-7")
    assert "abcdefSECRET" not in repr(pasted)
    assert redact("log line abcdefSECRET") == "log line •••"  # the pasted token is masked from now on
    assert pasted.notes == ["the token in HASH was ignored: the profile's token is used instead"]


def test_unknown_fields_are_reported_by_path() -> None:
    body = json.loads(json.dumps(BODY))
    body["player"]["vip"] = True
    body["player"]["session"]["device"] = "ios"
    body["brand"] = "x"
    pasted = parse_pasted(json.dumps(body))
    assert pasted.request == REQUEST
    assert sorted(pasted.unknown_fields) == ["brand", "player.session.device", "player.vip"]


def test_non_text_values_are_converted_and_reported() -> None:
    body = json.loads(json.dumps(BODY))
    body["player"]["id"] = 42
    body["player"]["session"] = "oops"
    pasted = parse_pasted(json.dumps(body))
    assert pasted.request is not None and pasted.request.player_id == "42"
    assert "player.id was 42, not text: it was converted" in pasted.problems
    assert "player.session should be an object ({...})" in pasted.problems


@pytest.mark.parametrize("text, problem", [
    ("", "nothing was pasted"),
    ("{not json", "the request body is not JSON"),
    ('{"gameid": ' + "1" * 5000 + "}", "not JSON (a number is too long)"),
    ("[" * 100_000, "not JSON (nested too deeply)"),
    ("[1, 2]", "not an object"),
    ('{"hello": "world"}', "none of the ENTER fields"),
    ("curl 'https://a.test/api/session'", "sends no body"),
    ("curl -d @body.json https://a.test/api/session", "read from a file"),
    ("curl 'https://a.test", "could not be read"),
    ("curl -d '{}'", "has no URL"),
])
def test_bad_pastes_say_what_is_wrong(text: str, problem: str) -> None:
    pasted = parse_pasted(text)
    assert pasted.request is None
    assert any(problem in p for p in pasted.problems), pasted.problems


def test_a_multiline_curl_from_a_partner() -> None:
    text = (
        "curl -sS -XPOST --compressed -m 10 \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        "  -H 'Accept: */*' \\\n"
        f"  --data-binary '{json.dumps(BODY)}' \\\n"
        "  'https://stage.api.test/api/session?MEMB_ID=sub-3&HASH=LIVEtoken999'\n"
    )
    pasted = parse_pasted(text)
    assert pasted.request == REQUEST
    assert (pasted.api_url, pasted.partner_id, pasted.endpoint) == ("https://stage.api.test", "sub-3", "session")
    assert "LIVEtoken999" not in repr(pasted)
    assert pasted.problems == []


@pytest.mark.parametrize("data_option", ["-d", "--data", "--data-raw", "--data-binary"])
def test_every_data_option_and_attached_forms(data_option: str) -> None:
    compact = json.dumps(BODY, separators=(",", ":"))
    for words in ([data_option, compact], [f"{data_option}={compact}"] if data_option.startswith("--") else [f"-d{compact}"]):
        text = "curl " + " ".join(f"'{w}'" for w in words) + " --url https://x.test/api/session?MEMB_ID=m"
        pasted = parse_pasted(text)
        assert pasted.request == REQUEST, (words, pasted.problems)
        assert pasted.partner_id == "m"
