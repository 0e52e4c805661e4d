"""The stage a game page is shown on: filling the tab, or at a device's viewport."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from console_app.core.devices import DESKTOP, Device, fit_zoom


class DeviceStage(QWidget):
    """Holds the web view: filling it (desktop) or at a device's CSS viewport, scaled
    down (zoom) to fit and centred on a dark stage."""

    #: Qt's zoom factor range.
    MIN_ZOOM, MAX_ZOOM = 0.25, 5.0
    #: Around a scaled device: dark, like the demo game and most slot games.
    STAGE_COLOR = "#1b1e24"

    def __init__(self, view: QWebEngineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceStage")
        self.view = view
        view.setParent(self)
        self.device: Device = DESKTOP
        # A palette, not a style sheet: a plain QWidget draws no style sheet background.
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(self.STAGE_COLOR))
        self.setPalette(palette)

    def set_device(self, device: Device) -> None:
        self.device = device
        # Filling, the page covers the stage: nothing around it to draw.
        self.setAutoFillBackground(not device.fills)
        self._place()

    def zoom(self) -> float:
        """The factor the page is drawn at (1.0 when it fills the view)."""
        return self.view.zoomFactor()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        width, height = self.width(), self.height()
        device = self.device
        if device.fills or width <= 0 or height <= 0:
            self.view.setZoomFactor(1.0)
            self.view.setGeometry(0, 0, width, height)
            return
        zoom, shown_w, shown_h = fit_zoom(width, height, device, min_zoom=self.MIN_ZOOM)
        self.view.setZoomFactor(zoom)
        self.view.setGeometry((width - shown_w) // 2, (height - shown_h) // 2, shown_w, shown_h)
