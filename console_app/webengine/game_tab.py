"""One game tab: navigation bar, problem banner, the game on its stage and, when
opened, Chromium's DevTools docked beside or below it (or in its own window).

See :mod:`console_app.webengine.game_view` for the rules every page shown follows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QIcon
from PySide6.QtWebEngineCore import QWebEngineCertificateError, QWebEngineLoadingInfo, QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console_app.core import messages
from console_app.core.devices import Device
from console_app.core.redaction import redact
from console_app.qtstyle import confirm_copied, set_severity, themed
from console_app.webengine import refusal_reason
from console_app.webengine.devtools import DevToolsPane
from console_app.webengine.page import LaunchProfile
from console_app.webengine.stage import DeviceStage

log = logging.getLogger("console_app.webengine")


class GameTab(QWidget):
    """One game: navigation bar (back, forward, reload, redacted URL, copy, open in
    browser, close), a banner for refusals/crashes/certificate errors, the view, and
    DevTools once opened (:meth:`open_devtools`)."""

    load_finished = Signal(bool)
    close_requested = Signal()
    popup_requested = Signal()
    #: The user moved this tab's DevTools: "beside", "below" or "window".
    devtools_placement_chosen = Signal(str)

    def __init__(
        self,
        launch_profile: LaunchProfile,
        title: str,
        popup_factory: Callable[[GameTab], QWebEnginePage | None],
        parent: QWidget | None = None,
        *,
        diagnostics: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("gameTab")
        self.loaded = False
        self._launch_profile = launch_profile
        #: Chromium's DevTools for this game, once opened (:meth:`open_devtools`).
        self.devtools: QWebEngineView | None = None
        self.devtools_pane: DevToolsPane | None = None
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
        self.copy_button = themed(QToolButton(self))
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
        self.page = launch_profile.new_page(lambda: popup_factory(self), diagnostics=diagnostics)
        self.view.setPage(self.page)
        self.set_title(title)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._chrome)
        layout.addWidget(self.banner)
        # The game, and DevTools when docked beside or below it.
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.setObjectName("gameDevToolsSplit")
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.stage)
        layout.addWidget(self.split, 1)

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
        button = themed(QToolButton(self))
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
        if self.page.diagnostics is not None:
            self.page.diagnostics.set_device(device.name)
        if changed and self.loaded:
            self.reload()

    def set_chrome_visible(self, visible: bool) -> None:
        """Show or hide the navigation bar and docked DevTools (presenter mode shows
        only the game)."""
        self._chrome.setVisible(visible)
        if not visible:
            self.hide_devtools(docked_only=True)

    def hide_devtools(self, *, docked_only: bool = False) -> None:
        """Hide this game's DevTools if open (``docked_only``: leave its own window);
        :meth:`open_devtools` shows the same DevTools again."""
        pane = self.devtools_pane
        if pane is not None and not (docked_only and pane.isWindow()):
            pane.hide()

    def set_title(self, title: str) -> None:
        """Name the tab's game (accessible names and the DevTools title follow)."""
        self.title = title
        self.setAccessibleName(f"Game {title}")
        self.view.setAccessibleName(f"Game page {title}")
        if self.devtools_pane is not None:
            self.devtools_pane.set_title(title)

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

    def open_devtools(self, placement: str = "window") -> QWebEngineView:
        """Show Chromium's DevTools for this game ``placement`` ("beside" or "below"
        the game in this tab, or in its own "window"): a fresh page in the game's own
        off-the-record profile, never shared with another launch."""
        pane = self.devtools_pane
        if pane is None:
            pane = self.devtools_pane = DevToolsPane(self._launch_profile, self.title, self)
            pane.placement_chosen.connect(self._on_devtools_placement_chosen)
            self.devtools = pane.view
            self.page.setDevToolsPage(pane.view.page())
        pane.place(placement, self.split)
        return pane.view

    def dispose(self) -> None:
        """Delete the page, then (once no popup still uses it) the profile."""
        page = self.page
        page.stop_diagnostics()
        if self.devtools_pane is not None:
            page.setDevToolsPage(None)  # type: ignore[arg-type]  # detaches DevTools; PySide6's stub omits None
            self.devtools_pane.close()
            self.devtools_pane.deleteLater()
            self.devtools_pane = self.devtools = None
        self.view.setPage(None)  # type: ignore[arg-type]  # detaches the page; PySide6's stub omits None
        self._launch_profile.release(page)

    # ------------------------------------------------------------------ slots

    def _on_devtools_placement_chosen(self, placement: str) -> None:
        self.open_devtools(placement)
        self.devtools_placement_chosen.emit(placement)

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
        self.show_banner(messages.game_load_failed(host, reason), severity="error", reload=True)

    def _on_page_url_changed(self, url: QUrl) -> None:
        text = url.toString()
        # A refused navigation briefly reports its URL here: keep showing the game's.
        if text and text != "about:blank" and refusal_reason(text) is None:
            self._real_url = text
            self.url_field.setText(redact(text))
        self._update_history_buttons()

    def _on_page_navigation_refused(self, url: str, reason: str) -> None:
        self.show_banner(messages.navigation_refused(url, reason), severity="warning")

    def _on_page_render_process_terminated(self, status: QWebEnginePage.RenderProcessTerminationStatus,
                                           exit_code: int) -> None:
        if status == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            return
        log.error("the game page's renderer ended (%s, exit code %s)", status.name, exit_code)
        self.loaded = False
        self.show_banner(messages.GAME_CRASHED, severity="error", reload=True)

    def _on_page_certificate_error(self, error: QWebEngineCertificateError) -> None:
        # Fail closed: the user cannot override a certificate error from here.
        error.rejectCertificate()
        host = error.url().host()
        log.error("certificate error for %s: %s", host, error.description())
        self.show_banner(messages.certificate_blocked(host, error.description()), severity="error")

    def _update_history_buttons(self) -> None:
        history = self.page.history()
        self.back_button.setEnabled(history.canGoBack())
        self.forward_button.setEnabled(history.canGoForward())
