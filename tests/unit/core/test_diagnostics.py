"""The diagnostics record: URLs keep host and path only, texts are redacted, the
record survives a JSON round trip and stays bounded."""

from __future__ import annotations

import json

from console_app.core.diagnostics import MAX_ENTRIES, Diagnostics, redact_url
from console_app.core.redaction import register_secret
from tests.fixtures.common import CANARY_TOKEN


def test_urls_keep_host_and_path_and_never_the_query():
    url = f"http://127.0.0.1:8123/game/play?token={CANARY_TOKEN}&lang=en#top"
    assert redact_url(url) == "http://127.0.0.1:8123/game/play"
    assert redact_url("not a url?token=abc") == "not a url"


def test_a_record_round_trips_through_json_without_the_token():
    register_secret(CANARY_TOKEN)
    d = Diagnostics(url=redact_url(f"https://g.example/play?token={CANARY_TOKEN}"), webgl=False, device="Phone")
    d.timings = {"first_byte": 12.5, "load": 80.0}
    d.add_console("error", f"boom with {CANARY_TOKEN}", f"https://g.example/game.js?token={CANARY_TOKEN}", 42)
    d.add_console("loud", "unknown level", "", 0)
    assert d.add_failed_load("https://g.example/missing.png?x=1", "img", status=404) is not None
    assert d.add_failed_load("https://g.example/missing.png?x=2", "img", status=404) is None  # once per URL
    d.add_event("popup blocked", "5 tabs open already")
    assert d.has_problems and d.summary() == "1 console error, 1 failed load, no WebGL"
    text = json.dumps(d.to_dict())
    assert CANARY_TOKEN not in text and CANARY_TOKEN not in d.markdown()
    again = Diagnostics.from_dict(json.loads(text))
    assert again == d
    assert [m.level for m in again.console] == ["error", "info"]
    assert again.console[0].source == "https://g.example/game.js" and again.console[0].line == 42
    assert again.failed_loads[0].reason() == "HTTP 404"
    assert "- img: https://g.example/missing.png — HTTP 404" in again.markdown()


def test_a_quiet_page_has_no_problems_and_a_chatty_one_stays_bounded():
    d = Diagnostics()
    assert not d.has_problems and d.summary() == "no problems seen"
    for i in range(MAX_ENTRIES + 10):
        d.add_console("info", f"tick {i}", "", i)
    assert len(d.console) == MAX_ENTRIES and d.console[-1].message == f"tick {MAX_ENTRIES + 9}"
    assert not d.has_problems
