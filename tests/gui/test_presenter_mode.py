"""Presenter mode: only the game, full screen, screen-share forced on, a thin bar to
switch game, language and currency, and back to the window as it was."""

from __future__ import annotations

from tests.fixtures.qt import sandbox_target
from tests.gui.test_screen_share import leaks

TIMEOUT_MS = 30_000
PLAYER = "ZQX7PLAYER93"


def test_presenter_mode_shows_only_the_game_and_no_id(qtbot, window_factory, sandbox):
    window = window_factory(target=sandbox_target(sandbox), demo=True)
    window.form.set_request(window.form.request().with_changes(player_id=PLAYER))
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=TIMEOUT_MS):
        window.launch()
    assert not window.screen_share

    window.presenter_action.trigger()  # F11
    mode = window.presenter_mode
    assert mode.active and window.screen_share and not window.screen_share_action.isEnabled()
    for hidden in (window.menuBar(), window.toolbar, window.statusBar(), window.form_scroll, window.bottom_tabs,
                   window.banner_box, window.game_area.tabs.tabBar(), window.game_area.current_game()._chrome):
        assert not hidden.isVisibleTo(window), hidden.objectName()
    assert mode.bar.isVisibleTo(window) and window.game_area.current_game().view.isVisibleTo(window)
    assert mode.bar.game.currentData() == "lm_8_treasureofzeus"
    assert mode.bar.language.currentData() == "en" and mode.bar.currency.currentData() == "USD"
    assert leaks(PLAYER, sandbox.partner_id) == []

    # Switching the language launches again, in that language, in one tab.
    index = mode.bar.language.findData("ko")
    assert index >= 0
    mode.bar.language.setCurrentIndex(index)
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=TIMEOUT_MS):
        mode.bar.language.activated.emit(index)
    enters = [r for r in sandbox.requests if r.path == "/api/session"]
    assert enters[-1].json["player"]["language"] == "ko"
    assert window.game_area.tabs.count() == 1
    assert not window.game_area.tabs.tabBar().isVisibleTo(window)
    assert window.game_area.current_game()._chrome.isVisibleTo(window) is False

    window.presenter_exit_action.trigger()  # Esc
    assert not mode.active and not window.screen_share and window.screen_share_action.isEnabled()
    for shown in (window.menuBar(), window.toolbar, window.form_scroll, window.bottom_tabs):
        assert shown.isVisibleTo(window)
    assert window.cancel_action.shortcuts()[0].toString() == "Esc"
    assert not mode.bar.isVisibleTo(window)


#: The viewport as the page sees it: innerWidth (floored) x innerHeight, clientWidth (rounded).
VIEWPORT_JS = "innerWidth + 'x' + innerHeight + ' ' + document.documentElement.clientWidth"


def test_device_presets_lay_the_game_out_at_their_viewport_with_their_user_agent(qtbot, window_factory, sandbox):
    from console_app.core.devices import device_named
    from tests.gui.test_game_view import run_js

    window = window_factory(target=sandbox_target(sandbox), demo=True)
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=TIMEOUT_MS):
        window.launch()
    tab = window.game_area.current_game()
    window.device_selector.set_device(device_named("phone-portrait"))
    # The user agent changed: the page is reloaded so the game sees the device.
    qtbot.waitUntil(lambda: "iPhone" in (run_js(qtbot, tab.page, "navigator.userAgent") or ""), timeout=TIMEOUT_MS)
    # Scaled to fit, the page still sees exactly the preset's viewport (the zoom is
    # chosen so that both sides come out in whole CSS pixels).
    qtbot.waitUntil(lambda: run_js(qtbot, tab.page, VIEWPORT_JS) == "390x844 390", timeout=10_000)
    for height in (333, 517, 601):  # other spaces: other zoom factors, the same viewport
        tab.stage.resize(tab.stage.width(), height)
        qtbot.waitUntil(lambda: run_js(qtbot, tab.page, VIEWPORT_JS) == "390x844 390", timeout=10_000)
    assert "iPhone" in run_js(qtbot, tab.page, "navigator.userAgent")
    # Scaled to fit the space it has, centred, never upscaled, on a dark stage.
    assert tab.stage.zoom() <= 1.0 and tab.view.height() <= tab.stage.height()
    assert tab.view.x() > 0
    band = tab.stage.grab().toImage().pixelColor(tab.view.x() // 2, tab.stage.height() // 2)
    assert band.name() == tab.stage.STAGE_COLOR
    assert abs(tab.view.width() / tab.view.height() - 390 / 844) < 0.02

    window.device_selector.set_device(device_named("1000x600"))
    qtbot.waitUntil(lambda: run_js(qtbot, tab.page, VIEWPORT_JS) == "1000x600 1000", timeout=10_000)
    window.device_selector.set_device(device_named("desktop"))
    qtbot.waitUntil(lambda: "Android" not in (run_js(qtbot, tab.page, "navigator.userAgent") or "Android"),
                    timeout=TIMEOUT_MS)
    assert tab.view.size() == tab.stage.size() and tab.stage.zoom() == 1.0
    assert "iPhone" not in run_js(qtbot, tab.page, "navigator.userAgent")


def test_a_relaunch_that_fails_in_presenter_mode_keeps_the_game_on_screen(qtbot, window_factory, sandbox):
    """The demo must not go blank: the old game is replaced only once the new one opens."""
    from console_app.sandbox.faults import Fault

    window = window_factory(target=sandbox_target(sandbox), demo=True)
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=TIMEOUT_MS):
        window.launch()
    shown = window.game_area.current_game()
    window.presenter_action.trigger()
    mode = window.presenter_mode
    sandbox.inject(Fault("g01", count=-1))  # every ENTER now refused by the API
    index = mode.bar.language.findData("ko")
    with qtbot.waitSignal(window.api.launch_failed, timeout=TIMEOUT_MS):
        mode.bar.language.activated.emit(index)
    assert window.game_area.tabs.count() == 1 and window.game_area.current_game() is shown
    assert shown.view.isVisibleTo(window)
    assert mode.bar.message.isVisibleTo(window) and mode.bar.message.text()  # the presenter is told

    # Once the API answers again, the next switch replaces the game, still in one tab.
    sandbox.clear_faults()
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=TIMEOUT_MS):
        mode.bar.language.activated.emit(index)
    assert window.game_area.tabs.count() == 1 and window.game_area.current_game() is not shown
