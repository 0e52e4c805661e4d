"""What the window remembers between runs, in an INI file in the config folder
(never the registry or the home folder): geometry, splitter sizes and the last form
values. Never the uuid, never a token: a :class:`LaunchRequest` holds neither.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

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

    def restore_window(self, window: QMainWindow, splitters: dict[str, QSplitter]) -> bool:
        """Restore geometry and splitter sizes; False when nothing was saved."""
        geometry = self._settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            window.restoreGeometry(geometry)
        for name, splitter in splitters.items():
            sizes = self._settings.value(f"splitters/{name}")
            if isinstance(sizes, list) and len(sizes) == splitter.count():
                values = [int(v) for v in sizes]
                # Never restore a collapsed game view (it would look blank).
                if min(values) > 0:
                    splitter.setSizes(values)
        return isinstance(geometry, QByteArray)

    def save_window(self, window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
        self._settings.setValue("window/geometry", window.saveGeometry())
        for name, splitter in splitters.items():
            self._settings.setValue(f"splitters/{name}", [int(v) for v in splitter.sizes()])

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
