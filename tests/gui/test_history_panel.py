"""The history panel: search, filters, detail view, and the intents its buttons emit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from console_app.core.history import HistoryStore, recorder
from console_app.ui.history.panel import HistoryPanel
from tests.fixtures.common import CANARY_TOKEN
from tests.unit.core.test_history import REQUEST, make_attempt, make_target


@pytest.fixture
def store(tmp_path: Path):
    with HistoryStore.open(tmp_path) as opened:
        target = make_target()
        recorder(opened, target, REQUEST)(make_attempt(uuid="ok-1"))
        retry = recorder(opened, target, REQUEST.with_changes(player_id="vip-7", gameid="lm_1_pumpkinfarm"))
        retry(make_attempt(1, uuid="g01-1", outcome="api_error", status=500, code="G.01",
                           request=REQUEST.with_changes(player_id="vip-7", gameid="lm_1_pumpkinfarm"),
                           response='{"errors": {"code": "G.01", "message": "System error"}}'))
        retry(make_attempt(2, uuid="g01-2", request=REQUEST.with_changes(player_id="vip-7", gameid="lm_1_pumpkinfarm")))
        snap = make_attempt(uuid="")
        snap.exchange.request_body = '{"transaction_id": "TX-5"}'
        recorder(opened, target, None, endpoint="snapshot")(snap)
        yield opened


@pytest.fixture
def panel(qtbot, store):
    widget = HistoryPanel(store)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    return widget


def uuids(panel: HistoryPanel) -> list[str]:
    return [panel.model.entry_at(row).uuid for row in range(panel.model.rowCount())]


def select_uuid(panel: HistoryPanel, uuid: str) -> int:
    row = uuids(panel).index(uuid)
    panel.table.selectRow(row)
    return panel.model.entry_at(row).id


def test_lists_newest_first_with_its_columns(panel) -> None:
    assert uuids(panel) == ["", "g01-2", "g01-1", "ok-1"]
    model = panel.model
    texts = [model.index(2, c).data() for c in range(model.columnCount())]
    assert texts[1:] == ["● API error", "lm_1_pumpkinfarm", "vip-7", "Staging EU", "500", "G.01", "42"]
    assert model.index(1, 1).data() == "● Success · try 2"
    assert model.index(0, 2).data() == "snapshot"
    assert panel.count_label.text() == "4 shown"
    assert panel.accessibleName() == "History" and panel.table.objectName() == "historyTable"


def test_typing_searches_after_a_pause(qtbot, panel) -> None:
    panel.search.setText("vip-7")
    qtbot.waitUntil(lambda: uuids(panel) == ["g01-2", "g01-1"], timeout=2000)
    panel.search.setText("G.01")
    qtbot.waitUntil(lambda: uuids(panel) == ["g01-1"], timeout=2000)
    panel.search.setText("TX-5")
    qtbot.waitUntil(lambda: uuids(panel) == [""], timeout=2000)
    panel.search.setText("nothing-like-this")
    qtbot.waitUntil(lambda: uuids(panel) == [], timeout=2000)
    assert panel.empty_label.isVisible() and not panel.table.isVisible()
    panel.search.clear()
    qtbot.waitUntil(lambda: len(uuids(panel)) == 4, timeout=2000)


def test_outcome_and_profile_filters(panel, store) -> None:
    panel.outcome_filter.setCurrentIndex(panel.outcome_filter.findData("api_error"))
    assert uuids(panel) == ["g01-1"]
    panel.outcome_filter.setCurrentIndex(0)
    assert [panel.profile_filter.itemText(i) for i in range(panel.profile_filter.count())] == [
        "All profiles", "Staging EU"]
    from console_app.core.models import ApiTarget
    from console_app.core.redaction import Secret

    store.record_attempt(make_attempt(uuid="other"),
                         target=ApiTarget("http://127.0.0.1:9", "P", Secret("other-secret"), "Prod", "production"))
    panel.refresh()
    panel.profile_filter.setCurrentIndex(panel.profile_filter.findData("Prod"))
    assert uuids(panel) == ["other"]


def test_detail_shows_request_and_response_pretty(panel) -> None:
    select_uuid(panel, "g01-1")
    assert json.loads(panel.request_view.toPlainText())["player"]["id"] == "vip-7"
    assert '\n  "errors": {' in panel.response_view.toPlainText()
    assert "#2 · API error · HTTP 500" in panel.summary.text()
    from console_app.ui.theme import monospace_font

    assert panel.request_view.font().family() == monospace_font().family()


def test_buttons_emit_intents_with_the_right_ids(qtbot, panel) -> None:
    assert not panel.replay_button.isEnabled()  # nothing selected yet
    entry_id = select_uuid(panel, "g01-1")
    with qtbot.waitSignal(panel.replay_requested) as replay:
        panel.replay_button.click()
    assert replay.args == [entry_id, False]
    with qtbot.waitSignal(panel.replay_requested) as same:
        panel.replay_same_button.click()
    assert same.args == [entry_id, True]
    with qtbot.waitSignal(panel.edit_requested) as edit:
        panel.edit_button.click()
    assert edit.args[0] == REQUEST.with_changes(player_id="vip-7", gameid="lm_1_pumpkinfarm").body("g01-1")
    with qtbot.waitSignal(panel.export_requested) as export:
        panel.export_button.click()
    assert export.args == [entry_id]


def test_a_snapshot_entry_cannot_be_replayed(panel) -> None:
    select_uuid(panel, "")
    assert not panel.replay_button.isEnabled() and not panel.edit_button.isEnabled()
    assert panel.export_button.isEnabled() and panel.curl_button.isEnabled()


def test_copies_are_redacted_and_the_token_needs_confirmation(qtbot, panel) -> None:
    entry_id = select_uuid(panel, "ok-1")
    clipboard = QGuiApplication.clipboard()
    panel.curl_button.click()
    assert clipboard.text().startswith("curl ") and "LM_TOKEN" in clipboard.text()
    assert CANARY_TOKEN not in clipboard.text()
    panel.copy_response_button.click()
    assert "token=•••" in clipboard.text() and "PLAYERTOKEN123" not in clipboard.text()
    panel.copy_request_button.click()
    assert json.loads(clipboard.text())["uuid"] == "ok-1"

    asked = []
    panel.confirm = lambda title, text: asked.append(title) or False
    with qtbot.assertNotEmitted(panel.copy_with_token_requested):
        panel.curl_token_button.click()
    assert asked == ["Copy with the token?"]
    panel.confirm = lambda title, text: True
    with qtbot.waitSignal(panel.copy_with_token_requested) as confirmed:
        panel.curl_token_button.click()
    assert confirmed.args == [entry_id]


def test_refresh_keeps_the_selection(panel, store) -> None:
    entry_id = select_uuid(panel, "g01-1")
    store.record_attempt(make_attempt(uuid="newer"), target=make_target())
    panel.refresh()
    assert uuids(panel)[0] == "newer"
    assert panel.current_entry().id == entry_id


def test_history_times_always_say_which_day():
    from datetime import UTC, datetime, timedelta

    from console_app.ui.history.panel import _local_time

    now = datetime(2026, 12, 3, 15, 0, tzinfo=UTC).astimezone()
    def iso(moment):
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert _local_time(iso(now - timedelta(minutes=5)), now).startswith("today ")
    assert _local_time(iso(now - timedelta(days=1)), now).startswith("yesterday ")
    assert _local_time(iso(now - timedelta(days=9)), now) == (now - timedelta(days=9)).strftime("%Y-%m-%d %H:%M")
