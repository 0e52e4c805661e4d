"""Game tabs: one tab per launch, each with its own off-the-record profile and page.

Safety rules applied to every page shown here:
- a fresh :class:`QWebEngineProfile` without a storage name (off-the-record: cookies
  and storage live in memory and are never shared between launches) and a fresh page
  per launch (reusing one page grows memory ~15 MB per launch);
- only ``http``/``https`` are loaded; ``file:``, ``data:``, ``javascript:`` and any
  other scheme are refused with a visible reason;
- popups open as tabs in the same profile (same player session), only after a user
  gesture (click, key) and at most :data:`MAX_TABS_PER_LAUNCH` per launch;
- Chromium's own error pages (which print the whole URL, token included) are off:
  a failed load shows the console's banner with the host and the reason only;
- certificate errors fail closed with a banner; a crashed renderer shows a banner
  with Reload and the console keeps running;
- the page's JavaScript console goes to the log, redacted;
- each page keeps its diagnostics (:class:`PageDiagnostics`); a tab whose page logged
  an error or failed a load shows an amber warning icon.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QIcon, QResizeEvent
from PySide6.QtWebEngineCore import (
    QWebEngineCertificateError,
    QWebEngineLoadingInfo,
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyle,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console_app.core.devices import DESKTOP, Device
from console_app.core.redaction import redact
from console_app.qtstyle import confirm_copied, set_severity
from console_app.webengine import refusal_reason
from console_app.webengine.diagnostics import PageDiagnostics

log = logging.getLogger("console_app.webengine")

_JS_LEVELS = {
    QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.INFO,
    QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.WARNING,
    QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.ERROR,
}

#: Tabs one launch may have open at once (its game plus popups); more are refused.
MAX_TABS_PER_LAUNCH = 5

# Profiles whose pages are being deleted; kept alive until the last page is gone.
_retiring: set[_LaunchProfile] = set()


class _LaunchProfile:
    """The off-the-record profile of one launch, shared by its tab and its popups.

    Qt warns ("Release of profile requested but WebEnginePage still not deleted") and
    may crash when a profile dies before its pages, so the profile is deleted only
    after the last of its pages has been destroyed.
    """

    def __init__(self) -> None:
        self.profile = QWebEngineProfile()  # no storage name: off-the-record
        settings = self.profile.settings()
        # Chromium's error page prints the full URL (the player token with it).
        settings.setAttribute(QWebEngineSettings.WebAttribute.ErrorPageEnabled, False)
        # Popups only from a user gesture: a page cannot open tabs by itself.
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
        self._pages: set[int] = set()
        #: The browser's own user agent (a device preset replaces it, desktop restores it).
        self.default_user_agent = self.profile.httpUserAgent()

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def new_page(self, popup_factory: Callable[[], QWebEnginePage | None]) -> GamePage:
        return self._track(GamePage(self.profile, popup_factory))

    def new_devtools_page(self, parent: QWidget) -> QWebEnginePage:
        """A plain page of this launch's profile for Chromium's DevTools (a GamePage
        would refuse its ``devtools:`` URL)."""
        return self._track(QWebEnginePage(self.profile, parent))

    def _track[P: QWebEnginePage](self, page: P) -> P:
        key = id(page)
        self._pages.add(key)
        page.destroyed.connect(lambda *_: self._on_page_destroyed(key))
        return page

    def release(self, page: QWebEnginePage) -> None:
        """Delete ``page``; the profile follows once no page of it is left."""
        _retiring.add(self)
        page.deleteLater()

    def _on_page_destroyed(self, key: int) -> None:
        self._pages.discard(key)
        if not self._pages:
            self.profile.deleteLater()
            _retiring.discard(self)


class GamePage(QWebEnginePage):
    """A page that loads only http/https, opens popups through ``popup_factory`` and
    logs the JavaScript console (redacted); ``diagnostics`` records what it did."""

    navigation_refused = Signal(str, str)  # redacted URL, reason

    def __init__(self, profile: QWebEngineProfile, popup_factory: Callable[[], QWebEnginePage | None]) -> None:
        super().__init__(profile)
        self._popup_factory = popup_factory
        self.diagnostics = PageDiagnostics(self)

    def acceptNavigationRequest(self, url: QUrl | str, nav_type: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:
        text = url.toString() if isinstance(url, QUrl) else url
        reason = refusal_reason(text)
        if reason is None:
            return True
        shown = redact(text)[:300]
        log.warning("refused navigation to %s: %s", shown, reason)
        self.diagnostics.add_event("navigation refused", f"{shown}: {reason}")
        self.navigation_refused.emit(shown, reason)
        return False

    # Returning None refuses the popup (Qt takes nullptr); PySide6's stub omits it.
    def createWindow(self, window_type: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:  # type: ignore[override]
        return self._popup_factory()

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str,
                                 line: int, source: str) -> None:
        log.log(_JS_LEVELS.get(level, logging.INFO), "js %s:%s %s", redact(source), line, redact(message))
        self.diagnostics.add_console(level, message, line, source)


class DeviceStage(QWidget):
    """Holds the web view: filling it (desktop) or at a device's CSS viewport, scaled
    down (zoom) to fit and centred on a dark stage."""

    #: Qt's zoom factor range.
    MIN_ZOOM, MAX_ZOOM = 0.25, 5.0

    def __init__(self, view: QWebEngineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceStage")
        self.view = view
        view.setParent(self)
        self.device: Device = DESKTOP
        self.setAutoFillBackground(True)

    def set_device(self, device: Device) -> None:
        self.device = device
        self.setStyleSheet("" if device.fills else "QWidget#deviceStage { background: #1b1e24; }")
        self._place()

    def zoom(self) -> float:
        """The factor the page is drawn at (1.0 when it fills the view)."""
        return self.view.zoomFactor()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        width, height = self.width(), self.height()
        device = self.device
        if device.fills or width <= 0 or height <= 0:
            self.view.setZoomFactor(1.0)
            self.view.setGeometry(0, 0, width, height)
            return
        zoom = max(self.MIN_ZOOM, min(self.MAX_ZOOM, 1.0, width / device.width, height / device.height))
        shown_w, shown_h = round(device.width * zoom), round(device.height * zoom)
        self.view.setZoomFactor(zoom)
        self.view.setGeometry((width - shown_w) // 2, (height - shown_h) // 2, shown_w, shown_h)


class GameTab(QWidget):
    """One game: navigation bar (back, forward, reload, redacted URL, copy, open in
    browser, close), a banner for refusals/crashes/certificate errors, and the view."""

    load_finished = Signal(bool)
    close_requested = Signal()
    popup_requested = Signal()

    def __init__(
        self,
        launch_profile: _LaunchProfile,
        title: str,
        popup_factory: Callable[[GameTab], QWebEnginePage | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("gameTab")
        self.loaded = False
        self._launch_profile = launch_profile
        #: Chromium's DevTools for this game, once opened (:meth:`open_devtools`).
        self.devtools: QWebEngineView | None = None
        self._real_url = ""

        style = self.style()
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.setSpacing(4)
        self.back_button = self._tool(style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack), "gameBack", "Back")
        self.forward_button = self._tool(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowForward), "gameForward", "Forward"
        )
        self.reload_button = self._tool(
            style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "gameReload", "Reload (F5)"
        )
        self.url_field = QLineEdit(self)
        self.url_field.setObjectName("gameUrl")
        self.url_field.setAccessibleName("Game URL (player token hidden)")
        self.url_field.setReadOnly(True)
        self.url_field.setToolTip("The player token is hidden here (Copy URL ▸ Copy full URL has it)")
        self.url_field.setProperty("monospace", True)
        # Copied text is redacted like everything else; the real URL (the player's
        # session credential) takes a deliberate second choice from the menu.
        self.copy_button = QToolButton(self)
        self.copy_button.setText("Copy URL")
        self.copy_button.setObjectName("gameCopyUrl")
        self.copy_button.setAccessibleName("Copy the game URL, player token hidden")
        self.copy_button.setToolTip("Copy the game URL with the player token hidden (•••)")
        self.copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        copy_menu = QMenu(self.copy_button)
        self.copy_full_action = copy_menu.addAction("Copy full URL (player token included)")
        self.copy_full_action.setObjectName("gameCopyFullUrl")
        self.copy_full_action.setToolTip("Anyone with this URL can play this player's session")
        self.copy_button.setMenu(copy_menu)
        self.open_button = QPushButton("Open in browser", self)
        self.open_button.setObjectName("gameOpenExternal")
        self.open_button.setAccessibleName("Open the game in the system browser")
        self.close_button = self._tool(
            style.standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton), "gameClose", "Close tab (Ctrl+W)"
        )
        for widget in (self.back_button, self.forward_button, self.reload_button, self.url_field,
                       self.copy_button, self.open_button, self.close_button):
            bar.addWidget(widget)
        self._chrome = QWidget(self)
        self._chrome.setObjectName("gameNavigation")
        self._chrome.setLayout(bar)

        self.banner = QFrame(self)
        self.banner.setObjectName("gameBanner")
        self.banner.setAccessibleName("Game problem")
        self.banner.setProperty("severity", "error")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(10, 6, 10, 6)
        self.banner_label = QLabel(self.banner)
        self.banner_label.setObjectName("gameBannerText")
        self.banner_label.setAccessibleName("Game problem text")
        self.banner_label.setWordWrap(True)
        self.banner_button = QPushButton("Reload", self.banner)
        self.banner_button.setObjectName("gameBannerReload")
        self.banner_button.setAccessibleName("Reload the game")
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.banner_button)
        self.banner.hide()

        self.view = QWebEngineView(self)
        self.view.setObjectName("gameWebView")
        self.stage = DeviceStage(self.view, self)
        self.page = launch_profile.new_page(lambda: popup_factory(self))
        self.view.setPage(self.page)
        self.set_title(title)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._chrome)
        layout.addWidget(self.banner)
        layout.addWidget(self.stage, 1)

        self.back_button.clicked.connect(self.view.back)
        self.forward_button.clicked.connect(self.view.forward)
        self.reload_button.clicked.connect(self.reload)
        self.banner_button.clicked.connect(self.reload)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.copy_full_action.triggered.connect(self._on_copy_full_action_triggered)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.close_button.clicked.connect(self.close_requested)
        self.page.loadFinished.connect(self._on_page_load_finished)
        self.page.loadingChanged.connect(self._on_page_loading_changed)
        self.page.urlChanged.connect(self._on_page_url_changed)
        self.page.navigation_refused.connect(self._on_page_navigation_refused)
        self.page.renderProcessTerminated.connect(self._on_page_render_process_terminated)
        self.page.certificateError.connect(self._on_page_certificate_error)
        self._update_history_buttons()

    def _tool(self, icon: QIcon, name: str, text: str) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icon)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setToolTip(text)
        button.setAutoRaise(True)
        return button

    # ------------------------------------------------------------------ actions

    def set_device(self, device: Device) -> None:
        """Lay the page out at ``device``'s viewport, with its user agent (a loaded
        page is reloaded when the user agent changes, so the game sees the device)."""
        profile = self._launch_profile.profile
        wanted = device.user_agent or self._launch_profile.default_user_agent
        changed = profile.httpUserAgent() != wanted
        profile.setHttpUserAgent(wanted)
        self.stage.set_device(device)
        self.page.diagnostics.set_device(device.name)
        if changed and self.loaded:
            self.reload()

    def set_chrome_visible(self, visible: bool) -> None:
        """Show or hide the navigation bar (presenter mode shows only the game)."""
        self._chrome.setVisible(visible)

    def set_title(self, title: str) -> None:
        """Name the tab's game (accessible names follow)."""
        self.title = title
        self.setAccessibleName(f"Game {title}")
        self.view.setAccessibleName(f"Game page {title}")

    def load(self, url: str) -> bool:
        """Load ``url`` if it is http/https; otherwise show why not and return False."""
        reason = refusal_reason(url)
        if reason is not None:
            self._on_page_navigation_refused(redact(url)[:300], reason)
            return False
        self._real_url = url
        self.url_field.setText(redact(url))
        self.page.load(QUrl(url))
        return True

    def reload(self) -> None:
        self.banner.hide()
        self.page.triggerAction(QWebEnginePage.WebAction.Reload)

    def show_banner(self, text: str, *, severity: str = "error", reload: bool = False) -> None:
        set_severity(self.banner, severity)
        self.banner_label.setText(text)
        self.banner_button.setVisible(reload)
        self.banner.show()

    def open_devtools(self) -> QWebEngineView:
        """Show Chromium's DevTools for this game in its own window: a fresh page in
        the game's own off-the-record profile, never shared with another launch."""
        if self.devtools is None:
            self.devtools = QWebEngineView(self)
            self.devtools.setWindowFlag(Qt.WindowType.Window)
            self.devtools.setObjectName("gameDevTools")
            self.devtools.setAccessibleName(f"DevTools {self.title}")
            self.devtools.setPage(self._launch_profile.new_devtools_page(self.devtools))
            self.page.setDevToolsPage(self.devtools.page())
            self.devtools.resize(900, 600)
        self.devtools.setWindowTitle(f"DevTools — {self.title}")
        self.devtools.show()
        self.devtools.raise_()
        return self.devtools

    def dispose(self) -> None:
        """Delete the page, then (once no popup still uses it) the profile."""
        page = self.page
        page.diagnostics.stop()
        if self.devtools is not None:
            page.setDevToolsPage(None)  # type: ignore[arg-type]  # detaches DevTools; PySide6's stub omits None
            self.devtools.close()
            self.devtools.deleteLater()
            self.devtools = None
        self.view.setPage(None)  # type: ignore[arg-type]  # detaches the page; PySide6's stub omits None
        self._launch_profile.release(page)

    # ------------------------------------------------------------------ slots

    def _current_url(self) -> str:
        return self._real_url or self.page.url().toString()

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(redact(self._current_url()))
        confirm_copied(self.copy_button)

    def _on_copy_full_action_triggered(self) -> None:
        # The one place the real URL leaves the window: a deliberate menu choice, for
        # opening the session elsewhere. Never logged.
        QGuiApplication.clipboard().setText(self._current_url())
        confirm_copied(self.copy_button, "Copied full URL ✓")
        log.info("copied the full game URL of %s to the clipboard", self.title)

    def _on_open_button_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl(self._current_url()))

    def _on_page_load_finished(self, ok: bool) -> None:
        self.loaded = self.loaded or ok
        self._update_history_buttons()
        if ok:
            self.view.setAccessibleDescription(self.page.title())
        self.load_finished.emit(ok)

    def _on_page_loading_changed(self, info: QWebEngineLoadingInfo) -> None:
        failed = info.status() == QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus
        if not failed or info.errorDomain() == QWebEngineLoadingInfo.ErrorDomain.NoErrorDomain:
            return
        host = info.url().host() or "the game server"
        reason = redact(info.errorString() or "the page did not load")
        # Only the host: the query holds the player's token, and the path may too.
        log.warning("game page failed to load from %s: %s (%s)", host, reason, info.errorCode())
        self.show_banner(f"The game did not load from {host}: {reason}. Check the server, then Reload.",
                         severity="error", reload=True)

    def _on_page_url_changed(self, url: QUrl) -> None:
        text = url.toString()
        # A refused navigation briefly reports its URL here: keep showing the game's.
        if text and text != "about:blank" and refusal_reason(text) is None:
            self._real_url = text
            self.url_field.setText(redact(text))
        self._update_history_buttons()

    def _on_page_navigation_refused(self, url: str, reason: str) -> None:
        self.show_banner(f"Refused to open {url}: {reason}.", severity="warning")

    def _on_page_render_process_terminated(self, status: QWebEnginePage.RenderProcessTerminationStatus,
                                           exit_code: int) -> None:
        if status == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            return
        log.error("the game page's renderer ended (%s, exit code %s)", status.name, exit_code)
        self.loaded = False
        self.show_banner("Game crashed — Reload?", severity="error", reload=True)

    def _on_page_certificate_error(self, error: QWebEngineCertificateError) -> None:
        # Fail closed: the user cannot override a certificate error from here.
        error.rejectCertificate()
        host = error.url().host()
        log.error("certificate error for %s: %s", host, error.description())
        self.show_banner(
            f"Blocked: the certificate of {host} is not valid ({error.description()}). "
            "The game page was not loaded; ask the game's operator to fix the certificate.",
            severity="error",
        )

    def _update_history_buttons(self) -> None:
        history = self.page.history()
        self.back_button.setEnabled(history.canGoBack())
        self.forward_button.setEnabled(history.canGoForward())


class GameTabs(QTabWidget):
    """The game area's tabs: :meth:`open_game` adds one tab per launch.

    Building a tab (profile, page, view) takes ~5 ms of the GUI thread, most of it
    the page's first use (``history()`` starts its web contents). After each game
    has loaded, the next launch's tab is built ahead (:meth:`prepare_spare`) so that
    a launch's answer becomes a tab sooner. The spare is still a fresh off-the-record
    profile and page per launch: it is never shown or loaded before its launch.
    """

    tab_load_finished = Signal(object, bool)  # GameTab, ok
    count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gameTabs")
        self.setAccessibleName("Game tabs")
        self.setTabsClosable(True)
        self.setMovable(True)
        self.setDocumentMode(True)
        self.tabCloseRequested.connect(self.close_tab)
        self._spare: GameTab | None = None
        self._spares_wanted = True
        self._presenting = False
        self._device: Device = DESKTOP

    def set_device(self, device: Device) -> None:
        """Show every game (and those opened later) at ``device``'s viewport."""
        self._device = device
        for tab in self.games():
            tab.set_device(device)

    def set_presenting(self, on: bool) -> None:
        """Only the game: no tab bar, no navigation bars (new tabs follow)."""
        self._presenting = on
        self.tabBar().setVisible(not on)
        for tab in self.games():
            tab.set_chrome_visible(not on)

    def open_game(self, url: str, title: str) -> GameTab:
        """Open ``url`` in a new tab with a fresh off-the-record profile and page."""
        tab, self._spare = self._spare, None
        if tab is None:
            tab = GameTab(_LaunchProfile(), title, self._open_popup, self)
        else:
            tab.set_title(title)
        self._add_tab(tab)
        tab.load(url)
        return tab

    def prepare_spare(self) -> None:
        """Build the next launch's tab now (fresh profile and page, hidden), unless
        one is ready or after :meth:`shutdown`; :meth:`open_game` uses it."""
        if self._spare is None and self._spares_wanted:
            self._spare = GameTab(_LaunchProfile(), "", self._open_popup, self)
            self._spare.hide()
            # Style sheet rules are matched when a widget is first shown: do it now.
            self._spare.ensurePolished()

    def shutdown(self) -> None:
        """Close every tab and delete the spare; no spare is built afterwards."""
        self._spares_wanted = False
        self.close_all()
        spare, self._spare = self._spare, None
        if spare is not None:
            spare.dispose()
            spare.deleteLater()

    def games(self) -> list[GameTab]:
        return [self.game_at(i) for i in range(self.count())]

    def game_at(self, index: int) -> GameTab:
        tab = self.widget(index)
        assert isinstance(tab, GameTab)  # every page is one: only open_game adds them
        return tab

    def current_game(self) -> GameTab | None:
        widget = self.currentWidget()
        return widget if isinstance(widget, GameTab) else None

    def close_tab(self, index: int) -> None:
        tab = self.widget(index)
        if not isinstance(tab, GameTab):
            return
        self.removeTab(index)
        tab.dispose()
        tab.deleteLater()
        self.count_changed.emit(self.count())

    def close_all(self) -> None:
        while self.count():
            self.close_tab(self.count() - 1)

    def _add_tab(self, tab: GameTab) -> GameTab:
        tab.set_chrome_visible(not self._presenting)
        tab.set_device(self._device)
        title = tab.title
        index = self.addTab(tab, title)
        self.setTabToolTip(index, title)
        self.setCurrentIndex(index)
        tab.load_finished.connect(lambda ok, t=tab: self._on_tab_load_finished(t, ok))
        tab.close_requested.connect(lambda t=tab: self.close_tab(self.indexOf(t)))
        tab.page.diagnostics.changed.connect(lambda t=tab: self._show_badge(t))
        self.count_changed.emit(self.count())
        return tab

    def _open_popup(self, opener: GameTab) -> QWebEnginePage | None:
        if opener._launch_profile.page_count >= MAX_TABS_PER_LAUNCH:
            log.warning("refused a popup from %s: %d tabs of this launch are open already",
                        opener.title, MAX_TABS_PER_LAUNCH)
            opener.show_banner(f"Blocked a popup: this game has {MAX_TABS_PER_LAUNCH} tabs open already.",
                               severity="warning")
            opener.page.diagnostics.add_event("popup blocked", f"{MAX_TABS_PER_LAUNCH} tabs of this launch open already")
            return None
        popup = self._add_tab(GameTab(opener._launch_profile, f"{opener.title} · popup", self._open_popup, self))
        return popup.page

    def _show_badge(self, tab: GameTab) -> None:
        """The amber warning icon on a tab whose page logged errors or failed a load."""
        index = self.indexOf(tab)
        if index < 0:
            return
        record = tab.page.diagnostics.record
        if record.has_problems == bool(self.tabBar().tabData(index)):
            return
        self.tabBar().setTabData(index, record.has_problems)
        self.setTabIcon(index, self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
                        if record.has_problems else QIcon())

    def _on_tab_load_finished(self, tab: GameTab, ok: bool) -> None:
        index = self.indexOf(tab)
        if index >= 0 and ok and tab.page.title():
            self.setTabToolTip(index, f"{tab.title}\n{redact(tab.page.title())}")
        self.tab_load_finished.emit(tab, ok)
        # The game has loaded: the GUI thread is idle until the next launch.
        QTimer.singleShot(0, self, self.prepare_spare)
