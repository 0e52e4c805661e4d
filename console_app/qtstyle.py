"""Dynamic properties the console's style sheet reads (see :mod:`console_app.ui.theme`).

Below both ``ui`` and ``webengine``: a leaf that imports only Qt widgets, so the web
layer can mark its own banners without depending on the window's widgets.

The style sheet goes on the widgets that use it (:func:`themed`), not on the
QApplication: an application style sheet puts every widget of the window under Qt's
style-sheet style, which made building, polishing and painting the window ~20 ms
slower at start-up and ~30 ms slower to ready-to-launch. Themed widgets keep their
own extra rules (:func:`themed`'s ``extra``), and follow the OS light/dark switch
(:func:`set_theme_sheet`).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QFrame, QScrollArea, QWidget

#: The property marking a widget that carries the theme's style sheet.
THEMED = "lmThemed"
#: The property holding a themed widget's own rules, kept across theme changes.
EXTRA = "lmStyleExtra"
_theme_sheet = ""


def _sheet_of(widget: QWidget) -> str:
    return "\n".join(part for part in (_theme_sheet, widget.property(EXTRA) or "") if part)


def themed[W: QWidget](widget: W, extra: str | None = None) -> W:
    """Give ``widget`` (and its children) the theme's style sheet, followed by its own
    ``extra`` rules when given (``None`` keeps the ones it has; ``""`` drops them).
    Within one sheet the later of two equally specific rules wins, so ``extra``
    rules repeat the theme's selector to override it."""
    if extra is not None:
        widget.setProperty(EXTRA, extra)
    widget.setProperty(THEMED, True)
    sheet = _sheet_of(widget)
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)
    return widget


def set_theme_sheet(sheet: str) -> None:
    """The theme's style sheet (light or dark), applied to every themed widget now and
    to those themed later."""
    global _theme_sheet
    _theme_sheet = sheet
    for widget in QApplication.allWidgets():
        if widget.property(THEMED):
            themed(widget)
        if widget.property("role") == "hint":
            _hint_palette(widget)


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_severity(widget: QWidget, severity: str | None) -> None:
    """Set the ``severity`` property and re-polish so the style sheet applies it."""
    widget.setProperty("severity", severity or "")
    themed(widget)
    _repolish(widget)


def set_problem(widget: QWidget, problem: str | None) -> None:
    """Mark a form field as having a ``warning`` or ``error`` (or clear it)."""
    widget.setProperty("problem", problem or "")
    if not problem and not widget.property(THEMED):
        return  # never marked: nothing to take off
    themed(widget)
    _repolish(widget)


def set_role[W: QWidget](widget: W, role: str) -> W:
    """Give ``widget`` a ``role``: ``primary`` (a button the style sheet draws),
    ``heading`` (semi-bold) or ``hint`` (the placeholder text colour). Headings and
    hints take a font or palette, not a style sheet: cheaper, and there are many."""
    widget.setProperty("role", role)
    if role == "heading":
        font = widget.font()
        font.setWeight(QFont.Weight.DemiBold)
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 0.5)
        widget.setFont(font)
    elif role == "hint":
        _hint_palette(widget)
    else:
        themed(widget)
        _repolish(widget)
    return widget


def _hint_palette(widget: QWidget) -> None:
    palette = QApplication.palette(widget)
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    widget.setPalette(palette)


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


__all__ = ["COPIED_MS", "confirm_copied", "named", "set_problem", "set_role", "set_severity", "set_theme_sheet", "themed"]


def scroll_holder(widget: QWidget, name: str, title: str) -> QScrollArea:
    """``widget`` in a frameless scroll area: it scrolls rather than imposing its size."""
    holder = named(QScrollArea(), name, title)
    holder.setWidget(widget)
    holder.setWidgetResizable(True)
    holder.setFrameShape(QFrame.Shape.NoFrame)
    return holder


def centred_fit(area: QRect, width: int, height: int, share: float = 0.9) -> QRect:
    """``width`` × ``height`` cut to at most ``share`` of ``area`` on each side, centred
    on it (a window on a screen's available geometry)."""
    width, height = min(width, int(area.width() * share)), min(height, int(area.height() * share))
    return QRect(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2, width, height)
