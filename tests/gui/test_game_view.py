"""The game view: isolated tabs per launch, scheme policy, popups, crashes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage

from console_app.webengine import refusal_reason

LOAD_TIMEOUT_MS = 30_000


def launch_game(qtbot, window):
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=LOAD_TIMEOUT_MS) as loaded:
        assert window.launch() is not None
    tab, ok = loaded.args
    assert ok
    return tab


def run_js(qtbot, page, script):
    results = []
    page.runJavaScript(script, 0, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    return results[0]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://games.example/index.html?token=x", True),
        ("http://127.0.0.1:8080/game", True),
        ("about:blank", True),
        ("file:///etc/hostname", False),
        ("data:text/html,<h1>x</h1>", False),
        ("javascript:alert(1)", False),
        ("ftp://example/x", False),
        ("chrome://crash", False),
        ("", False),
    ],
)
def test_only_http_and_https_are_loadable(url, allowed):
    assert (refusal_reason(url) is None) == allowed


def test_two_quick_launches_give_two_isolated_tabs(qtbot, main_window):
    first = launch_game(qtbot, main_window)
    main_window.form.player_id.setText("qa-7")
    second = launch_game(qtbot, main_window)
    tabs = main_window.game_area.tabs
    assert tabs.count() == 2
    assert tabs.tabText(1) == "Treasure of Zeus · qa-7"
    assert first.page is not second.page
    assert first.page.profile() is not second.page.profile()
    assert first.page.profile().isOffTheRecord() and second.page.profile().isOffTheRecord()
    run_js(qtbot, first.page, "document.cookie = 'lm_probe=player1; path=/'; document.cookie")
    assert "lm_probe=player1" in run_js(qtbot, first.page, "document.cookie")
    assert "lm_probe" not in run_js(qtbot, second.page, "document.cookie")


def test_file_data_and_javascript_urls_are_refused(qtbot, main_window):
    tab = launch_game(qtbot, main_window)
    assert tab.load("javascript:alert(document.cookie)") is False
    assert tab.banner.isVisibleTo(tab)
    assert "javascript: URLs run code outside the game" in tab.banner_label.text()
    with qtbot.waitSignal(tab.page.navigation_refused, timeout=10_000) as refused:
        tab.page.load(QUrl("file:///etc/hostname"))  # bypasses load(): the page policy decides
    url, reason = refused.args
    assert url == "file:///etc/hostname" and "file:" in reason
    assert "file:///etc/hostname" in tab.banner_label.text()
    with qtbot.waitSignal(tab.page.navigation_refused, timeout=10_000) as refused:
        tab.page.load(QUrl("data:text/html,<h1>gotcha</h1>"))
    assert "data:" in refused.args[1]
    assert run_js(qtbot, tab.page, "location.protocol") == "http:"
    assert tab.page.title() == "Treasure of Zeus — LuckyMonaco demo"
    assert tab.url_field.text().startswith("http://")


def click_popup_button(qtbot, tab, opened: bool = True):
    """Click (a real mouse event: a user gesture) a button that calls window.open."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    run_js(qtbot, tab.page, """(() => {
        let b = document.getElementById('lm-popup-probe');
        if (!b) {
          b = document.createElement('button'); b.id = 'lm-popup-probe'; b.textContent = 'popup';
          b.style = 'position:fixed;left:10px;top:10px;width:80px;height:30px;z-index:99999';
          b.onclick = () => { window.lmOpened = window.open(location.href, '_blank') !== null; };
          document.body.appendChild(b);
        }
        return 1; })()""")
    tabs = tab.parentWidget().parentWidget()
    before = tabs.count()
    QTest.mouseClick(tab.view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(50, 25))
    qtbot.waitUntil(lambda: run_js(qtbot, tab.page, "typeof window.lmOpened") == "boolean", timeout=10_000)
    result = run_js(qtbot, tab.page, "(() => { const r = window.lmOpened; delete window.lmOpened; return r; })()")
    if opened:
        qtbot.waitUntil(lambda: tabs.count() == before + 1, timeout=10_000)
    return result


def test_popups_need_a_user_gesture_and_open_as_tabs_in_the_same_profile(qtbot, main_window):
    tab = launch_game(qtbot, main_window)
    tabs = main_window.game_area.tabs
    # A script alone cannot open a window: window.open answers null, no tab appears.
    assert run_js(qtbot, tab.page, "window.open(location.href, '_blank') === null") is True
    assert tabs.count() == 1
    assert click_popup_button(qtbot, tab) is True
    assert tabs.count() == 2
    popup = tabs.games()[1]
    assert popup.page.profile() is tab.page.profile()
    assert tabs.tabText(1).endswith("· popup")


def test_a_launch_opens_at_most_five_tabs(qtbot, main_window):
    from console_app.webengine.game_view import MAX_TABS_PER_LAUNCH

    tab = launch_game(qtbot, main_window)
    tabs = main_window.game_area.tabs
    for _ in range(MAX_TABS_PER_LAUNCH - 1):
        assert click_popup_button(qtbot, tab) is True
    assert tabs.count() == MAX_TABS_PER_LAUNCH
    click_popup_button(qtbot, tab, opened=False)
    qtbot.waitUntil(lambda: tab.banner.isVisibleTo(tab), timeout=10_000)
    assert tabs.count() == MAX_TABS_PER_LAUNCH
    assert "Blocked a popup" in tab.banner_label.text() and tab.banner.isVisibleTo(tab)


def test_a_page_that_cannot_load_shows_the_host_and_reason_never_the_token(qtbot, main_window):
    from tests.fixtures.common import CANARY_TOKEN

    tab = launch_game(qtbot, main_window)
    # Port 9 (discard) has no listener here: the connection is refused at once.
    url = f"http://127.0.0.1:9/game/index.html?token={CANARY_TOKEN}&lang=en"
    with qtbot.waitSignal(tab.load_finished, timeout=LOAD_TIMEOUT_MS) as finished:
        tab.load(url)
    assert finished.args == [False]
    text = tab.banner_label.text()
    assert tab.banner.isVisibleTo(tab) and "127.0.0.1" in text and "did not load" in text
    assert CANARY_TOKEN not in text and "/game/" not in text
    # No Chromium error page (it prints the whole URL): the page holds nothing of it.
    html = []
    tab.page.toHtml(html.append)
    qtbot.waitUntil(lambda: bool(html), timeout=10_000)
    assert CANARY_TOKEN not in html[0] and "token=" not in html[0]
    assert CANARY_TOKEN not in run_js(qtbot, tab.page, "document.body ? document.body.innerText : ''")


def test_crashed_renderer_shows_reload_and_the_console_survives(qtbot, main_window):
    tab = launch_game(qtbot, main_window)
    tab.page.renderProcessTerminated.emit(
        QWebEnginePage.RenderProcessTerminationStatus.CrashedTerminationStatus, 139
    )
    assert tab.banner.isVisibleTo(tab)
    assert tab.banner_label.text() == "Game crashed — Reload?"
    assert tab.banner_button.isVisibleTo(tab)
    with qtbot.waitSignal(tab.load_finished, timeout=LOAD_TIMEOUT_MS):
        tab.banner_button.click()
    assert not tab.banner.isVisibleTo(tab)
    assert main_window.isVisible()


def test_closing_tabs_releases_pages_and_shows_the_empty_state(qtbot, main_window, qtlog):
    launch_game(qtbot, main_window)
    tab = launch_game(qtbot, main_window)
    profile_destroyed = []
    tab.page.profile().destroyed.connect(lambda *_: profile_destroyed.append(True))
    main_window.close_tab_action.trigger()
    assert main_window.game_area.tabs.count() == 1
    qtbot.waitUntil(lambda: bool(profile_destroyed), timeout=10_000)
    main_window.close_tab_action.trigger()
    assert main_window.game_area.currentIndex() == 0
    assert main_window.game_area.empty.text() == "Launch a game to play it here — Ctrl+Enter"
    assert not [r for r in qtlog.records if "Release of profile" in r.message]


def test_javascript_console_goes_to_the_log_redacted(qtbot, main_window, caplog):
    tab = launch_game(qtbot, main_window)
    token = tab.page.url().toString().split("token=", 1)[1]
    with caplog.at_level("INFO", logger="console_app.webengine"):
        run_js(qtbot, tab.page, f"console.warn('probe token={token}'); 1")
        qtbot.waitUntil(lambda: any("probe" in r.getMessage() for r in caplog.records), timeout=10_000)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "probe token=•••" in text and token not in text


def test_the_next_launch_gets_a_tab_built_ahead_with_its_own_fresh_profile(qtbot, main_window, qtlog):
    first = launch_game(qtbot, main_window)
    tabs = main_window.game_area.tabs
    # Built once the game has loaded, hidden and never loaded before its launch.
    qtbot.waitUntil(lambda: tabs._spare is not None, timeout=5_000)
    spare = tabs._spare
    assert not spare.isVisible() and spare.page.url().isEmpty() and tabs.indexOf(spare) < 0
    main_window.form.player_id.setText("qa-8")
    second = launch_game(qtbot, main_window)
    assert second is spare and second.title == "Treasure of Zeus · qa-8"
    assert second.accessibleName() == "Game Treasure of Zeus · qa-8"
    assert second.page.profile() is not first.page.profile() and second.page.profile().isOffTheRecord()
    qtbot.waitUntil(lambda: tabs._spare is not None, timeout=5_000)
    assert tabs._spare not in (first, second)
    # Shutdown releases the spare's page, then its profile, without Qt's warning.
    profile_destroyed = []
    tabs._spare.page.profile().destroyed.connect(lambda *_: profile_destroyed.append(True))
    main_window.game_area.shutdown()
    assert tabs._spare is None and tabs.count() == 0
    qtbot.waitUntil(lambda: bool(profile_destroyed), timeout=10_000)
    tabs.prepare_spare()
    assert tabs._spare is None
    assert not [r for r in qtlog.records if "Release of profile" in r.message]


def test_copy_url_hides_the_player_token_unless_the_full_url_is_chosen(qtbot, main_window):
    from PySide6.QtGui import QGuiApplication

    tab = launch_game(qtbot, main_window)
    real = tab.page.url().toString()
    token = real.split("token=", 1)[1]
    clipboard = QGuiApplication.clipboard()
    tab.copy_button.click()
    assert token not in clipboard.text() and clipboard.text().endswith("token=•••")
    tab.copy_full_action.trigger()
    assert clipboard.text() == real


def test_the_demo_game_names_its_icon_so_the_browser_asks_for_no_favicon(qtbot, main_window, sandbox):
    """Without an icon link Chromium asks for /favicon.ico by itself: a 404 that DevTools
    counts as an error on every clean game, in front of a partner."""
    tab = launch_game(qtbot, main_window)
    qtbot.waitUntil(lambda: not tab.page.iconUrl().isEmpty(), timeout=15_000)
    assert tab.page.iconUrl().path() == "/game/static/favicon.svg"
    paths = [request.path for request in sandbox.requests]
    assert "/favicon.ico" not in paths
