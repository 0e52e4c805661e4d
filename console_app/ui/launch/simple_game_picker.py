"""The form's game picker: a searchable list of ``game id — name`` from the bundled
sample catalog; typing filters by id or name, and any id can be typed.

The catalog area replaces this with a richer picker. A replacement is a QWidget that
provides the same small interface (what :class:`~console_app.ui.launch.form.LaunchForm`
uses): ``game_changed(str)`` signal, ``game_id()``, ``set_game_id(id)``,
``game_name(id) -> str | None`` and ``focus_search()``. Pass a factory for it as
``MainWindow(game_picker_factory=...)``.
"""

from __future__ import annotations

import json
import logging
from typing import Protocol

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QWidget

from console_app.core.paths import resources_dir
from console_app.ui.launch.code_combo import CodeCombo

log = logging.getLogger("console_app.ui")


class GamePicker(Protocol):
    """What the launch form needs from a game picker."""

    @property
    def game_changed(self) -> SignalInstance: ...

    def game_id(self) -> str: ...

    def set_game_id(self, game_id: str) -> None: ...

    def game_name(self, game_id: str) -> str | None: ...

    def focus_search(self) -> None: ...


def sample_games() -> list[tuple[str, str]]:
    """``(id, name)`` of the bundled sample catalog (empty, logged, if unreadable)."""
    path = resources_dir() / "sample_catalog.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [(str(g["id"]), str(g.get("name", ""))) for g in data.get("games", [])]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("cannot read the sample catalog %s: %s", path, exc)
        return []


class SimpleGamePicker(CodeCombo):
    """An editable, filterable list of the sample catalog's games."""

    game_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gamePicker")
        self.setAccessibleName("Game")
        self.setMinimumContentsLength(22)
        self.line_edit().setPlaceholderText("Type a game id or name")
        self.set_choices(sample_games())
        self.code_changed.connect(self.game_changed)

    def game_id(self) -> str:
        return self.code()

    def set_game_id(self, game_id: str) -> None:
        self.set_code(game_id)

    def game_name(self, game_id: str) -> str | None:
        return self.name_of(game_id)

    def focus_search(self) -> None:
        self.setFocus()
        self.line_edit().selectAll()
