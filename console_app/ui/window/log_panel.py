"""The Log tab: the console's own log records (redacted), newest at the bottom."""

from __future__ import annotations

import logging
from collections import deque

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from console_app.core.redaction import RedactingFilter
from console_app.core.screen_share import ScreenShareMask
from console_app.qtstyle import named
from console_app.ui.theme import monospace_font


class _Relay(QObject):
    # Records may come from any thread (the sandbox, Chromium callbacks): a queued
    # signal moves them to the GUI thread.
    record_formatted = Signal(str)


class _PanelHandler(logging.Handler):
    def __init__(self, relay: _Relay) -> None:
        super().__init__(logging.INFO)
        self._relay = relay
        self.addFilter(RedactingFilter())
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._relay.record_formatted.emit(self.format(record))
        except RuntimeError:  # the panel is gone (window closing)
            pass


class LogPanel(QWidget):
    """Shows records of the ``console_app`` loggers while it is attached."""

    #: Lines kept (and shown).
    MAX_LINES = 5000

    def __init__(self, parent: QWidget | None = None, *, logger_name: str = "console_app",
                 mask: ScreenShareMask | None = None) -> None:
        super().__init__(parent)
        named(self, "logPanel", "Log")
        self.id_mask = mask or ScreenShareMask()
        # The redacted lines as logged: drawn again, masked or not, when screen-share switches.
        self._lines: deque[str] = deque(maxlen=self.MAX_LINES)
        self.text = named(QPlainTextEdit(self), "logText", "Log text")
        self.text.setReadOnly(True)
        self.text.setFont(monospace_font())
        self.text.setMaximumBlockCount(self.MAX_LINES)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.text)
        self._relay = _Relay(self)
        self._relay.record_formatted.connect(self._on_relay_record_formatted)
        self._handler = _PanelHandler(self._relay)
        self._logger = logging.getLogger(logger_name)
        self._logger.addHandler(self._handler)
        if self._logger.getEffectiveLevel() > logging.INFO:
            self._logger.setLevel(logging.INFO)

    def refresh_mask(self) -> None:
        """Draw every kept line again (screen-share was switched)."""
        self.text.setPlainText("\n".join(self.id_mask.ids(line) for line in self._lines))
        self.text.moveCursor(QTextCursor.MoveOperation.End)
        self._show_line_starts()

    def _on_relay_record_formatted(self, line: str) -> None:
        self._lines.append(line)
        self.text.appendPlainText(self.id_mask.ids(line))
        self._show_line_starts()

    def _show_line_starts(self) -> None:
        # Lines do not wrap: following the end of a long one would scroll the time and
        # level of every line out of sight.
        self.text.horizontalScrollBar().setValue(0)

    def detach(self) -> None:
        """Stop receiving records (call before the panel is deleted)."""
        self._logger.removeHandler(self._handler)
