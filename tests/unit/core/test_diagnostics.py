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


def test_both_first_frame_times_are_kept_and_shown_with_what_they_are_measured_from():
    d = Diagnostics(first_paint_ms=180.4, launch_to_first_frame_ms=512.6)
    again = Diagnostics.from_dict(json.loads(json.dumps(d.to_dict())))
    assert (again.first_paint_ms, again.launch_to_first_frame_ms) == (180.4, 512.6)
    lines = again.markdown().splitlines()
    assert "- Launch → first frame: 513 ms (from the Launch click)" in lines
    assert "- First paint: 180 ms (from the page's navigation start)" in lines
    # A record written before Launch → first frame existed still reads.
    old = d.to_dict()
    del old["launch_to_first_frame_ms"]
    assert Diagnostics.from_dict(old).launch_to_first_frame_ms is None
    assert not any(line.startswith("- Launch →") for line in Diagnostics.from_dict(old).markdown().splitlines())


def test_a_quiet_page_has_no_problems_and_a_chatty_one_stays_bounded():
    d = Diagnostics()
    assert not d.has_problems and d.summary() == "no problems seen"
    for i in range(MAX_ENTRIES + 10):
        d.add_console("info", f"tick {i}", "", i)
    assert len(d.console) == MAX_ENTRIES and d.console[-1].message == f"tick {MAX_ENTRIES + 9}"
    assert not d.has_problems


def test_a_launchs_diagnostics_are_kept_with_its_history_entry_and_in_its_reports(tmp_path):
    from console_app.core.history import HistoryStore, recorder
    from console_app.core.report import report_json, report_markdown
    from tests.unit.core.test_history import REQUEST, make_attempt, make_target

    d = Diagnostics(url="http://127.0.0.1:9/game/index.html")
    d.add_console("error", "atlas failed", "http://127.0.0.1:9/game/game.js", 250)
    d.add_failed_load(f"http://127.0.0.1:9/game/static/missing.png?token={CANARY_TOKEN}", "img", status=404)
    store = HistoryStore.open(tmp_path)
    try:
        recorder(store, make_target(), REQUEST, launch_id="launch-1")(make_attempt(1))
        (entry,) = store.search()
        assert store.diagnostics_of("launch-1") is None
        store.save_diagnostics("launch-1", d.to_dict())
        store.save_diagnostics("launch-1", {**d.to_dict(), "device": f"Phone {CANARY_TOKEN}"})  # replaced whole
        kept = store.diagnostics_of("launch-1")
        assert kept is not None and Diagnostics.from_dict(kept).device == "Phone •••"
        data = report_json(entry, diagnostics=kept)
        assert data["diagnostics"]["failed_loads"][0]["url"] == "http://127.0.0.1:9/game/static/missing.png"
        text = report_markdown(entry, diagnostics=kept)
        assert "## Game diagnostics" in text and "[error] atlas failed (http://127.0.0.1:9/game/game.js:250)" in text
        assert report_json(entry)["diagnostics"] is None and "## Game diagnostics" not in report_markdown(entry)
        assert CANARY_TOKEN not in json.dumps(data) + text
        store.max_entries = 0
        store.prune()  # the entry goes, and its diagnostics with it
        assert store.diagnostics_of("launch-1") is None
    finally:
        store.close()
