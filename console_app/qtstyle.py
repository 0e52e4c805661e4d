"""Dynamic properties the console's style sheet reads (see :mod:`console_app.ui.theme`).

Below both ``ui`` and ``webengine``: a leaf that imports only Qt widgets, so the web
layer can mark its own banners without depending on the window's widgets.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


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


def named(widget: QWidget, object_name: str, accessible_name: str) -> QWidget:
    """Give ``widget`` its object name and accessible name (tests and screen readers)."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    return widget


__all__ = ["named", "set_problem", "set_severity"]
