"""The toolbar's device choice: Desktop (fill), Phone portrait 390×844, Phone
landscape 844×390, Tablet 820×1180 or Custom W×H (asked in a small non-modal dialog)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from console_app.core.devices import CUSTOM_MAX, CUSTOM_MIN, DESKTOP, PRESETS, Device, custom, device_named
from console_app.core.errors import InvalidInputError
from console_app.qtstyle import named

_CUSTOM = "custom"


class CustomDeviceDialog(QDialog):
    """Width and height of a custom viewport."""

    chosen = Signal(int, int)

    def __init__(self, parent: QWidget | None, width: int, height: int) -> None:
        super().__init__(parent)
        named(self, "customDeviceDialog", "Custom device size")
        self.setWindowTitle("Custom device")
        self.width_box = named(QSpinBox(self), "customDeviceWidth", "Width in CSS pixels")
        self.height_box = named(QSpinBox(self), "customDeviceHeight", "Height in CSS pixels")
        for box, value in ((self.width_box, width), (self.height_box, height)):
            box.setRange(CUSTOM_MIN, CUSTOM_MAX)
            box.setValue(value)
            box.setSuffix(" px")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("Width", self.width_box)
        layout.addRow("Height", self.height_box)
        layout.addRow(buttons)

    def _on_buttons_accepted(self) -> None:
        self.accept()
        self.chosen.emit(self.width_box.value(), self.height_box.value())


class DeviceSelector(QComboBox):
    """Emits ``device_changed(Device)`` when the user picks another device."""

    device_changed = Signal(Device)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "deviceSelector", "Device the game is shown as")
        self.setToolTip("Show the game as on a phone or tablet (its viewport and user agent)")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # Short names keep the toolbar narrow (a laptop at 200 % is ~860 px wide);
        # the sizes are in each item's tooltip.
        for preset in PRESETS:
            self.addItem(preset.label, preset.name)
            self.setItemData(self.count() - 1, preset.caption, Qt.ItemDataRole.ToolTipRole)
        self.addItem("Custom…", _CUSTOM)
        self._device = DESKTOP
        self._dialog: CustomDeviceDialog | None = None
        self.activated.connect(self._on_activated)

    def device(self) -> Device:
        return self._device

    def set_device(self, device: Device) -> None:
        """Show ``device`` as chosen (emits ``device_changed`` when it differs)."""
        index = self.findData(device.name)
        if index < 0:
            self.setItemText(self.count() - 1, f"{device.width}×{device.height}…")
            index = self.count() - 1
        self.setCurrentIndex(index)
        if device != self._device:
            self._device = device
            self.device_changed.emit(device)

    def set_device_name(self, name: str) -> None:
        """Restore a remembered device; an unknown name leaves Desktop."""
        try:
            self.set_device(device_named(name))
        except InvalidInputError:
            self.set_device(DESKTOP)

    @Slot(int)
    def _on_activated(self, index: int) -> None:
        name = self.itemData(index)
        if name != _CUSTOM:
            self.set_device(device_named(name))
            return
        # Back to what was chosen until the dialog is answered.
        self.setCurrentIndex(max(0, self.findData(self._device.name)) if not self._device.name.startswith(
            "custom:") else self.count() - 1)
        width, height = (self._device.width, self._device.height) if not self._device.fills else (360, 800)
        self._dialog = CustomDeviceDialog(self.window(), width, height)
        self._dialog.chosen.connect(lambda w, h: self.set_device(custom(w, h)))
        self._dialog.open()
