"""Game diagnostics in the window: a Diagnostics panel in the drawer showing, live,
what a game page did (console, failed loads, timings, WebGL, device, Launch → first
frame), and Inspect (F12) to open Chromium's DevTools for that game, docked beside or
below it or in its own window (the choice is remembered).

The collecting is done per page in :mod:`console_app.webengine.diagnostics`; this
feature only shows it, keeps it with the launch's History entry (written at most once
per :data:`SAVE_DELAY_MS`, and when the tab closes), and saves it as JSON.
Under screen-share the shown text and the game names are masked like every other
view, and DevTools (Chromium's own view, which no mask reaches) is hidden and does
not open. A window built with diagnostics off (``build_window(diagnostics=False)``)
records nothing; the panel says so and Inspect still works.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from console_app.core import messages
from console_app.core.diagnostics import DEVTOOLS_PLACEMENTS
from console_app.core.errors import ConsoleError
from console_app.qtstyle import named, set_severity
from console_app.ui.theme import monospace_font

if TYPE_CHECKING:
    from console_app.core.diagnostics import Diagnostics
    from console_app.ui.api import Launch, WindowApi
    from console_app.ui.history.feature import HistoryFeature
    from console_app.webengine.game_view import GameTab

log = logging.getLogger("console_app.ui.diagnostics")

#: A chatty page changes its diagnostics many times a second: History gets them batched.
SAVE_DELAY_MS = 1_000
#: Where DevTools opens until the user chooses (docked: the game stays in view).
DEFAULT_PLACEMENT = "beside"
#: The preferences file (in the config folder) and key of the remembered choice.
PREFERENCES_FILE = "diagnostics.ini"
PLACEMENT_KEY = "devtools/placement"


class DiagnosticsPanel(QWidget):
    """One game's diagnostics: which game, a one-line summary, the details."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "diagnosticsPanel", "Diagnostics")
        self.games = named(QComboBox(self), "diagnosticsGame", messages.DIAGNOSTICS_GAME_NAME)
        self.summary = named(QLabel(messages.DIAGNOSTICS_NO_GAME, self), "diagnosticsSummary",
                             messages.DIAGNOSTICS_SUMMARY_NAME)
        # A long summary (diagnostics off) wraps in the room it has; its one-line width
        # must not widen the row and push the buttons out of view.
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.inspect_button = named(QPushButton(messages.DIAGNOSTICS_INSPECT, self), "diagnosticsInspect",
                                    messages.DIAGNOSTICS_INSPECT_TIP)
        self.placement = named(QComboBox(self), "diagnosticsDevToolsPlacement", messages.DEVTOOLS_PLACEMENT_TIP)
        self.placement.setToolTip(messages.DEVTOOLS_PLACEMENT_TIP)
        for placement in DEVTOOLS_PLACEMENTS:
            self.placement.addItem(messages.devtools_placement_choice(placement), placement)
        self.save_button = named(QPushButton(messages.DIAGNOSTICS_SAVE, self), "diagnosticsSave",
                                 messages.DIAGNOSTICS_SAVE_TIP)
        self.details = named(QPlainTextEdit(self), "diagnosticsDetails", messages.DIAGNOSTICS_DETAILS_NAME)
        self.details.setReadOnly(True)
        self.details.setFont(monospace_font())
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        row = QHBoxLayout()
        row.addWidget(self.games, 1)
        row.addWidget(self.summary, 2)
        row.addWidget(self.inspect_button)
        row.addWidget(self.placement)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.details, 1)
        self.set_enabled(False)

    def set_enabled(self, on: bool) -> None:
        for widget in (self.inspect_button, self.save_button, self.games):
            widget.setEnabled(on)


class DiagnosticsFeature(QObject):
    """Keeps every game tab's diagnostics by launch id and shows the chosen one."""

    #: The panel now shows this text (tests wait on it).
    shown = Signal(str)

    def __init__(self, api: WindowApi, *, history: HistoryFeature | None = None) -> None:
        super().__init__(api)
        self.setObjectName("diagnosticsFeature")
        self.api = api
        self.history = history
        self.panel = DiagnosticsPanel()
        self._preferences = QSettings(str(api.paths.config_dir / PREFERENCES_FILE), QSettings.Format.IniFormat)
        saved = str(self._preferences.value(PLACEMENT_KEY, DEFAULT_PLACEMENT))
        #: Where DevTools opens: one of DEVTOOLS_PLACEMENTS (remembered between runs).
        self.placement = saved if saved in DEVTOOLS_PLACEMENTS else DEFAULT_PLACEMENT
        self.panel.placement.setCurrentIndex(DEVTOOLS_PLACEMENTS.index(self.placement))
        self._tabs: dict[str, GameTab] = {}
        #: Each launch's tab by the order it opened in (#1, #2, …), shown with its title.
        self._opened_at: dict[str, str] = {}
        self._opened = 0
        # Launch clicks by launch id, until the launch's tab opens (or it fails).
        self._clicked_at: dict[str, float] = {}
        # By launch id: the records outlive their tabs until History has them.
        self._records: dict[str, Diagnostics] = {}
        self._unsaved: set[str] = set()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_to_history)
        # A new tab's panel fills on the next loop pass, after the tab has opened.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)

        self.diagnostics_action = QAction("&Diagnostics", api)
        self.diagnostics_action.setObjectName("diagnosticsAction")
        self.diagnostics_action.setToolTip(messages.DIAGNOSTICS_TOOLTIP)
        self.inspect_action = QAction(messages.DIAGNOSTICS_INSPECT_ACTION, api)
        self.inspect_action.setObjectName("inspectAction")
        self.inspect_action.setShortcut(QKeySequence("F12"))
        self.inspect_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.inspect_action.setToolTip(messages.DIAGNOSTICS_INSPECT_ACTION_TIP)
        self.inspect_action.triggered.connect(self.inspect)
        api.add_action(self.diagnostics_action, menu="view")
        api.add_action(self.inspect_action, menu="game")
        api.add_panel(self.panel, "Diagnostics", action=self.diagnostics_action, min_height=260)

        self.panel.games.currentIndexChanged.connect(lambda _index: self.refresh())
        self.panel.inspect_button.clicked.connect(self.inspect)
        self.panel.placement.activated.connect(
            lambda index: self.set_placement(self.panel.placement.itemData(index)))
        self.panel.save_button.clicked.connect(self._on_save_clicked)
        api.launch_started.connect(self._on_api_launch_started)
        # game_opened comes before launch_finished; a launch without a tab (game view
        # off, or it failed) leaves nothing behind.
        api.launch_finished.connect(lambda launch, _result: self._clicked_at.pop(launch.launch_id, None))
        api.launch_failed.connect(lambda launch, _error: self._clicked_at.pop(launch.launch_id, None))
        api.launch_cancelled.connect(lambda launch, _attempts: self._clicked_at.pop(launch.launch_id, None))
        api.game_opened.connect(self._on_game_opened)
        # The panel (and Inspect, F12) follow the game in front.
        api.current_game_changed.connect(self._on_api_current_game_changed)
        api.screen_share_changed.connect(self._on_api_screen_share_changed)
        api.shutting_down.connect(self.save_to_history)

    # ------------------------------------------------------------------ reading

    def diagnostics_for(self, launch_id: str) -> Diagnostics | None:
        """The diagnostics of ``launch_id``'s game page (None: no tab, it closed, or
        diagnostics are off)."""
        return self._records.get(launch_id)

    def current_tab(self) -> GameTab | None:
        return self._tabs.get(self.panel.games.currentData() or "")

    # ------------------------------------------------------------------ acting

    def inspect(self) -> QWidget | None:
        """Open DevTools for the game shown in the panel, where :attr:`placement`
        says; None when there is no game or screen-share is on (it cannot be masked)."""
        tab = self.current_tab()
        if tab is None:
            self.api.set_status(messages.DIAGNOSTICS_INSPECT_NO_GAME, "warning")
            return None
        if self.api.screen_share:
            self.api.set_status(messages.DIAGNOSTICS_INSPECT_SCREEN_SHARE, "warning")
            return None
        return tab.open_devtools(self.placement)

    def set_placement(self, placement: str) -> None:
        """Open DevTools at ``placement`` from now on (remembered), and move the shown
        game's DevTools there if it is open."""
        if placement not in DEVTOOLS_PLACEMENTS:
            raise ValueError(f"DevTools placement: {placement!r} is not one of {', '.join(DEVTOOLS_PLACEMENTS)}")
        self.placement = placement
        self.panel.placement.setCurrentIndex(DEVTOOLS_PLACEMENTS.index(placement))
        self._preferences.setValue(PLACEMENT_KEY, placement)
        self._preferences.sync()
        tab = self.current_tab()
        if tab is not None and tab.devtools_pane is not None and tab.devtools_pane.isVisible():
            tab.open_devtools(placement)

    def save(self, path: str | Path) -> Path | None:
        """Write the shown game's diagnostics to ``path`` as JSON."""
        tab = self.current_tab()
        if tab is None or tab.page.diagnostics is None:
            return None
        path = Path(path)
        path.write_text(json.dumps(tab.page.diagnostics.record.to_dict(), indent=2, ensure_ascii=False),
                        encoding="utf-8")
        self.api.set_status(messages.diagnostics_saved(path), "success")
        return path

    def save_to_history(self) -> None:
        """Write the changed diagnostics to their launches' History entries."""
        self._save_timer.stop()
        store = self.history.store if self.history is not None else None
        if store is None:
            return  # kept until History opens its store
        unsaved, self._unsaved = self._unsaved, set()
        for launch_id in unsaved:
            record = self._records.get(launch_id)
            if record is None:
                continue
            try:
                store.save_diagnostics(launch_id, record.to_dict())
            except ConsoleError as error:
                log.warning("diagnostics of a launch not kept in history: %s", error)
            if launch_id not in self._tabs:
                del self._records[launch_id]

    def refresh(self) -> None:
        tab = self.current_tab()
        panel = self.panel
        panel.set_enabled(tab is not None)
        if tab is None or tab.page.diagnostics is None:
            panel.summary.setText(messages.DIAGNOSTICS_NO_GAME if tab is None else messages.DIAGNOSTICS_OFF)
            set_severity(panel.summary, None)
            panel.save_button.setEnabled(False)
            panel.details.clear()
            return
        record = tab.page.diagnostics.record
        mask = self.api.screen_share_mask
        panel.summary.setText(("⚠ " if record.has_problems else "") + record.summary())
        set_severity(panel.summary, "warning" if record.has_problems else None)
        text = mask.text(messages.diagnostics_panel_text(record))
        if text != panel.details.toPlainText():
            panel.details.setPlainText(text)
        self.shown.emit(text)

    # ------------------------------------------------------------------ slots

    def _on_api_launch_started(self, launch: Launch) -> None:
        self._clicked_at[launch.launch_id] = launch.clicked_at

    def _on_game_opened(self, launch_id: str, widget: QWidget) -> None:
        clicked_at = self._clicked_at.pop(launch_id, None)
        if not hasattr(widget, "open_devtools"):
            return  # not a game tab
        tab = cast("GameTab", widget)
        self._tabs[launch_id] = tab
        games = self.panel.games
        blocked = games.blockSignals(True)  # refreshed once, below
        self._opened += 1
        self._opened_at[launch_id] = f"#{self._opened}"
        games.addItem(self._item_text(launch_id, tab), launch_id)
        tab.devtools_placement_chosen.connect(self.set_placement)
        tab.destroyed.connect(lambda *_, key=launch_id: self._on_tab_destroyed(key))
        diagnostics = tab.page.diagnostics
        if diagnostics is not None:
            self._records[launch_id] = diagnostics.record
            if clicked_at is not None:
                diagnostics.set_launch_clicked_at(clicked_at)
            diagnostics.changed.connect(lambda t=tab, key=launch_id: self._on_diagnostics_changed(key, t))
        games.setCurrentIndex(games.count() - 1)
        games.blockSignals(blocked)
        self._refresh_timer.start()

    def _on_api_screen_share_changed(self, on: bool) -> None:
        if on:
            # DevTools is Chromium's own view (the game URL with its token, IDs): no
            # mask reaches it, so it is not shown while sharing.
            for tab in self._tabs.values():
                tab.hide_devtools()
        # The window masked (or restored) the tabs' titles before telling us.
        games = self.panel.games
        for index in range(games.count()):
            shown = self._tabs.get(games.itemData(index))
            if shown is not None:
                games.setItemText(index, self._item_text(games.itemData(index), shown))
        self.refresh()

    def _item_text(self, launch_id: str, tab: GameTab) -> str:
        """``#2 Treasure of Zeus · player`` (masked under screen-share): two launches of
        one game by one player are told apart by the order they opened in."""
        opened = self._opened_at.get(launch_id)
        title = self.api.screen_share_mask.text(tab.title)
        return f"{opened} {title}" if opened else title

    def _on_api_current_game_changed(self, tab: QWidget | None) -> None:
        games = self.panel.games
        for launch_id, known in self._tabs.items():
            if known is tab:
                index = games.findData(launch_id)
                if index >= 0 and index != games.currentIndex():
                    games.setCurrentIndex(index)
                return

    def _on_diagnostics_changed(self, launch_id: str, tab: GameTab) -> None:
        self._unsaved.add(launch_id)
        if not self._save_timer.isActive():
            self._save_timer.start()
        if self.current_tab() is tab:
            self.refresh()

    def _on_tab_destroyed(self, launch_id: str) -> None:
        if not isValid(self._save_timer):
            return  # the window is being deleted around its last tabs: nothing to show or keep
        self._tabs.pop(launch_id, None)
        self._opened_at.pop(launch_id, None)
        self._unsaved.add(launch_id)
        self.save_to_history()
        games = self.panel.games
        index = games.findData(launch_id)
        if index >= 0:
            games.removeItem(index)
        self.refresh()

    def _on_save_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self.panel, messages.DIAGNOSTICS_SAVE_TITLE, "diagnostics.json",
                                              "JSON (*.json)")
        if name:
            self.save(name)
