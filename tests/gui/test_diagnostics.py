"""Game diagnostics against the sandbox's real demo game in QtWebEngine: the
``page_errors`` fault's console error and missing image reach the tab's record, its
amber badge, the Diagnostics panel, the history entry and the exported report, with
the player's token nowhere."""

from __future__ import annotations

import json
import time

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


def test_launch_to_first_frame_is_measured_from_the_launch_click_beside_first_paint(qtbot, window):
    feature = window.features.diagnostics
    clicked = time.time()
    tab = launch_game(qtbot, window)
    record = tab.page.diagnostics.record
    qtbot.waitUntil(lambda: record.launch_to_first_frame_ms is not None and record.first_paint_ms is not None,
                    timeout=10_000)
    first_frame, first_paint = record.launch_to_first_frame_ms, record.first_paint_ms
    # The launch's request, answer and tab come before the page's navigation starts.
    assert 0 < first_paint <= first_frame <= (time.time() - clicked) * 1000
    feature.refresh()
    details = feature.panel.details.toPlainText()
    assert f"- Launch → first frame: {first_frame:.0f} ms (from the Launch click)" in details
    assert f"- First paint: {first_paint:.0f} ms (from the page's navigation start)" in details
    # A reload is not the launch's first frame: it keeps the launch's number.
    with qtbot.waitSignal(tab.page.loadFinished, timeout=10_000):
        tab.reload()
    qtbot.waitUntil(lambda: record.first_paint_ms is not None, timeout=10_000)
    assert record.launch_to_first_frame_ms == first_frame
    kept = Diagnostics.from_dict(json.loads(json.dumps(record.to_dict())))
    assert kept.launch_to_first_frame_ms == first_frame


def test_refused_navigations_and_blocked_popups_reach_the_record_and_the_panel(qtbot, window):
    from console_app.webengine.game_view import MAX_TABS_PER_LAUNCH
    from tests.gui.test_game_view import click_popup_button, run_js

    feature = window.features.diagnostics
    feature.diagnostics_action.trigger()
    tab = launch_game(qtbot, window)
    record = tab.page.diagnostics.record
    # The game page itself opens a blob: document (as a game showing a generated
    # receipt would): the page policy refuses it and says why.
    with qtbot.waitSignal(tab.page.navigation_refused, timeout=10_000):
        run_js(qtbot, tab.page, "location.href = URL.createObjectURL("
                                "new Blob(['<h1>receipt</h1>'], {type: 'text/html'})); 1")
    (refused,) = [e for e in record.events if e.kind == "navigation refused"]
    assert refused.detail.startswith(f"blob:{window.environment.current_target().api_url}")
    assert "blob: URLs are not game pages" in refused.detail
    # Popups from real clicks until the launch has its most tabs: the next is blocked.
    for _ in range(MAX_TABS_PER_LAUNCH - 1):
        assert click_popup_button(qtbot, tab) is True
    assert not [e for e in record.events if e.kind == "popup blocked"]
    click_popup_button(qtbot, tab, opened=False)
    qtbot.waitUntil(lambda: any(e.kind == "popup blocked" for e in record.events), timeout=10_000)
    (blocked,) = [e for e in record.events if e.kind == "popup blocked"]
    assert blocked.detail == f"{MAX_TABS_PER_LAUNCH} tabs of this launch open already"
    assert feature.current_tab() is tab  # popups are not launches: the panel stays on the game
    qtbot.waitUntil(lambda: "popup blocked:" in feature.panel.details.toPlainText(), timeout=10_000)
    details = feature.panel.details.toPlainText()
    assert f"- navigation refused: {refused.detail}" in details
    assert f"- popup blocked: {blocked.detail}" in details
    assert CANARY_TOKEN not in details and "token=" not in details


def test_with_diagnostics_off_pages_are_not_read_and_the_panel_says_so(qtbot, window_factory, sandbox):
    from console_app.core import messages

    sandbox.token = CANARY_TOKEN
    window = window_factory(target=sandbox_target(sandbox, token=CANARY_TOKEN), demo=True, diagnostics=False)
    feature = window.features.diagnostics
    sandbox.inject(Fault("page_errors", endpoint="game"))
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=30_000) as loaded:
        assert window.launch() is not None
    tab, ok = loaded.args
    assert ok and tab.page.diagnostics is None
    assert tab.page.scripts().find("lm-diagnostics") == []  # nothing injected into the page
    assert window.game_area.tabs._spare is None or window.game_area.tabs._spare.page.diagnostics is None
    feature.diagnostics_action.trigger()
    assert feature.panel.summary.text() == messages.DIAGNOSTICS_OFF
    # The long notice wraps: the buttons beside it stay inside the panel (they were
    # pushed behind a horizontal scroll bar on a laptop-sized window).
    from PySide6.QtWidgets import QScrollArea

    panel = feature.panel
    qtbot.waitUntil(panel.isVisible)
    area = panel.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    assert area is not None  # drawer pages scroll
    viewport = area.viewport()
    for button in (panel.inspect_button, panel.placement, panel.save_button):
        right = button.mapTo(viewport, button.rect().topRight()).x()
        assert button.isVisible() and right <= viewport.width(), (button.objectName(), right, viewport.width())
    assert not feature.panel.save_button.isEnabled() and feature.diagnostics_for(feature.panel.games.currentData()) is None
    tabs = window.game_area.tabs
    assert tabs.tabIcon(tabs.indexOf(tab)).isNull()  # no badge: nothing was read
    tools = feature.inspect()  # DevTools still works
    assert tools is tab.devtools and tools.page().profile() is tab.page.profile()


def test_inspect_and_the_panel_follow_the_game_in_front(qtbot, main_window):
    feature = main_window.features.diagnostics
    feature.set_placement("beside")
    first, _second, third = (launch_game(qtbot, main_window) for _ in range(3))
    games = feature.panel.games
    # Three launches of one game by one player: told apart by the order they opened in.
    assert [games.itemText(i).split(" ", 1)[0] for i in range(games.count())] == ["#1", "#2", "#3"]
    assert feature.current_tab() is third
    main_window.game_area.tabs.setCurrentWidget(first)
    assert feature.current_tab() is first and games.currentIndex() == 0
    qtbot.keyClick(main_window, Qt.Key.Key_F12)
    assert first.devtools_pane is not None and first.devtools_pane.isVisible()
    assert third.devtools_pane is None or not third.devtools_pane.isVisible()
