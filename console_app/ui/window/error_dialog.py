"""The non-modal dialog for unexpected errors (from the global exception hooks).

One dialog is reused: a burst of errors updates it instead of stacking windows.
The text is redacted; the full traceback is in the log file.
"""

from __future__ import annotations

import traceback

from PySide6.QtWidgets import QMessageBox, QWidget

from console_app.core.redaction import redact


class UnexpectedErrorDialog(QMessageBox):
    """Shows the latest unexpected error; the app keeps running."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unexpectedErrorDialog")
        self.setAccessibleName("Unexpected error")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle("Unexpected error")
        self.setStandardButtons(QMessageBox.StandardButton.Close)
        self.setModal(False)
        self.count = 0

    def show_error(self, exc_type, exc, tb) -> None:
        self.count += 1
        summary = redact(f"{exc_type.__name__}: {exc}")
        more = f" ({self.count} so far)" if self.count > 1 else ""
        self.setText(
            f"Something went wrong{more}, but the console is still running.\n\n{summary}\n\n"
            "Details are in the log file; please report it."
        )
        self.setDetailedText(redact("".join(traceback.format_exception(exc_type, exc, tb))))
        self.show()
        self.raise_()
