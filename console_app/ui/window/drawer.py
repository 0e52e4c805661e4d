"""The bottom drawer: Request, Answer, Log and the features' panels as tabs under the
form and the game. It folds to its tab bar (the game gets the room) and remembers its
open height; a double-click on a tab (or Ctrl+J) folds or unfolds it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QScrollArea, QSplitter, QTabWidget, QWidget

from console_app.qtstyle import named, scroll_holder
from console_app.ui.window import fit

#: Qt's "no maximum" for a widget's size.
QWIDGETSIZE_MAX = 16_777_215


class Drawer(QObject):
    """The drawer's tabs (:attr:`tabs`, the lower pane of ``splitter``) and its folding."""

    #: True when the drawer folded to its tab bar, False when it opened.
    collapsed_changed = Signal(bool)

    def __init__(self, splitter: QSplitter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.splitter = splitter
        self.tabs = named(QTabWidget(), "bottomTabs", "Request, answer and log")
        self.tabs.setDocumentMode(True)
        self.tabs.setToolTip("Double-click a tab (or Ctrl+J) to fold or unfold these panels")
        self.collapsed = False
        #: The height the drawer has when open (kept while it is folded).
        self.open_height = fit.DRAWER_MAX_DEFAULT
        self._holders: dict[QWidget, QScrollArea] = {}
        self.tabs.tabBarDoubleClicked.connect(self._on_tabs_tab_bar_double_clicked)
        self.tabs.tabBarClicked.connect(self._on_tabs_tab_bar_clicked)

    def add_panel(self, widget: QWidget, title: str, *, action: QAction | None = None, min_height: int = 0) -> None:
        # Scrolls rather than imposing its size: the drawer may be small (a laptop at
        # 150 %) and a panel's buttons must not widen the window past the screen.
        holder = scroll_holder(widget, f"{widget.objectName() or 'panel'}Scroll", title)
        self._holders[widget] = holder
        self.tabs.addTab(holder, title)
        if action is not None:
            action.triggered.connect(lambda: self.show_panel(widget, min_height=min_height))

    def show_panel(self, widget: QWidget, *, min_height: int = 0) -> None:
        self.tabs.setCurrentWidget(self._holders.get(widget, widget))
        self.set_collapsed(False)
        top, bottom = self.splitter.sizes()
        # Room to read, but never more than under half: the game stays usable beside it.
        wanted = min(min_height, int((top + bottom) * 0.45))
        if bottom < wanted:
            self.splitter.setSizes([top + bottom - wanted, wanted])

    def current_panel(self) -> QWidget:
        """The tab in front (a feature's panel itself, not its scroll area)."""
        shown = self.tabs.currentWidget()
        return next((panel for panel, holder in self._holders.items() if holder is shown), shown)

    def set_collapsed(self, collapsed: bool) -> None:
        """Fold the drawer to its tab bar (the game gets the room) or unfold it."""
        if collapsed == self.collapsed:
            return
        top, bottom = self.splitter.sizes()
        total = top + bottom
        bar = self.tabs.tabBar().sizeHint().height() + 2
        if collapsed:
            if bottom > bar + 40:
                self.open_height = bottom
            self.tabs.setMinimumHeight(bar)
            self.tabs.setMaximumHeight(bar)
            self.splitter.setSizes([total - bar, bar])
        else:
            self.tabs.setMaximumHeight(QWIDGETSIZE_MAX)
            self.set_open_minimum()
            height = fit.drawer_height(total, self.open_height) if total > 0 else self.open_height
            self.splitter.setSizes([max(1, total - height), height])
        self.collapsed = collapsed
        self.collapsed_changed.emit(collapsed)

    def set_open_minimum(self) -> None:
        # Explicit, so the pages' own size hints (a text box, a row of buttons) do
        # not hold the drawer open wider than a small screen can give.
        self.tabs.setMinimumHeight(self.tabs.tabBar().sizeHint().height() + fit.DRAWER_MIN_CONTENT)

    def height_to_remember(self) -> int:
        """The open height (also while folded), to restore after a restart."""
        return self.open_height if self.collapsed else self.splitter.sizes()[1]

    @Slot(int)
    def _on_tabs_tab_bar_double_clicked(self, _index: int) -> None:
        self.set_collapsed(not self.collapsed)

    @Slot(int)
    def _on_tabs_tab_bar_clicked(self, _index: int) -> None:
        # A click on a folded drawer's tab opens it (a double-click folds it again).
        if self.collapsed:
            self.set_collapsed(False)
