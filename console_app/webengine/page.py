"""The pages of a launch: its off-the-record profile (:class:`LaunchProfile`) and its
game pages (:class:`GamePage`), which load only http/https, open popups through the
tab area and log the JavaScript console (redacted).

See :mod:`console_app.webengine.game_view` for the rules every page shown follows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings
from PySide6.QtWidgets import QWidget

from console_app.core.redaction import redact
from console_app.webengine import refusal_reason
from console_app.webengine.diagnostics import PageDiagnostics

log = logging.getLogger("console_app.webengine")

_JS_LEVELS = {
    QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.INFO,
    QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.WARNING,
    QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.ERROR,
}

# Profiles whose pages are being deleted; kept alive until the last page is gone.
_retiring: set[LaunchProfile] = set()


class LaunchProfile:
    """The off-the-record profile of one launch, shared by its tab, its popups and
    its DevTools.

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

    def new_page(self, popup_factory: Callable[[], QWebEnginePage | None], *, diagnostics: bool = True) -> GamePage:
        return self._track(GamePage(self.profile, popup_factory, diagnostics=diagnostics))

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
    logs the JavaScript console (redacted); ``diagnostics`` records what it did
    (None when diagnostics are off for this window)."""

    navigation_refused = Signal(str, str)  # redacted URL, reason

    def __init__(self, profile: QWebEngineProfile, popup_factory: Callable[[], QWebEnginePage | None], *,
                 diagnostics: bool = True) -> None:
        super().__init__(profile)
        self._popup_factory = popup_factory
        self.diagnostics = PageDiagnostics(self) if diagnostics else None

    def add_event(self, kind: str, detail: str) -> None:
        """Record ``kind`` (e.g. "popup blocked") in the diagnostics, when they are on."""
        if self.diagnostics is not None:
            self.diagnostics.add_event(kind, detail)

    def acceptNavigationRequest(self, url: QUrl | str, nav_type: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:
        text = url.toString() if isinstance(url, QUrl) else url
        reason = refusal_reason(text)
        if reason is None:
            return True
        shown = redact(text)[:300]
        log.warning("refused navigation to %s: %s", shown, reason)
        self.add_event("navigation refused", f"{shown}: {reason}")
        self.navigation_refused.emit(shown, reason)
        return False

    # Returning None refuses the popup (Qt takes nullptr); PySide6's stub omits it.
    def createWindow(self, window_type: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:  # type: ignore[override]
        return self._popup_factory()

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str,
                                 line: int, source: str) -> None:
        log.log(_JS_LEVELS.get(level, logging.INFO), "js %s:%s %s", redact(source), line, redact(message))
        if self.diagnostics is not None:
            self.diagnostics.add_console(level, message, line, source)

    def stop_diagnostics(self) -> None:
        """Stop reading the page (before it is deleted)."""
        if self.diagnostics is not None:
            self.diagnostics.stop()
