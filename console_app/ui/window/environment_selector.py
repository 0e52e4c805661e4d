"""The toolbar's environment selector: which API target launches go to.

It lists the embedded Sandbox and, through :mod:`console_app.ui.profiles.feature`,
every profile (:meth:`EnvironmentSelector.add_target` / ``remove_target``); the
window reacts to ``target_changed``. The dot's
colour is the profile kind's accent: neutral sandbox, blue staging, red production.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QComboBox, QWidget

from console_app.core.models import ApiTarget
from console_app.qtstyle import named

KIND_COLOURS = {"sandbox": "#7a8794", "staging": "#2f6fde", "production": "#d93025"}


def kind_icon(kind: str, color: str | None = None) -> QIcon:
    """A small filled dot in ``color``, else the accent colour of a profile kind."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color or KIND_COLOURS.get(kind, KIND_COLOURS["sandbox"])))
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

    def add_target(self, target: ApiTarget, *, select: bool = False, color: str | None = None,
                   label: str | None = None) -> None:
        """List ``target`` (replacing one with the same profile name); ``color`` and
        ``label`` override the kind's dot and the profile name shown."""
        icon = kind_icon(target.profile_kind, color)
        text = label or target.profile_name
        for index in range(self.count()):
            if self.itemData(index).profile_name == target.profile_name:
                self.setItemData(index, target)
                if color is not None or label is not None:
                    self.setItemIcon(index, icon)
                    self.setItemText(index, text)
                if select or index == self.currentIndex():
                    self.setCurrentIndex(index)
                    self.target_changed.emit(target)
                return
        self.addItem(icon, text, target)
        self.setItemData(self.count() - 1, f"{target.profile_name} ({target.profile_kind})", Qt.ItemDataRole.ToolTipRole)
        if select or self.count() == 1:
            self.setCurrentIndex(self.count() - 1)

    def remove_target(self, profile_name: str) -> None:
        """Stop listing the target of ``profile_name`` (if listed)."""
        for index in range(self.count()):
            if self.itemData(index).profile_name == profile_name:
                self.removeItem(index)
                return

    def targets(self) -> list[ApiTarget]:
        """The listed targets, in order."""
        return [self.itemData(index) for index in range(self.count())]

    def profile_names(self) -> list[str]:
        """The listed profile names, in order."""
        return [target.profile_name for target in self.targets()]

    def current_target(self) -> ApiTarget | None:
        data = self.currentData()
        return data if isinstance(data, ApiTarget) else None
