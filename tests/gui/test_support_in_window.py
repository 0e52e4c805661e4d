"""Support tools in the window, against a real sandbox: paste a request JSON or cURL
command to fill the form; open a round snapshot in a tab, recorded in history."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame

from console_app.ui.support.feature import PREFILL_BANNER
from tests.fixtures.common import files_containing
from tests.fixtures.qt import sandbox_target

TIMEOUT_MS = 30_000
PASTED_TOKEN = "partner-secret-4242"
BODY = {
    "uuid": "11111111-2222-4333-8444-555555555555",
    "gametype": "slot",
    "gameid": "lm_1_pumpkinfarm",
    "player": {
        "id": "ticket-991", "nickname": "Mika", "language": "ja", "currency": "JPY", "vip": True,
        "session": {"id": "sess-77", "ip": "198.51.100.4"},
    },
}


@pytest.fixture
def console(qtbot, window_factory, sandbox):
    window = window_factory(target=sandbox_target(sandbox), demo=True)
    history, support = window.features.history, window.features.support
    qtbot.waitUntil(lambda: history.panel is not None, timeout=5_000)
    return SimpleNamespace(window=window, history=history, support=support)


def banner_text(window) -> str:
    banner = window.findChild(QFrame, f"banner_{PREFILL_BANNER}")
    return banner.findChild(type(window.status_label)).text() if banner.isVisible() else ""


def assert_form_filled(window) -> None:
    form = window.form
    assert (form.player_id.text(), form.nickname.text(), form.session_id.text(), form.ip.text()) == (
        "ticket-991", "Mika", "sess-77", "198.51.100.4")
    request = form.request()
    assert (request.gameid, request.language, request.currency) == ("lm_1_pumpkinfarm", "ja", "JPY")


def test_ctrl_shift_v_fills_the_form_from_a_pasted_json_and_reports_unknown_fields(qtbot, console):
    window = console.window
    QGuiApplication.clipboard().setText(json.dumps(BODY))
    with qtbot.waitSignal(console.support.prefilled, timeout=5_000) as filled:
        qtbot.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert_form_filled(window)
    (line,) = filled.args
    # Seven: the game type was already "slot".
    assert line.startswith("Filled 7 fields (game, player ID, nickname, language, currency, session ID, IP)")
    assert "ignored unknown: player.vip" in line
    assert "uuid is not reused" in line
    assert window.status_label.text() == line and banner_text(window) == line
    # The uuid is never put in the form: a launch sends a new one.
    assert BODY["uuid"] not in json.dumps(window.form.request().__dict__)
    menu_texts = [a.text() for a in window.menuBar().actions()]
    assert menu_texts.index("&Edit") < menu_texts.index("&Game")


def test_a_pasted_curl_fills_the_form_and_its_token_is_never_shown_or_stored(qtbot, console, sandbox, app_paths):
    window = console.window
    command = (f"curl -X POST 'https://api.example.test/api/session?MEMB_ID=other-partner&HASH={PASTED_TOKEN}' "
               f"-H 'Content-Type: application/json' --data-raw '{json.dumps(BODY)}'")
    QGuiApplication.clipboard().setText(command)
    window.findChild(type(console.support.paste_action), "pasteRequestAction").trigger()
    assert_form_filled(window)
    line = window.status_label.text()
    assert "the token in HASH was ignored" in line and "partner other-partner" in line
    assert PASTED_TOKEN not in line and PASTED_TOKEN not in banner_text(window)
    # Launch what was pasted: the pasted token goes nowhere (history, logs, screen).
    with qtbot.waitSignal(window.controller.launch_finished, timeout=TIMEOUT_MS):
        window.launch()
    sent = [r for r in sandbox.requests if r.path == "/api/session"][-1]
    assert sent.query["HASH"] == sandbox.token and sent.json["player"]["id"] == "ticket-991"
    assert sent.json["uuid"] != BODY["uuid"]
    assert not banner_text(window)  # the prefill note goes once a launch starts
    assert files_containing(app_paths.data_dir, PASTED_TOKEN) == []
    assert PASTED_TOKEN not in window.preview.text.toPlainText()


def test_an_empty_clipboard_opens_a_paste_box(qtbot, console):
    window = console.window
    QGuiApplication.clipboard().setText("")
    console.support.paste_action.trigger()
    dialog = console.support.paste_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    dialog.text.setPlainText(json.dumps(BODY))
    dialog.fill_button.click()
    assert_form_filled(window)
    assert not dialog.isVisible() and dialog.text.toPlainText() == ""


def test_pasting_something_unusable_says_why_and_keeps_the_form(qtbot, console):
    window = console.window
    before = window.form.request()
    console.support.apply_pasted("hello there")
    assert window.form.request() == before
    assert window.status_label.text().startswith("Nothing filled: the request body is not JSON")
    assert window.status_label.property("severity") == "error"


def test_round_snapshot_opens_beside_the_game_loads_and_is_recorded(qtbot, console, sandbox):
    window = console.window
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=TIMEOUT_MS):
        window.launch()
    game = window.game_area.current_game()
    window.findChild(type(console.support.snapshot_action), "snapshotAction").trigger()
    dialog = console.support.snapshot_dialog
    assert dialog.isVisible() and not dialog.isModal()
    # The dialog has the keyboard: what is typed goes into it, not into the game.
    assert dialog.transaction_id.hasFocus() or dialog.isActiveWindow() or dialog.transaction_id is dialog.focusWidget()
    dialog.transaction_id.setText("  tx-demo-7 ")
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=TIMEOUT_MS) as loaded:
        dialog.open_button.click()
    tab, ok = loaded.args
    assert ok and tab.title == "Round tx-demo-7"
    # Beside the game, not instead of it: both are on screen.
    tabs = window.game_area.side_tabs
    assert tabs.tabText(tabs.indexOf(tab)) == "Round tx-demo-7"
    assert window.game_area.tabs.indexOf(game) >= 0 and game.isVisibleTo(window) and tab.isVisibleTo(window)
    assert tab.mapTo(window, tab.rect().topLeft()).x() > game.mapTo(window, game.rect().topLeft()).x()
    assert tab.url_field.text().endswith("/snapshot/index.html?token=•••")
    assert "tx-demo-7" in tab.page.title() or tab.page.title()
    (sent,) = [r for r in sandbox.requests if r.path == "/api/snapshot.php"]
    assert sent.json == {"transaction_id": "tx-demo-7"}
    entry = console.history.store.search(limit=1)[0]
    assert (entry.endpoint, entry.outcome, entry.http_status) == ("snapshot", "success", 200)
    assert console.history.panel.model.rowCount() == 2  # the launch and the snapshot
    assert window.status_label.text() == "Opened Round tx-demo-7"
    assert console.history.tab_of(entry) is tab
    tabs.close_tab(tabs.indexOf(tab))
    assert not tabs.isVisibleTo(window) and game.isVisibleTo(window)


def test_a_failed_snapshot_is_explained_in_the_dialog_and_recorded(qtbot, console, sandbox):
    window = console.window
    dialog = console.support.show_snapshot_dialog()
    dialog.transaction_id.setText("no-such-round")
    with qtbot.waitSignal(console.support.snapshot_failed, timeout=TIMEOUT_MS) as failed:
        dialog.open_button.click()
    (line,) = failed.args
    assert "V.7" in line and dialog.message.text() == line and dialog.message.isVisible()
    assert dialog.open_button.isEnabled()
    assert window.game_area.tabs is None or window.game_area.tabs.count() == 0
    entry = console.history.store.search(limit=1)[0]
    assert (entry.endpoint, entry.error_code) == ("snapshot", "V.7")

    dialog.transaction_id.setText(" ")
    with qtbot.waitSignal(console.support.snapshot_failed, timeout=5_000):
        dialog.open_button.click()
    assert dialog.message.text().startswith("Enter the transaction ID")
    assert len([r for r in sandbox.requests if r.path == "/api/snapshot.php"]) == 1
