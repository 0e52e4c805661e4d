"""DevTools for a game, against real QtWebEngine offscreen: docked beside or below
the game in its tab or in its own window, the choice remembered between windows,
and always a page of the launch's own off-the-record profile."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QToolButton

from console_app.core import messages
from console_app.ui.diagnostics.feature import PLACEMENT_KEY, PREFERENCES_FILE
from tests.gui.test_game_view import launch_game, run_js


def devtools_loaded(tools) -> bool:
    # Chromium's DevTools front end is served from devtools://; it is only there once
    # the game page has been attached to it.
    return tools.page().url().scheme() == "devtools"


def test_devtools_docks_beside_then_below_then_in_its_own_window_and_the_choice_is_remembered(
        qtbot, main_window, window_factory, app_paths):
    feature = main_window.features.diagnostics
    assert feature.placement == "beside"  # the first time: docked, the game stays in view
    tab = launch_game(qtbot, main_window)
    qtbot.keyClick(main_window, Qt.Key.Key_F12)
    pane, tools = tab.devtools_pane, tab.devtools
    assert pane is not None and tools is pane.view
    qtbot.waitUntil(lambda: devtools_loaded(tools), timeout=20_000)
    assert tools.page().profile() is tab.page.profile() and tab.page.devToolsPage() is tools.page()
    # Beside: the tab's splitter holds the game and DevTools side by side, both with room.
    assert not pane.isWindow() and pane.parentWidget() is tab.split
    assert tab.split.orientation() == Qt.Orientation.Horizontal
    qtbot.waitUntil(lambda: pane.isVisible() and tools.width() > 100, timeout=5_000)
    assert tab.stage.width() > 100 and tab.view.width() > 100
    assert pane.geometry().left() >= tab.stage.geometry().right()

    # Below, chosen in DevTools' own header (a real key press on its choice).
    pane.choice.setFocus()
    qtbot.keyClick(pane.choice, Qt.Key.Key_Down)
    assert pane.choice.currentData() == "below" and feature.placement == "below"
    assert tab.split.orientation() == Qt.Orientation.Vertical and not pane.isWindow()
    qtbot.waitUntil(lambda: tools.height() > 50 and tab.stage.height() > 50, timeout=5_000)
    assert pane.geometry().top() >= tab.stage.geometry().bottom()
    assert feature.panel.placement.currentData() == "below"

    # Its own window, chosen in the Diagnostics panel: the game gets the tab back.
    feature.panel.placement.setFocus()
    qtbot.keyClick(feature.panel.placement, Qt.Key.Key_Down)
    assert feature.placement == "window"
    qtbot.waitUntil(lambda: pane.isWindow() and pane.isVisible(), timeout=5_000)
    assert pane.screen().availableGeometry().contains(pane.geometry())  # on screen, whole
    assert tab.split.count() == 1 and pane.windowTitle() == messages.devtools_window_title(tab.title)
    assert tools.page() is tab.page.devToolsPage()  # the same DevTools moved, not a new one

    # Remembered: the preference file has it, and a new window opens DevTools there.
    saved = QSettings(str(app_paths.config_dir / PREFERENCES_FILE), QSettings.Format.IniFormat)
    assert saved.value(PLACEMENT_KEY) == "window"
    other = window_factory(target=main_window.environment.current_target(), demo=True)
    assert other.features.diagnostics.placement == "window"
    assert other.features.diagnostics.panel.placement.currentData() == "window"

    # DevTools' own ✕ (what its close button calls) hides it; F12 shows the same DevTools again.
    run_js(qtbot, tools.page(), "InspectorFrontendHost.closeWindow(); 'closed'")
    qtbot.waitUntil(lambda: not pane.isVisible(), timeout=5_000)
    assert pane.findChild(QToolButton) is None  # its ✕ is the only one: none of ours beside it
    assert feature.inspect() is tools and pane.isVisible()


def test_each_launchs_devtools_is_its_own_page_in_its_own_profile_and_goes_with_its_tab(qtbot, main_window):
    feature = main_window.features.diagnostics
    feature.set_placement("below")
    first = launch_game(qtbot, main_window)
    first_tools = feature.inspect()
    second = launch_game(qtbot, main_window)
    second_tools = feature.inspect()
    assert second.devtools_pane.parentWidget() is second.split  # docked in its own tab
    assert second_tools is not first_tools and second_tools.page() is not first_tools.page()
    assert second_tools.page().profile() is second.page.profile() is not first.page.profile()
    assert second.page.profile().isOffTheRecord()
    qtbot.waitUntil(lambda: devtools_loaded(second_tools), timeout=20_000)
    with qtbot.waitSignal(second_tools.destroyed, timeout=10_000):
        main_window.game_area.tabs.close_tab(main_window.game_area.tabs.indexOf(second))
    assert first.page.devToolsPage() is first_tools.page()  # the other launch's DevTools stays


def test_a_bad_placement_is_refused_with_the_choices(main_window):
    with pytest.raises(ValueError, match="beside, below, window"):
        main_window.features.diagnostics.set_placement("floating")
    assert main_window.features.diagnostics.placement == "beside"


def test_presenter_mode_hides_docked_devtools_so_only_the_game_shows(qtbot, main_window):
    tab = launch_game(qtbot, main_window)
    main_window.features.diagnostics.inspect()
    pane = tab.devtools_pane
    assert pane.isVisibleTo(main_window)
    main_window.presenter_action.trigger()  # F11
    assert not pane.isVisibleTo(main_window) and tab.view.isVisibleTo(main_window)
    main_window.presenter_exit_action.trigger()
    assert main_window.features.diagnostics.inspect() is tab.devtools and pane.isVisibleTo(main_window)
