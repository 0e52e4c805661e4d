"""What the window remembers between runs, in an INI file in the config folder
(never the registry or the home folder): geometry, splitter sizes and the last form
values. Never the uuid, never a token: a :class:`LaunchRequest` holds neither.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

from console_app.core.models import LaunchRequest

_FORM_FIELDS = tuple(f.name for f in fields(LaunchRequest))


class WindowState:
    """Reads and writes ``window.ini``."""

    def __init__(self, config_dir: Path) -> None:
        config_dir.mkdir(parents=True, exist_ok=True)
        self.path = config_dir / "window.ini"
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def restore_geometry(self, window: QMainWindow) -> bool:
        """Restore the window's geometry; False when none was saved (the caller then
        clamps it to the current screen either way)."""
        geometry = self._settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            return bool(window.restoreGeometry(geometry))
        return False

    def splitter_sizes(self, name: str, count: int) -> list[int] | None:
        """The saved sizes of splitter ``name`` (None unless all ``count`` are > 0:
        a collapsed game view would look blank)."""
        sizes = self._settings.value(f"splitters/{name}")
        if not isinstance(sizes, list) or len(sizes) != count:
            return None
        try:
            values = [int(v) for v in sizes]
        except (TypeError, ValueError):
            return None
        return values if min(values) > 0 else None

    def drawer(self) -> tuple[bool, int | None]:
        """Whether the bottom drawer was collapsed, and its open height."""
        collapsed = str(self._settings.value("drawer/collapsed", "false")).lower() == "true"
        stored: Any = self._settings.value("drawer/height", 0)  # text from the file, or a number
        try:
            height = int(stored) or None
        except (TypeError, ValueError):
            height = None
        return collapsed, height

    def device_name(self) -> str:
        """The device the game view showed (a preset name or ``custom:WxH``)."""
        return str(self._settings.value("view/device", "") or "")

    def save_window(self, window: QMainWindow, splitters: dict[str, QSplitter], *,
                    drawer_collapsed: bool, drawer_height: int, device: str = "desktop") -> None:
        self._settings.setValue("window/geometry", window.saveGeometry())
        for name, splitter in splitters.items():
            self._settings.setValue(f"splitters/{name}", [int(v) for v in splitter.sizes()])
        self._settings.setValue("drawer/collapsed", "true" if drawer_collapsed else "false")
        self._settings.setValue("drawer/height", int(drawer_height))
        self._settings.setValue("view/device", device)

    def form_values(self) -> LaunchRequest | None:
        """The last form values, or None if never saved."""
        if not self._settings.contains("form/gameid"):
            return None
        return LaunchRequest(**{name: str(self._settings.value(f"form/{name}", "") or "") for name in _FORM_FIELDS})

    def save_form_values(self, request: LaunchRequest) -> None:
        for name in _FORM_FIELDS:
            self._settings.setValue(f"form/{name}", getattr(request, name))

    def sync(self) -> None:
        self._settings.sync()
