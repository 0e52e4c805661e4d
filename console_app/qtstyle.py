"""Dynamic properties the console's style sheet reads (see :mod:`console_app.ui.theme`).

Below both ``ui`` and ``webengine``: a leaf that imports only Qt widgets, so the web
layer can mark its own banners without depending on the window's widgets.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QWidget


def set_severity(widget: QWidget, severity: str | None) -> None:
    """Set the ``severity`` property and re-polish so the style sheet applies it."""
    widget.setProperty("severity", severity or "")
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_problem(widget: QWidget, problem: str | None) -> None:
    """Mark a form field as having a ``warning`` or ``error`` (or clear it)."""
    widget.setProperty("problem", problem or "")
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def named[W: QWidget](widget: W, object_name: str, accessible_name: str) -> W:
    """Give ``widget`` its object name and accessible name (tests and screen readers)."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    return widget




#: How long a button says "Copied" after copying.
COPIED_MS = 1500


def confirm_copied(button: QAbstractButton, text: str = "Copied ✓") -> None:
    """Say on ``button`` that its text reached the clipboard, for a moment."""
    original = button.property("copyText") or button.text()
    button.setProperty("copyText", original)
    button.setText(text)
    QTimer.singleShot(COPIED_MS, button, lambda: button.setText(original))


__all__ = ["COPIED_MS", "confirm_copied", "named", "set_problem", "set_severity"]
