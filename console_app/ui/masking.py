"""Line edits that hide their value under screen-share: the field shows a mask of
fixed length (``•••``: neither the first letter nor the length) and is read-only
until screen-share ends; code reads and writes the real value through
:func:`field_text` and :func:`set_field_text`."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from console_app.core.redaction import MASK

_REAL = "screenShareRealText"
_TIP = "Hidden while screen-share is on (turn it off to see or edit it)"


def is_masked(line: QLineEdit) -> bool:
    return line.property(_REAL) is not None


def mask_field(line: QLineEdit, on: bool) -> None:
    """Show ``line``'s value masked (``on``) or as it is again."""
    if on == is_masked(line):
        return
    line.blockSignals(True)
    try:
        if on:
            line.setProperty(_REAL, line.text())
            line.setProperty("screenShareWasReadOnly", line.isReadOnly())
            line.setText(MASK if line.text() else "")
            line.setReadOnly(True)
            line.setToolTip(_TIP)
        else:
            line.setText(str(line.property(_REAL)))
            line.setProperty(_REAL, None)
            line.setReadOnly(bool(line.property("screenShareWasReadOnly")))
            line.setToolTip("")
    finally:
        line.blockSignals(False)


def field_text(line: QLineEdit) -> str:
    """The real value, masked or not."""
    return str(line.property(_REAL)) if is_masked(line) else line.text()


def set_field_text(line: QLineEdit, text: str) -> None:
    """Set the real value (still shown masked while screen-share is on)."""
    if is_masked(line):
        line.setProperty(_REAL, text)
        line.blockSignals(True)
        line.setText(MASK if text else "")
        line.blockSignals(False)
        line.textChanged.emit(line.text())
    else:
        line.setText(text)
