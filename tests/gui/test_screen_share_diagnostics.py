"""Screen-share switched on after a launch, against real QtWebEngine offscreen: the
Diagnostics panel's game picker and the DevTools window title follow it both ways,
and DevTools (Chromium's own view, showing the game URL with its token) is hidden
and does not open while sharing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from console_app.core import messages
from tests.fixtures.qt import sandbox_target
from tests.gui.test_devtools import devtools_loaded
from tests.gui.test_game_view import launch_game

PLAYER = "ZQX7PLAYER93"


def launched(qtbot, window_factory, sandbox, count: int = 1):
    """A window with ``count`` games of PLAYER open, screen-share off."""
    window = window_factory(target=sandbox_target(sandbox), demo=True)
    window.form.set_request(window.form.request().with_changes(player_id=PLAYER))
    tabs = [launch_game(qtbot, window) for _ in range(count)]
    assert not window.api.screen_share
    return window, tabs


def share(qtbot, window, on: bool) -> None:
    with qtbot.waitSignal(window.api.screen_share_changed, timeout=5_000):
        window.screen_share_action.trigger()
    assert window.api.screen_share is on


def test_the_diagnostics_game_picker_masks_the_player_when_sharing_starts_after_the_launch(
        qtbot, window_factory, sandbox):
    window, _tabs = launched(qtbot, window_factory, sandbox, count=2)
    games = window.features.diagnostics.panel.games
    names = [games.itemText(i) for i in range(games.count())]
    assert len(names) == 2 and all(name.endswith(f" · {PLAYER}") for name in names)  # the control

    share(qtbot, window, True)
    assert [games.itemText(i) for i in range(games.count())] == [
        name.replace(PLAYER, "•••") for name in names]
    assert games.currentIndex() == 1  # still the game it showed

    share(qtbot, window, False)
    assert [games.itemText(i) for i in range(games.count())] == names


def test_the_devtools_window_title_follows_screen_share(qtbot, window_factory, sandbox):
    window, (tab,) = launched(qtbot, window_factory, sandbox)
    window.features.diagnostics.set_placement("window")
    pane = window.features.diagnostics.inspect().parentWidget()
    assert pane is tab.devtools_pane and pane.isWindow()
    real = pane.windowTitle()
    assert real == messages.devtools_window_title(tab.title) and PLAYER in real  # the control

    share(qtbot, window, True)
    assert PLAYER not in pane.windowTitle() and PLAYER not in pane.view.accessibleName()
    assert pane.windowTitle() == real.replace(PLAYER, "•••")

    share(qtbot, window, False)
    assert pane.windowTitle() == real


def test_sharing_hides_every_devtools_and_f12_says_why_it_does_not_open(qtbot, window_factory, sandbox):
    window, (docked_tab, windowed_tab) = launched(qtbot, window_factory, sandbox, count=2)
    feature = window.features.diagnostics
    games = feature.panel.games
    feature.set_placement("beside")
    games.setCurrentIndex(0)  # the first launch
    assert feature.current_tab() is docked_tab
    docked = feature.inspect()
    feature.set_placement("window")
    games.setCurrentIndex(1)
    assert feature.current_tab() is windowed_tab
    windowed = feature.inspect()
    qtbot.waitUntil(lambda: devtools_loaded(docked) and devtools_loaded(windowed), timeout=20_000)
    assert not docked_tab.devtools_pane.isWindow() and windowed_tab.devtools_pane.isWindow()
    panes = [docked_tab.devtools_pane, windowed_tab.devtools_pane]
    window.game_area.tabs.setCurrentWidget(docked_tab)
    qtbot.waitUntil(lambda: all(pane.isVisible() for pane in panes), timeout=5_000)  # the control

    share(qtbot, window, True)
    assert not any(pane.isVisible() for pane in panes)
    # F12 (and the panel's button) while sharing: one line saying why, DevTools stays hidden.
    window.activateWindow()  # DevTools' own window had the focus
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert messages.DIAGNOSTICS_INSPECT_SCREEN_SHARE in window.status_label.text()
    feature.panel.inspect_button.click()
    assert not any(pane.isVisible() for pane in panes)

    # Sharing off does not bring it back by itself; F12 does, for the game in front.
    share(qtbot, window, False)
    assert not any(pane.isVisible() for pane in panes)
    assert feature.inspect() is docked and docked_tab.devtools_pane.isVisible()
    window.game_area.tabs.setCurrentWidget(windowed_tab)
    assert feature.inspect() is windowed and windowed_tab.devtools_pane.isVisible()
