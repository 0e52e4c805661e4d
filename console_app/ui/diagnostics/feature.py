"""Game diagnostics in the window: a Diagnostics panel in the drawer showing, live,
what a game page did (console, failed loads, timings, WebGL, device), and Inspect
(F12) to open Chromium's DevTools for that game.

The collecting is done per page in :mod:`console_app.webengine.diagnostics`; this
feature only shows it, keeps it with the launch's History entry (written at most once
per :data:`SAVE_DELAY_MS`, and when the tab closes), and saves it as JSON.
Under screen-share the shown text is masked like every other view.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console_app.core.errors import ConsoleError
from console_app.qtstyle import named, set_severity
from console_app.ui.theme import monospace_font

if TYPE_CHECKING:
    from console_app.core.diagnostics import Diagnostics
    from console_app.ui.api import WindowApi
    from console_app.ui.history.feature import HistoryFeature
    from console_app.webengine.game_view import GameTab

log = logging.getLogger("console_app.ui.diagnostics")

#: A chatty page changes its diagnostics many times a second: History gets them batched.
SAVE_DELAY_MS = 1_000


class DiagnosticsPanel(QWidget):
    """One game's diagnostics: which game, a one-line summary, the details."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "diagnosticsPanel", "Diagnostics")
        self.games = named(QComboBox(self), "diagnosticsGame", "Game whose diagnostics are shown")
        self.summary = named(QLabel("No game opened yet", self), "diagnosticsSummary", "Diagnostics summary")
        self.inspect_button = named(QPushButton("Inspect (F12)", self), "diagnosticsInspect",
                                    "Open Chromium DevTools for this game")
        self.save_button = named(QPushButton("Save JSON…", self), "diagnosticsSave", "Save these diagnostics as JSON")
        self.details = named(QPlainTextEdit(self), "diagnosticsDetails", "Diagnostics details")
        self.details.setReadOnly(True)
        self.details.setFont(monospace_font())
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        row = QHBoxLayout()
        row.addWidget(self.games, 1)
        row.addWidget(self.summary, 2)
        row.addWidget(self.inspect_button)
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
        self._tabs: dict[str, GameTab] = {}
        # By launch id: the records outlive their tabs until History has them.
        self._records: dict[str, Diagnostics] = {}
        self._unsaved: set[str] = set()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_to_history)

        self.diagnostics_action = QAction("&Diagnostics", api)
        self.diagnostics_action.setObjectName("diagnosticsAction")
        self.diagnostics_action.setToolTip("What the game page did: console, failed loads, timings, WebGL")
        self.inspect_action = QAction("&Inspect game (DevTools)", api)
        self.inspect_action.setObjectName("inspectAction")
        self.inspect_action.setShortcut(QKeySequence("F12"))
        self.inspect_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.inspect_action.setToolTip("Open Chromium DevTools for the game shown in Diagnostics (F12)")
        self.inspect_action.triggered.connect(self.inspect)
        api.add_action(self.diagnostics_action, menu="view")
        api.add_action(self.inspect_action, menu="game")
        api.add_panel(self.panel, "Diagnostics", action=self.diagnostics_action, min_height=260)

        self.panel.games.currentIndexChanged.connect(lambda _index: self.refresh())
        self.panel.inspect_button.clicked.connect(self.inspect)
        self.panel.save_button.clicked.connect(self._on_save_clicked)
        api.game_opened.connect(self._on_game_opened)
        api.screen_share_changed.connect(lambda _on: self.refresh())
        api.shutting_down.connect(self.save_to_history)

    # ------------------------------------------------------------------ reading

    def diagnostics_for(self, launch_id: str) -> Diagnostics | None:
        """The diagnostics of ``launch_id``'s game page (None: no tab, or it closed)."""
        return self._records.get(launch_id)

    def current_tab(self) -> GameTab | None:
        return self._tabs.get(self.panel.games.currentData() or "")

    # ------------------------------------------------------------------ acting

    def inspect(self) -> QWidget | None:
        """Open DevTools for the game shown in the panel; None when there is none."""
        tab = self.current_tab()
        if tab is None:
            self.api.set_status("Inspect: no game is open", "warning")
            return None
        return tab.open_devtools()

    def save(self, path: str | Path) -> Path | None:
        """Write the shown game's diagnostics to ``path`` as JSON."""
        tab = self.current_tab()
        if tab is None:
            return None
        path = Path(path)
        path.write_text(json.dumps(tab.page.diagnostics.record.to_dict(), indent=2, ensure_ascii=False),
                        encoding="utf-8")
        self.api.set_status(f"Diagnostics saved to {path}", "success")
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
        if tab is None:
            panel.summary.setText("No game opened yet")
            set_severity(panel.summary, None)
            panel.details.clear()
            return
        record = tab.page.diagnostics.record
        mask = self.api.screen_share_mask
        panel.summary.setText(("⚠ " if record.has_problems else "") + record.summary())
        set_severity(panel.summary, "warning" if record.has_problems else None)
        text = mask.text(record.markdown())
        if text != panel.details.toPlainText():
            panel.details.setPlainText(text)
        self.shown.emit(text)

    # ------------------------------------------------------------------ slots

    def _on_game_opened(self, launch_id: str, widget: QWidget) -> None:
        diagnostics = getattr(getattr(widget, "page", None), "diagnostics", None)
        if diagnostics is None:
            return
        tab = cast("GameTab", widget)
        self._tabs[launch_id] = tab
        self._records[launch_id] = diagnostics.record
        games = self.panel.games
        games.addItem(self.api.screen_share_mask.text(tab.title), launch_id)
        diagnostics.changed.connect(lambda t=tab, key=launch_id: self._on_diagnostics_changed(key, t))
        tab.destroyed.connect(lambda *_, key=launch_id: self._on_tab_destroyed(key))
        games.setCurrentIndex(games.count() - 1)
        self.refresh()

    def _on_diagnostics_changed(self, launch_id: str, tab: GameTab) -> None:
        self._unsaved.add(launch_id)
        if not self._save_timer.isActive():
            self._save_timer.start()
        if self.current_tab() is tab:
            self.refresh()

    def _on_tab_destroyed(self, launch_id: str) -> None:
        self._tabs.pop(launch_id, None)
        self._unsaved.add(launch_id)
        self.save_to_history()
        games = self.panel.games
        index = games.findData(launch_id)
        if index >= 0:
            games.removeItem(index)
        self.refresh()

    def _on_save_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self.panel, "Save diagnostics", "diagnostics.json", "JSON (*.json)")
        if name:
            self.save(name)
