"""The toolbar's environment selector: which API target launches go to.

For now it lists the embedded Sandbox; the profiles area adds its profiles through
:meth:`EnvironmentSelector.add_target` and reacts to ``target_changed``. The dot's
colour is the profile kind's accent: neutral sandbox, blue staging, red production.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QComboBox, QWidget

from console_app.core.models import ApiTarget
from console_app.ui.theme import named

KIND_COLOURS = {"sandbox": "#7a8794", "staging": "#2f6fde", "production": "#d93025"}


def kind_icon(kind: str) -> QIcon:
    """A small filled dot in the accent colour of a profile kind."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(KIND_COLOURS.get(kind, KIND_COLOURS["sandbox"])))
    painter.setPen(QColor(0, 0, 0, 0))
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


class EnvironmentSelector(QComboBox):
    """Lists API targets by profile name; ``target_changed(ApiTarget)`` on selection."""

    target_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "environmentSelector", "Environment")
        self.setToolTip("Where launches go")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setPlaceholderText("Starting sandbox…")
        self.currentIndexChanged.connect(lambda _i: self.target_changed.emit(self.current_target()))

    def add_target(self, target: ApiTarget, *, select: bool = False) -> None:
        """List ``target`` (replacing one with the same profile name)."""
        for index in range(self.count()):
            if self.itemData(index).profile_name == target.profile_name:
                self.setItemData(index, target)
                if select or index == self.currentIndex():
                    self.setCurrentIndex(index)
                    self.target_changed.emit(target)
                return
        self.addItem(kind_icon(target.profile_kind), target.profile_name, target)
        if select or self.count() == 1:
            self.setCurrentIndex(self.count() - 1)

    def current_target(self) -> ApiTarget | None:
        data = self.currentData()
        return data if isinstance(data, ApiTarget) else None
