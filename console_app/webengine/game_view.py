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

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWidgets import QStyle, QTabWidget, QWidget

from console_app.core import messages
from console_app.core.devices import DESKTOP, Device
from console_app.core.redaction import redact
from console_app.webengine.game_tab import GameTab
from console_app.webengine.page import GamePage, LaunchProfile

log = logging.getLogger("console_app.webengine")

#: Tabs one launch may have open at once (its game plus popups); more are refused.
MAX_TABS_PER_LAUNCH = 5

__all__ = ["MAX_TABS_PER_LAUNCH", "GamePage", "GameTab", "GameTabs"]


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

    def __init__(self, parent: QWidget | None = None, *, diagnostics: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("gameTabs")
        #: Whether new tabs record diagnostics (off: no script, no reads of the page).
        self.diagnostics = diagnostics
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
            tab = self._new_tab(LaunchProfile(), title)
        else:
            tab.set_title(title)
        self._add_tab(tab)
        tab.load(url)
        return tab

    def prepare_spare(self) -> None:
        """Build the next launch's tab now (fresh profile and page, hidden), unless
        one is ready or after :meth:`shutdown`; :meth:`open_game` uses it."""
        if self._spare is None and self._spares_wanted:
            self._spare = self._new_tab(LaunchProfile(), "")
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

    def close_all(self, *, keep: QWidget | None = None) -> None:
        """Close every game tab (but ``keep``, when given)."""
        for index in reversed(range(self.count())):
            if self.widget(index) is not keep:
                self.close_tab(index)

    def _add_tab(self, tab: GameTab) -> GameTab:
        tab.set_chrome_visible(not self._presenting)
        tab.set_device(self._device)
        title = tab.title
        index = self.addTab(tab, title)
        self.setTabToolTip(index, title)
        self.setCurrentIndex(index)
        tab.load_finished.connect(lambda ok, t=tab: self._on_tab_load_finished(t, ok))
        tab.close_requested.connect(lambda t=tab: self.close_tab(self.indexOf(t)))
        if tab.page.diagnostics is not None:
            tab.page.diagnostics.changed.connect(lambda t=tab: self._show_badge(t))
        self.count_changed.emit(self.count())
        return tab

    def _new_tab(self, launch_profile: LaunchProfile, title: str) -> GameTab:
        return GameTab(launch_profile, title, self._open_popup, self, diagnostics=self.diagnostics)

    def _open_popup(self, opener: GameTab) -> QWebEnginePage | None:
        if opener._launch_profile.page_count >= MAX_TABS_PER_LAUNCH:
            log.warning("refused a popup from %s: %d tabs of this launch are open already",
                        opener.title, MAX_TABS_PER_LAUNCH)
            opener.show_banner(messages.popup_blocked(MAX_TABS_PER_LAUNCH), severity="warning")
            opener.page.add_event("popup blocked", f"{MAX_TABS_PER_LAUNCH} tabs of this launch open already")
            return None
        popup = self._add_tab(self._new_tab(opener._launch_profile, f"{opener.title} · popup"))
        return popup.page

    def _show_badge(self, tab: GameTab) -> None:
        """The amber warning icon on a tab whose page logged errors or failed a load."""
        index = self.indexOf(tab)
        if index < 0:
            return
        if tab.page.diagnostics is None:
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
