"""Chromium's DevTools for one game tab, docked beside or below the game (in the
tab's splitter) or in its own window.

The DevTools page is a fresh page of the launch's own off-the-record profile
(:meth:`LaunchProfile.new_devtools_page`): never shared with another launch, and
deleted with its tab.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from console_app.core import messages
from console_app.core.diagnostics import DEVTOOLS_PLACEMENTS
from console_app.qtstyle import centred_fit
from console_app.webengine.page import LaunchProfile

#: The size of DevTools in its own window, and its share of a docked split.
WINDOW_SIZE = (900, 600)
DOCKED_SHARE = 0.4


class DevToolsPane(QWidget):
    """DevTools under a one-line header: where it is shown (a choice the user makes
    here; the owner places it) and Close."""

    #: The user chose where DevTools goes: one of :data:`DEVTOOLS_PLACEMENTS`.
    placement_chosen = Signal(str)

    def __init__(self, launch_profile: LaunchProfile, title: str, owner: QWidget) -> None:
        # Built as a window of ``owner`` (the tab): closed and deleted with it.
        super().__init__(owner, Qt.WindowType.Window)
        self._owner = owner
        self.setObjectName("gameDevToolsPane")
        self.resize(*WINDOW_SIZE)
        self.placement = "window"
        header = QHBoxLayout()
        header.setContentsMargins(6, 2, 2, 2)
        header.setSpacing(4)
        self.label = QLabel(messages.DEVTOOLS_TITLE, self)
        self.choice = QComboBox(self)
        self.choice.setObjectName("gameDevToolsPlacement")
        self.choice.setAccessibleName(messages.DEVTOOLS_PLACEMENT_TIP)
        self.choice.setToolTip(messages.DEVTOOLS_PLACEMENT_TIP)
        for placement in DEVTOOLS_PLACEMENTS:
            self.choice.addItem(messages.DEVTOOLS_PLACEMENTS[placement], placement)
        # No close button of our own: DevTools draws its ✕ (beside the game tab's),
        # and its window has the title bar's.
        header.addWidget(self.label)
        header.addStretch(1)
        header.addWidget(self.choice)
        self.view = QWebEngineView(self)
        self.view.setObjectName("gameDevTools")
        self.view.setPage(launch_profile.new_devtools_page(self.view))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)
        self.set_title(title)
        self.choice.activated.connect(lambda index: self.placement_chosen.emit(self.choice.itemData(index)))
        # DevTools' own ✕ asks its page to close: hide the pane (F12 shows it again).
        self.view.page().windowCloseRequested.connect(self.hide)

    def set_title(self, title: str) -> None:
        self.setWindowTitle(messages.devtools_window_title(title))
        self.view.setAccessibleName(messages.devtools_window_title(title))

    def _fit_screen(self) -> None:
        """Its own window: at most 90 % of the owner's screen, centred on it."""
        screen = self._owner.screen()
        if screen is None:
            self.resize(*WINDOW_SIZE)
            return
        self.setGeometry(centred_fit(screen.availableGeometry(), *WINDOW_SIZE))

    def place(self, placement: str, split: QSplitter) -> None:
        """Show DevTools at ``placement``: docked into ``split`` (after the game) or
        as a window of its own (owned by the tab, closed with it)."""
        if placement not in DEVTOOLS_PLACEMENTS:
            raise ValueError(f"DevTools placement: {placement!r} is not one of {', '.join(DEVTOOLS_PLACEMENTS)}")
        self.placement = placement
        self.choice.setCurrentIndex(DEVTOOLS_PLACEMENTS.index(placement))
        if placement == "window":
            if not self.isWindow():
                self.setParent(self._owner, Qt.WindowType.Window)
                self._fit_screen()
            self.show()
            self.raise_()
            self.activateWindow()
            return
        split.setOrientation(Qt.Orientation.Horizontal if placement == "beside" else Qt.Orientation.Vertical)
        if self.parentWidget() is not split:
            split.addWidget(self)  # reparents: a window becomes a docked child
        split.setCollapsible(split.indexOf(self), False)
        self.show()
        room = split.width() if placement == "beside" else split.height()
        room = max(room, 2)
        docked = round(room * DOCKED_SHARE)
        split.setSizes([room - docked, docked])
