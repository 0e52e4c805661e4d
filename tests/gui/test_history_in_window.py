"""History in the window, against a real sandbox: every attempt of every launch in
the panel, replay (new uuid / same uuid -> V.6), edit as new, copies, export."""

from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog

from console_app.core.history import FILE_NAME
from console_app.core.models import Attempt, Exchange, new_uuid
from console_app.sandbox.faults import Fault
from tests.fixtures.common import files_containing
from tests.fixtures.qt import sandbox_target

TIMEOUT_MS = 30_000


@pytest.fixture
def console(qtbot, window_factory, sandbox):
    window = window_factory(target=sandbox_target(sandbox), demo=True)
    history, support = window.features.history, window.features.support
    qtbot.waitUntil(lambda: history.panel is not None, timeout=5_000)
    return SimpleNamespace(window=window, history=history, support=support, panel=history.panel)


def session_uuids(server) -> list[str]:
    return [r.json["uuid"] for r in server.requests if r.path == "/api/session"]


def launch(qtbot, window, signal, **kwargs):
    with qtbot.waitSignal(signal, timeout=TIMEOUT_MS) as blocker:
        assert window.launch(**kwargs) is not None
    return blocker.args


def select_newest(console, **match):
    """Select the newest listed entry whose fields match ``match``."""
    console.panel.refresh()
    entry = next(e for e in console.history.store.search(limit=50)
                 if all(getattr(e, k) == v for k, v in match.items()))
    assert console.panel.select_entry(entry.id)
    return entry


def test_every_attempt_of_every_launch_is_listed_with_its_outcome(qtbot, console, sandbox, app_paths):
    window, store = console.window, console.history.store
    launch(qtbot, window, window.controller.launch_finished)
    sandbox.inject(Fault("g01", count=1, retry_after=0))
    launch(qtbot, window, window.controller.launch_finished)
    window.add_target(sandbox_target(sandbox, token="wrong-token-5150", name="Wrong token"), select=True)
    launch(qtbot, window, window.controller.launch_failed)
    window.environment.setCurrentIndex(0)
    sandbox.inject(Fault("hang"))
    task = window.launch()
    qtbot.waitUntil(lambda: len(session_uuids(sandbox)) == 5, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(window.controller.launch_cancelled, timeout=TIMEOUT_MS):
        window.cancel()
    qtbot.waitUntil(task.done, timeout=TIMEOUT_MS)

    entries = list(reversed(store.search(limit=50)))
    assert [(e.outcome, e.error_code, e.attempt) for e in entries] == [
        ("success", None, 1),
        ("api_error", "G.01", 1), ("success", None, 2),
        ("api_error", "G.0", 1),
        ("cancelled", None, 1),
    ]
    assert [e.uuid for e in entries] == session_uuids(sandbox)
    assert entries[1].launch_id == entries[2].launch_id != entries[0].launch_id
    assert entries[3].profile == "Wrong token"
    # The panel refreshed as the attempts landed (on the loop turn after each).
    qtbot.waitUntil(lambda: console.panel.model.rowCount() == 5, timeout=5_000)
    assert console.panel.count_label.text() == "5 shown"
    # Neither token reached the data dir (database, WAL) nor any file.
    assert store.path == app_paths.data_dir / FILE_NAME
    for secret in (sandbox.token, "wrong-token-5150"):
        assert files_containing(store.path.parent, secret) == []


def test_attempts_written_in_one_loop_turn_refresh_the_panel_once_after_it(qtbot, console, monkeypatch):
    refreshes = []
    real_refresh = console.panel.refresh
    monkeypatch.setattr(console.panel, "refresh", lambda: (refreshes.append(1), real_refresh()))
    target = console.window.environment.current_target()
    on_attempt, _launch_id = console.history.recorder_for(target, console.window.form.request())
    attempt = Attempt(number=1, uuid=new_uuid(), started_at=0.0,
                      exchange=Exchange(method="POST", url="http://127.0.0.1:9/api/session", request_headers={},
                                       request_body="{}"),
                      outcome="transport_error", duration_ms=3.0)
    with qtbot.waitSignal(console.history.attempt_stored, timeout=5_000):
        for number in (1, 2, 3):
            on_attempt(replace(attempt, number=number, uuid=new_uuid()))
        # Written at once, listed on the next loop turn (after the launch's own slots).
        assert len(console.history.store.search(limit=10)) == 3 and refreshes == []
    assert refreshes == [1] and console.panel.model.rowCount() == 3


def test_history_action_and_ctrl_f_show_the_panel_and_focus_search(qtbot, console):
    window = console.window
    assert window.features.history.history_action.isEnabled()
    window.features.history.history_action.trigger()
    assert window.current_panel() is console.panel
    assert window.vertical_splitter.sizes()[1] >= 0.4 * sum(window.vertical_splitter.sizes())
    window.bottom_tabs.setCurrentIndex(0)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_panel() is console.panel
    qtbot.waitUntil(console.panel.search.hasFocus, timeout=5_000)


def test_replay_sends_a_new_uuid_and_is_recorded_as_a_replay(qtbot, console, sandbox):
    window = console.window
    launch(qtbot, window, window.controller.launch_finished)
    original = select_newest(console, outcome="success")
    window.form.player_id.setText("someone-else")  # replay uses the entry, not the form
    with qtbot.waitSignal(window.controller.launch_finished, timeout=TIMEOUT_MS):
        console.panel.replay_button.click()
    first, second = [r.json for r in sandbox.requests if r.path == "/api/session"]
    assert second["uuid"] != first["uuid"]
    assert {**second, "uuid": "-"} == {**first, "uuid": "-"}
    replay = console.history.store.search(limit=1)[0]
    assert (replay.replay_of, replay.uuid, replay.outcome) == (original.id, second["uuid"], "success")


def test_replay_with_the_same_uuid_sends_it_and_shows_v6_nicely(qtbot, console, sandbox):
    window = console.window
    launch(qtbot, window, window.controller.launch_finished)
    original = select_newest(console, outcome="success")
    with qtbot.waitSignal(window.controller.launch_failed, timeout=TIMEOUT_MS) as failed:
        console.panel.replay_same_button.click()
    assert session_uuids(sandbox) == [original.uuid, original.uuid]
    (error,) = failed.args
    assert (error.http_status, error.code) == (409, "V.6")
    status = window.status_label.text()
    assert "Duplicate uuid refused as expected" in status and "V.6" in status and f"#{original.id}" in status
    assert window.status_label.property("severity") == "info"
    # The Answer panel reads it as the expected result too, not as a failure to retry.
    assert window.answer.headline.text().startswith("✔ Duplicate uuid refused as expected")
    assert window.answer.headline.property("severity") == "success" and not window.answer.retry_button.isVisible()
    replay = console.history.store.search(limit=1)[0]
    assert (replay.replay_of, replay.uuid, replay.error_code) == (original.id, original.uuid, "V.6")


def test_edit_as_new_fills_the_form_without_the_uuid(qtbot, console):
    window = console.window
    window.form.nickname.setText("Edited Ed")
    window.form.player_id.setText("qa-77")
    launch(qtbot, window, window.controller.launch_finished)
    entry = select_newest(console, outcome="success")
    window.form.player_id.setText("")
    window.form.nickname.setText("")
    console.panel.edit_button.click()
    assert window.form.request() == entry.launch_request()
    assert window.form.player_id.text() == "qa-77" and window.form.nickname.text() == "Edited Ed"
    assert entry.uuid not in window.form.session_id.text()
    assert "new uuid" in window.status_label.text()


def test_copy_as_curl_holds_no_token_and_copy_with_token_asks_first(qtbot, console, sandbox):
    window = console.window
    launch(qtbot, window, window.controller.launch_finished)
    select_newest(console, outcome="success")
    clipboard = QGuiApplication.clipboard()
    console.panel.curl_button.click()
    command = clipboard.text()
    assert command.startswith("curl ") and 'HASH="${LM_TOKEN:?' in command and sandbox.token not in command

    console.panel.confirm = lambda title, text: False
    console.panel.curl_token_button.click()
    assert clipboard.text() == command  # declined: nothing changed

    console.panel.confirm = lambda title, text: True
    with qtbot.waitSignal(console.history.token_copied, timeout=TIMEOUT_MS):
        console.panel.curl_token_button.click()
    assert f"HASH={sandbox.token}" in clipboard.text() and "LM_TOKEN" not in clipboard.text()
    assert sandbox.token not in window.status_label.text()

    console.panel.copy_request_button.click()
    assert json.loads(clipboard.text())["gameid"] == "lm_8_treasureofzeus"
    console.panel.copy_response_button.click()
    assert "token=•••" in clipboard.text() and "token=" + sandbox.token not in clipboard.text()


def _export_through_dialog(qtbot, console, path, name_filter=None):
    console.panel.export_button.click()
    # The previous dialog may still await its deferred delete: take the one showing.
    (dialog,) = [d for d in console.window.findChildren(QFileDialog, "exportReportDialog") if d.isVisible()]
    if name_filter:
        dialog.selectNameFilter(name_filter)
    dialog.selectFile(str(path))
    with qtbot.waitSignal(console.history.report_exported, timeout=TIMEOUT_MS) as exported:
        dialog.accept()
    return exported.args


def test_export_writes_redacted_reports_with_the_game_tab_screenshot(qtbot, console, sandbox, tmp_path):
    window = console.window
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=TIMEOUT_MS):
        window.launch()
    entry = select_newest(console, outcome="success")
    game_token = window.game_area.current_game().page.url().toString().split("token=", 1)[1]

    report, shot = _export_through_dialog(qtbot, console, tmp_path / "ticket.md")
    assert report == str(tmp_path / "ticket.md") and shot == str(tmp_path / "ticket-screenshot.png")
    text = (tmp_path / "ticket.md").read_text("utf-8")
    assert f"entry {entry.id}" in text and entry.uuid in text
    assert "![Screenshot of the game tab](ticket-screenshot.png)" in text
    image = QImage(shot)
    assert not image.isNull() and image.width() > 200 and image.height() > 200
    # The tab's bar is drawn (a blank grab has a handful of colours at most).
    assert len({image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(0, 40, 2)}) > 10

    report, _shot = _export_through_dialog(qtbot, console, tmp_path / "ticket.json", "JSON report (*.json)")
    data = json.loads((tmp_path / "ticket.json").read_text("utf-8"))
    assert data["request"]["uuid"] == entry.uuid and data["screenshot"] == "ticket-screenshot.png"
    for secret in (sandbox.token, game_token):
        assert files_containing(tmp_path, secret) == []


def test_export_without_an_open_tab_has_no_screenshot(qtbot, console, tmp_path):
    window = console.window
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=TIMEOUT_MS):
        window.launch()
    entry = select_newest(console, outcome="success")
    window.game_area.close_current()
    assert console.history.export_entry(entry.id, tmp_path / "closed.md") == tmp_path / "closed.md"
    assert "Screenshot" not in (tmp_path / "closed.md").read_text("utf-8")
    assert not (tmp_path / "closed-screenshot.png").exists()


def test_window_replay_after_the_profile_moved_host_asks_and_sends_only_to_its_current_host(
    qtbot, window_factory, app_paths, sandbox, spec_server
):
    from PySide6.QtWidgets import QMessageBox

    from console_app.core.credentials import RunCredentials
    from console_app.core.profiles import ProfileStore
    from tests.fixtures.spec_server import SpecServer
    from tests.gui.test_profiles_in_window import add_profile, featured, select

    credentials = RunCredentials()
    add_profile(app_paths, "Stage", spec_server, token=spec_server.token, credentials=credentials)
    window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox), credentials)
    history = window.features.history
    qtbot.waitUntil(lambda: history.panel is not None, timeout=5_000)
    select(window, "Stage")
    launch(qtbot, window, window.controller.launch_finished)
    other = SpecServer().start()
    try:
        # The profile is re-created for another host (with that host's token).
        ProfileStore(app_paths).remove("Stage")
        add_profile(app_paths, "Stage", other, token=other.token, credentials=credentials)
        profiles.reload()
        select(window, "Stage")
        console = SimpleNamespace(window=window, history=history, panel=history.panel)
        select_newest(console, outcome="success")

        history.panel.replay_button.click()
        qtbot.waitUntil(lambda: history.replay_box is not None and history.replay_box.isVisible())
        assert f"{other.url.split('//')[1].rstrip('/')}" in history.replay_box.text()
        history.replay_box.button(QMessageBox.StandardButton.Cancel).click()
        assert "Not replayed" in window.status_label.text()
        assert len(spec_server.requests_to("/api/session")) == 1 and other.requests_to("/api/session") == []

        history.panel.replay_button.click()
        qtbot.waitUntil(lambda: history.replay_box is not None and history.replay_box.isVisible())
        with qtbot.waitSignal(window.controller.launch_finished, timeout=TIMEOUT_MS):
            history.replay_box.findChild(type(history.replay_box.button(QMessageBox.StandardButton.Cancel)),
                                         "replayToCurrentHost").click()
        # The token went only to the host the profile points at now.
        assert len(spec_server.requests_to("/api/session")) == 1 and len(other.requests_to("/api/session")) == 1
    finally:
        other.stop()


def test_a_request_in_flight_is_in_history_as_unanswered_until_its_answer(qtbot, console, sandbox):
    """Should the console be killed while it waits, the request is on record already;
    the answer (here a cancel) takes the same entry's place."""
    window, store = console.window, console.history.store
    sandbox.inject(Fault("hang"))
    task = window.launch()
    qtbot.waitUntil(lambda: len(session_uuids(sandbox)) == 1, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: len(store.search(limit=5)) == 1, timeout=TIMEOUT_MS)
    (kept,) = store.search(limit=5)
    assert kept.outcome == "unanswered" and kept.uuid == session_uuids(sandbox)[0]
    assert "a game session may have been created" in kept.error_message
    with qtbot.waitSignal(window.controller.launch_cancelled, timeout=TIMEOUT_MS):
        window.cancel()
    qtbot.waitUntil(task.done, timeout=TIMEOUT_MS)
    (answered,) = store.search(limit=5)
    assert (answered.id, answered.outcome, answered.uuid) == (kept.id, "cancelled", kept.uuid)
    assert [e.id for e in store.search(kept.uuid)] == [kept.id]  # the search index has it once


def test_the_form_as_launched_is_kept_without_a_close(qtbot, window_factory, sandbox, app_paths):
    # A kill or a crash skips closeEvent: the form values are written at each launch.
    from console_app.ui.window.state import WindowState

    window = window_factory(target=sandbox_target(sandbox), demo=True, remember=True)
    window.form.player_id.setText("kept-after-a-crash")
    launch(qtbot, window, window.controller.launch_finished)
    qtbot.waitUntil(lambda: window.answer.headline.text() == "✔ Game session created", timeout=TIMEOUT_MS)
    kept = WindowState(app_paths.config_dir).form_values()
    assert kept is not None and kept.player_id == "kept-after-a-crash"


def test_a_window_started_after_a_kill_mid_request_says_so_once(qtbot, window_factory, sandbox, app_paths):
    import time

    from PySide6.QtWidgets import QWidget

    from console_app.core.history import HistoryStore, recorder

    sent = Attempt(number=1, uuid=new_uuid(), started_at=time.time(), outcome="unanswered", duration_ms=3.0,
                   exchange=Exchange(method="POST", url=f"{sandbox.url}/api/session", request_headers={},
                                     request_body='{"gameid": "lm_8_treasureofzeus"}'))
    with HistoryStore.open(app_paths.data_dir) as store:  # what a killed run leaves
        record = recorder(store, sandbox_target(sandbox), None)
        record(sent)
    window = window_factory(target=sandbox_target(sandbox), demo=True)
    qtbot.waitUntil(lambda: window.features.history.panel is not None, timeout=5_000)
    notice = window.findChild(QWidget, "notice_unanswered_text")
    assert notice is not None and notice.isVisibleTo(window)
    assert notice.text().startswith("History #1 (uuid ") and "a game session may have been created" in notice.text()


def test_no_such_notice_when_the_last_launch_was_answered(qtbot, console):
    from PySide6.QtWidgets import QWidget

    assert console.window.findChild(QWidget, "notice_unanswered_text") is None
