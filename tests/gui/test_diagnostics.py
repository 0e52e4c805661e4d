"""Game diagnostics against the sandbox's real demo game in QtWebEngine: the
``page_errors`` fault's console error and missing image reach the tab's record, its
amber badge, the Diagnostics panel, the history entry and the exported report, with
the player's token nowhere."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt, QUrlQuery

from console_app.core.diagnostics import Diagnostics
from console_app.sandbox.faults import Fault
from tests.fixtures.common import CANARY_TOKEN
from tests.fixtures.qt import sandbox_target
from tests.gui.test_game_view import launch_game

MISSING = "/game/static/missing-symbol-atlas.png"


@pytest.fixture
def window(window_factory, sandbox):
    sandbox.token = CANARY_TOKEN
    return window_factory(target=sandbox_target(sandbox, token=CANARY_TOKEN), demo=True)


def broken(record) -> bool:
    return (any(m.level == "error" and "page_errors fault" in m.message for m in record.console)
            and any(f.url.endswith(MISSING) for f in record.failed_loads))


def test_a_quiet_game_has_no_badge_and_a_broken_one_shows_its_errors(qtbot, window, sandbox):
    quiet = launch_game(qtbot, window)
    diagnostics = quiet.page.diagnostics
    qtbot.waitUntil(lambda: diagnostics.record.timings.get("load", 0) > 0, timeout=10_000)
    record = diagnostics.record
    assert not record.has_problems and record.console == [] and record.failed_loads == []
    assert record.url.startswith("http://127.0.0.1:") and "?" not in record.url
    assert record.webgl is not None and record.user_agent and "×" in record.viewport
    tabs = window.game_area.tabs
    assert tabs.tabIcon(tabs.indexOf(quiet)).isNull()

    sandbox.inject(Fault("page_errors", endpoint="game"))
    tab = launch_game(qtbot, window)
    qtbot.waitUntil(lambda: broken(tab.page.diagnostics.record), timeout=10_000)
    record = tab.page.diagnostics.record
    (missing,) = [f for f in record.failed_loads if f.url.endswith(MISSING)]
    assert (missing.kind, missing.status) == ("img", 404)
    (error,) = [m for m in record.console if m.level == "error"]
    assert error.source.endswith(".js") and error.line > 0
    assert not tabs.tabIcon(tabs.indexOf(tab)).isNull()
    assert CANARY_TOKEN not in repr(record.to_dict())


def test_the_panel_shows_the_broken_game_live_and_saves_it_without_the_token(qtbot, window, sandbox, tmp_path):
    feature = window.features.diagnostics
    sandbox.inject(Fault("page_errors", endpoint="game"))
    tab = launch_game(qtbot, window)
    feature.diagnostics_action.trigger()
    assert window.current_panel() is feature.panel
    qtbot.waitUntil(lambda: "page_errors fault" in feature.panel.details.toPlainText()
                    and MISSING in feature.panel.details.toPlainText(), timeout=10_000)
    details = feature.panel.details.toPlainText()
    assert f"- img: {sandbox.url}{MISSING} — HTTP 404" in details
    assert "[error] demo game: page_errors fault" in details
    assert feature.panel.summary.text().startswith("⚠ 1 console error, 1 failed load")
    assert CANARY_TOKEN not in details
    out = tmp_path / "out"
    out.mkdir()
    saved = feature.save(out / "d.json")
    text = saved.read_text(encoding="utf-8")
    assert MISSING in text and "page_errors fault" in text and CANARY_TOKEN not in text
    assert feature.current_tab() is tab

    # Kept with the launch's History entry, and in its exported reports.
    history = window.features.history
    launch_id = feature.panel.games.currentData()

    def kept() -> bool:
        data = history.store.diagnostics_of(launch_id)
        return data is not None and broken(Diagnostics.from_dict(data))

    qtbot.waitUntil(kept, timeout=10_000)  # written by the save timer, not on every change
    (entry,) = history.store.attempts_of(launch_id)
    markdown = history.export_entry(entry.id, out / "report.md").read_text(encoding="utf-8")
    assert "## Game diagnostics" in markdown and f"- img: {sandbox.url}{MISSING} — HTTP 404" in markdown
    assert "[error] demo game: page_errors fault" in markdown
    report = json.loads(history.export_entry(entry.id, out / "report.json").read_text(encoding="utf-8"))
    assert broken(Diagnostics.from_dict(report["diagnostics"]))
    player_token = QUrlQuery(tab.page.url()).queryItemValue("token")
    assert len(player_token) >= 8
    for path in [*out.iterdir(), history.store.path]:
        data = path.read_bytes()
        assert CANARY_TOKEN.encode() not in data and player_token.encode() not in data, path
    # Still kept once the tab has closed (and its page is gone).
    window.game_area.tabs.close_tab(window.game_area.tabs.indexOf(tab))
    qtbot.waitUntil(lambda: feature.current_tab() is None, timeout=10_000)
    assert kept()


def test_f12_opens_devtools_in_the_games_own_profile_never_shared_between_launches(qtbot, window):
    feature = window.features.diagnostics
    assert feature.inspect() is None  # no game yet: says so
    assert "no game" in window.status_label.text()
    first = launch_game(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F12)
    first_tools = first.devtools
    assert first_tools is not None and first_tools.isVisible()
    assert feature.inspect() is first_tools  # once per game
    assert first.page.devToolsPage() is first_tools.page()
    assert first_tools.page().profile() is first.page.profile()
    second = launch_game(qtbot, window)
    second_tools = feature.inspect()
    assert second_tools is not first_tools and second_tools.page() is not first_tools.page()
    assert second_tools.page().profile() is second.page.profile() is not first.page.profile()
    with qtbot.waitSignal(second_tools.destroyed, timeout=10_000):
        window.game_area.tabs.close_tab(window.game_area.tabs.indexOf(second))
