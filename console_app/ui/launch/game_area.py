"""The right-hand game area: an empty state, the game tabs, or — when running as root
without the web sandbox opt-in — an explanation of how to proceed.

The web engine is loaded by :meth:`GameArea.preload` (when a launch starts) or by the
first game shown, never at import: ``console_app.webengine.game_view`` is imported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from console_app.core.devices import DESKTOP, Device
from console_app.qtstyle import named, themed

if TYPE_CHECKING:
    from console_app.webengine.game_view import GameTab, GameTabs

EMPTY_TEXT = "Launch a game to play it here — Ctrl+Enter"
ROOT_TEXT = (
    "<h3>The game view is off: running as root</h3>"
    "<p>Chromium, which draws the game, cannot start its security sandbox for the root "
    "user, and would stop the whole console.</p>"
    "<p>To play games here, restart with <code>lm-console gui --no-web-sandbox</code> "
    "(or set <code>QTWEBENGINE_DISABLE_SANDBOX=1</code>). The game page then runs "
    "<b>without</b> Chromium's sandbox: only do that for game servers you trust.</p>"
    "<p>Or run the console as a normal user. Launches still work: the answer panel "
    "shows each game URL.</p>"
)


class GameArea(QStackedWidget):
    """Empty state / explanation / tabs, switched as games open and close."""

    game_load_finished = Signal(object, bool)  # GameTab, ok
    #: The game tab in front changed (a switch, a new game, a close): GameTab or None.
    current_game_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, can_show_games: bool = True) -> None:
        super().__init__(parent)
        named(self, "gameArea", "Game area")
        self.setMinimumWidth(320)
        self.can_show_games = can_show_games
        self.empty = themed(named(QLabel(EMPTY_TEXT if can_show_games else ROOT_TEXT), "emptyGameState", "No game yet"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.RichText if not can_show_games else Qt.TextFormat.PlainText)
        holder = QWidget(self)
        holder.setObjectName("emptyGameHolder")
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.addWidget(self.empty)
        self.addWidget(holder)
        self.tabs: GameTabs | None = None
        #: Pages opened beside the game (a round snapshot), in their own tabs.
        self.side_tabs: GameTabs | None = None
        self._split: QSplitter | None = None
        self._presenting = False
        self.device: Device = DESKTOP
        #: Whether game pages record diagnostics; set before the first game opens
        #: (:func:`console_app.ui.compose.build_window` does).
        self.diagnostics = True

    def set_device(self, device: Device) -> None:
        """Show games at ``device``'s viewport (desktop: fill the view)."""
        self.device = device
        if self.tabs is not None:
            self.tabs.set_device(device)

    def set_presenting(self, on: bool) -> None:
        """Presenter mode: only the game page, no tab or navigation bars."""
        self._presenting = on
        if self.tabs is not None:
            self.tabs.set_presenting(on)
        if self.side_tabs is not None:
            self.side_tabs.setVisible(not on and self.side_tabs.count() > 0)

    def preload(self) -> None:
        """Import QtWebEngine now (~25 ms); called when a launch starts, so the import
        overlaps the network round trip instead of costing idle memory."""
        if self.can_show_games:
            import console_app.webengine.game_view  # noqa: F401

    def open_game(self, url: str, title: str, *, beside: bool = False) -> GameTab | None:
        """Show the game at ``url`` in a new tab (None when the view is off as root);
        ``beside`` puts it next to the game instead (e.g. a round's result page)."""
        if not self.can_show_games:
            return None
        if beside:
            side = self._ensure_side_tabs()
            tab = side.open_game(url, title)
            side.setVisible(not self._presenting)
            self.setCurrentWidget(self._ensure_split())
            return tab
        tabs = self._ensure_tabs()
        tab = tabs.open_game(url, title)
        self.setCurrentWidget(self._ensure_split())
        return tab

    def current_game(self) -> GameTab | None:
        return self.tabs.current_game() if self.tabs is not None else None

    def close_current(self) -> None:
        if self.tabs is not None and self.tabs.count():
            self.tabs.close_tab(self.tabs.currentIndex())

    def reload_current(self) -> None:
        game = self.current_game()
        if game is not None:
            game.reload()

    def close_all(self, *, keep: QWidget | None = None) -> None:
        if self.tabs is not None:
            self.tabs.close_all(keep=keep)

    def shutdown(self) -> None:
        """Close every game and release the pages and profiles kept for the next one."""
        for tabs in (self.tabs, self.side_tabs):
            if tabs is not None:
                tabs.shutdown()

    def _ensure_tabs(self) -> GameTabs:
        if self.tabs is None:
            from console_app.webengine.game_view import GameTabs

            self.tabs = GameTabs(self, diagnostics=self.diagnostics)
            self.tabs.set_presenting(self._presenting)
            self.tabs.set_device(self.device)
            self.tabs.count_changed.connect(self._on_tabs_count_changed)
            self.tabs.tab_load_finished.connect(self.game_load_finished)
            self.tabs.currentChanged.connect(lambda _index: self.current_game_changed.emit(self.current_game()))
            self._ensure_split().insertWidget(0, self.tabs)
        return self.tabs

    def _ensure_side_tabs(self) -> GameTabs:
        if self.side_tabs is None:
            from console_app.webengine.game_view import GameTabs

            self._ensure_tabs()
            self.side_tabs = GameTabs(self, diagnostics=self.diagnostics)
            self.side_tabs.setObjectName("sideTabs")
            self.side_tabs.setAccessibleName("Pages beside the game")
            self.side_tabs.count_changed.connect(self._on_tabs_count_changed)
            self.side_tabs.tab_load_finished.connect(self.game_load_finished)
            split = self._ensure_split()
            split.addWidget(self.side_tabs)
            split.setCollapsible(1, False)
            width = max(split.width(), 2)
            split.setSizes([width * 3 // 5, width * 2 // 5])
        return self.side_tabs

    def _ensure_split(self) -> QSplitter:
        if self._split is None:
            self._split = named(QSplitter(Qt.Orientation.Horizontal, self), "gameSplit", "Game and pages beside it")
            self._split.setChildrenCollapsible(False)
            self.addWidget(self._split)
        return self._split

    def _on_tabs_count_changed(self, _count: int) -> None:
        main = self.tabs.count() if self.tabs is not None else 0
        side = self.side_tabs.count() if self.side_tabs is not None else 0
        if self.side_tabs is not None:
            self.side_tabs.setVisible(side > 0 and not self._presenting)
        if self.tabs is not None:
            self.tabs.setVisible(main > 0 or side == 0)
        self.setCurrentIndex(1 if main or side else 0)
