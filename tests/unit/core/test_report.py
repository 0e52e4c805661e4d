"""Redacted reports of a history entry (Markdown and JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console_app import __version__
from console_app.core.history import HistoryStore, recorder
from console_app.core.report import report_json, report_markdown
from tests.fixtures.common import CANARY_TOKEN
from tests.unit.core.test_history import REQUEST, make_attempt, make_target

G01_BODY = '{"errors": {"code": "G.01", "message": "System error"}}'


@pytest.fixture
def launch(tmp_path: Path):
    """A launch of two attempts: G.01, then success; returns (store, first, second)."""
    store = HistoryStore.open(tmp_path)
    record = recorder(store, make_target(), REQUEST)
    first = make_attempt(1, uuid="uuid-one", outcome="api_error", status=500, code="G.01", response=G01_BODY)
    first.error_message = f"the API answered HTTP 500 G.01 (token {CANARY_TOKEN})"
    record(first)
    record(make_attempt(2, uuid="uuid-two"))
    one, two = sorted(store.search(), key=lambda e: e.id)
    yield store, one, two
    store.close()


def test_json_report_has_every_section(launch) -> None:
    store, failed, _ = launch
    data = report_json(failed, attempts=store.attempts_of(failed.launch_id), screenshot_path="shots/tab.png")
    assert data["app"]["version"] == __version__
    assert data["system"]["os"]
    assert data["environment"] == {"profile": "Staging EU", "profile_kind": "staging",
                                   "api_url": "http://127.0.0.1:9", "partner_id": "P-100",
                                   "endpoint": "session"}
    assert data["request"]["url"] == "http://127.0.0.1:9/api/session?MEMB_ID=P-100&HASH=•••"
    assert data["request"]["body"] == REQUEST.body("uuid-one")
    assert data["response"] == {"http_status": 500, "body": json.loads(G01_BODY)}
    assert data["error"]["code"] == "G.01"
    assert data["error"]["meaning"] == "System error on LuckyMonaco's side."  # from the dictionary
    assert "G.01" in data["error"]["headline"]
    assert [a["uuid"] for a in data["launch"]["attempts"]] == ["uuid-one", "uuid-two"]
    assert data["timings"]["duration_ms"] == 41.5
    assert data["screenshot"] == "shots/tab.png"
    json.dumps(data)  # JSON-ready


def test_markdown_report_reads_well(launch) -> None:
    store, failed, succeeded = launch
    text = report_markdown(failed, attempts=store.attempts_of(failed.launch_id), screenshot_path="tab.png")
    for expected in ("## Environment", "| Profile | Staging EU (staging) |", "## Error",
                     "Meaning: System error on LuckyMonaco's side.", "```json", '"code": "G.01"',
                     "| 2 |", "`uuid-two`", "![Screenshot of the game tab](tab.png)", "HASH=•••"):
        assert expected in text, expected
    ok = report_markdown(succeeded)
    assert "## Error" not in ok and "Game URL: <https://g.example/?token=•••>" in ok
    assert "POST <http://127.0.0.1:9/api/session?MEMB_ID=P-100&HASH=•••> with uuid `uuid-two`" in ok


def test_reports_never_hold_a_secret(launch) -> None:
    store, failed, succeeded = launch
    for entry in (failed, succeeded):
        attempts = store.attempts_of(entry.launch_id)
        assert CANARY_TOKEN not in report_markdown(entry, attempts=attempts)
        assert CANARY_TOKEN not in json.dumps(report_json(entry, attempts=attempts))
        assert "PLAYERTOKEN123" not in report_markdown(entry)


def test_a_non_json_answer_is_shown_as_text(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        attempt = make_attempt(outcome="bad_answer", status=502, response="<html>```Bad gateway</html>")
        attempt.error_message = "the API answered an HTML page"
        entry = store.get(store.record_attempt(attempt, target=make_target()))
    data = report_json(entry)
    assert data["response"]["body"] == "<html>```Bad gateway</html>"
    assert data["error"] == {"code": None, "message": "the API answered an HTML page"}
    text = report_markdown(entry)
    assert "```text\n<html>ˋˋˋBad gateway</html>\n```" in text  # a fence inside cannot break out
