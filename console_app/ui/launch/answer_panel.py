"""The answer of the last launch: on success the game URL (token hidden), status and
timings; on failure the decoded error (code, category, meaning, next step, whether a
retry may help, maybe-delivered warning, raw body) with Retry for retryable errors.
Every attempt is listed with its uuid, outcome and timing.

Wording comes from :func:`console_app.core.messages.describe`, never from here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console_app.core.models import Attempt, LaunchResult
from console_app.core.screen_share import ScreenShareMask
from console_app.qtstyle import named, set_severity
from console_app.ui.theme import monospace_font

_OUTCOME_TEXT = {
    "success": "success",
    "api_error": "API error",
    "transport_error": "network error",
    "bad_answer": "bad answer",
    "cancelled": "cancelled",
    "invalid": "not sent",
    "unanswered": "no answer",
}


#: Longest answer body the panel shows. Qt lays a line out in one piece: a 64 KB
#: one-line answer took ~8 ms to set and ~2 ms per paint of the GUI thread; 16 KB
#: takes ~2 ms and ~0.7 ms. History keeps the body (up to 64 KB) to copy whole.
SHOWN_BODY_CHARS = 16 * 1024


def shown_body(text: str) -> str:
    """``text`` cut to :data:`SHOWN_BODY_CHARS`, saying how much was left out."""
    if len(text) <= SHOWN_BODY_CHARS:
        return text
    hidden = len(text) - SHOWN_BODY_CHARS
    return f"{text[:SHOWN_BODY_CHARS]}\n… {hidden:,} more characters not shown here (History › Copy response has them)"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def _attempts(count: int) -> str:
    return f"{count} attempt{'' if count == 1 else 's'}"


class AnswerPanel(QWidget):
    """Shows one launch's outcome; ``retry_requested`` when Retry is clicked."""

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, mask: ScreenShareMask | None = None) -> None:
        super().__init__(parent)
        named(self, "answerPanel", "Answer")
        #: Decides what screen-share hides in the URL, body and messages.
        self.id_mask = mask or ScreenShareMask()
        # The last outcome shown, drawn again when screen-share is switched.
        self._shown: tuple | None = None
        self.headline = named(QLabel("No request sent yet — press Ctrl+Enter to launch", self), "answerHeadline",
                              "Answer headline")
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.headline.setProperty("chip", "false")
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.headline.setFont(font)
        self.retry_button = named(QPushButton("Retry", self), "retryButton", "Retry the launch")
        self.retry_button.setToolTip("Send the same request again with a new uuid")
        self.retry_button.clicked.connect(self.retry_requested)
        self.retry_button.hide()
        self.delivered_warning = named(QLabel(self), "maybeDelivered", "Maybe delivered warning")
        self.delivered_warning.setWordWrap(True)
        set_severity(self.delivered_warning, "warning")
        self.delivered_warning.hide()

        self.details = QFormLayout()
        self.details.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.details.setHorizontalSpacing(12)
        self._rows: dict[str, QLabel] = {}
        for key, label in (
            ("status", "Status"), ("code", "Code"), ("category", "Category"), ("meaning", "Meaning"),
            ("next", "Next step"), ("retry", "Retry"), ("url", "Game URL"), ("timing", "Time"),
        ):
            value = named(QLabel(self), f"answer{key.title()}", label)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key == "url":
                value.setFont(monospace_font())
            self._rows[key] = value
            self.details.addRow(f"{label}:", value)

        self.attempts = named(QTreeWidget(self), "attemptsTable", "Attempts")
        self.attempts.setHeaderLabels(["#", "uuid", "outcome", "HTTP", "time", "code"])
        self.attempts.setRootIsDecorated(False)
        self.attempts.setUniformRowHeights(True)
        self.attempts.setMaximumHeight(110)
        self.raw_body = named(QPlainTextEdit(self), "rawBody", "Raw answer body")
        self.raw_body.setReadOnly(True)
        # Raw bodies are often one long line (minified JSON): wrapping a 64 KB line
        # takes ~100 ms to lay out and again to paint, freezing the window.
        self.raw_body.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.raw_body.setFont(monospace_font())
        self.raw_body.setPlaceholderText("Raw answer body (secrets hidden)")

        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignTop)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(self.details)
        left.addWidget(self.attempts)
        columns.addLayout(left, 3)
        columns.addWidget(self.raw_body, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.delivered_warning)
        layout.addLayout(columns, 1)
        self.clear()

    # ------------------------------------------------------------------ states

    def clear(self) -> None:
        for value in self._rows.values():
            value.clear()
        self._set_rows_visible(set())
        self.attempts.clear()
        self.raw_body.clear()
        self.retry_button.hide()
        self.delivered_warning.hide()

    def show_pending(self) -> None:
        self.clear()
        self._headline("Sending…", "info")

    def add_attempt(self, attempt: Attempt) -> None:
        self._add_attempt_row(attempt)
        self._fit_attempt_columns()

    def _add_attempt_row(self, attempt: Attempt) -> None:
        item = QTreeWidgetItem([
            str(attempt.number),
            attempt.uuid,
            _OUTCOME_TEXT.get(attempt.outcome, attempt.outcome),
            "" if attempt.exchange.http_status is None else str(attempt.exchange.http_status),
            _ms(attempt.duration_ms),
            attempt.error_code or "",
        ])
        self.attempts.addTopLevelItem(item)

    def _fit_attempt_columns(self) -> None:
        for column in range(self.attempts.columnCount()):
            self.attempts.resizeColumnToContents(column)

    def refresh_mask(self) -> None:
        """Draw the shown outcome again (screen-share was switched)."""
        if self._shown is not None:
            show, *args = self._shown
            show(*args)

    def show_result(self, result: LaunchResult) -> None:
        self._shown = (self.show_result, result)
        self._headline("✔ Game session created", "success")
        # Rows shown before their text is set: showing a label that already holds a
        # long URL cost ~0.25 ms more (its size is worked out twice).
        self._set_rows_visible({"status", "url", "timing"})
        self._rows["status"].setText(f"HTTP {result.http_status}")
        self._rows["url"].setText(self.id_mask.text(result.redacted_url))
        last = result.attempts[-1] if result.attempts else None
        ttfb = f" · first byte {_ms(last.ttfb_ms)}" if last and last.ttfb_ms is not None else ""
        self._rows["timing"].setText(f"{_ms(result.duration_ms)} total{ttfb} · {_attempts(len(result.attempts))}")
        self._fill_attempts(result.attempts)
        # The stored body is redacted already (a 5 MB answer is not scanned again here).
        self.raw_body.setPlainText(shown_body(self.id_mask.ids(last.exchange.response_body)) if last else "")

    def show_error(self, error: Exception, description) -> None:
        """Show ``error`` as worded by ``description`` (from ``messages.describe``)."""
        self._shown = (self.show_error, error, description)
        attempts = list(getattr(error, "attempts", []) or [])
        self._headline(f"{'⚠' if description.severity == 'warning' else '✖'} {description.headline}", description.severity)
        status = getattr(error, "http_status", None)
        if status is None and attempts:
            status = attempts[-1].exchange.http_status
        shown = {"meaning", "retry"} | ({"next"} if description.next_step else set())
        if status is not None:
            self._rows["status"].setText(f"HTTP {status}")
            shown.add("status")
        code = getattr(error, "code", None)
        if code:
            self._rows["code"].setText(code)
            shown.add("code")
        category = getattr(error, "category", None)
        if category:
            self._rows["category"].setText(
                {"G": "G — generic failure", "V": "V — input validation failed"}.get(category, category)
            )
            shown.add("category")
        self._rows["meaning"].setText(self.id_mask.text(description.meaning))
        self._rows["next"].setText(self.id_mask.text(description.next_step))
        self._rows["retry"].setText("may help — use Retry" if description.retryable else "will not help as is")
        if attempts:
            total = sum(a.duration_ms for a in attempts)
            self._rows["timing"].setText(f"{_ms(total)} over {_attempts(len(attempts))}")
            shown.add("timing")
        self._set_rows_visible(shown)
        self._fill_attempts(attempts)
        raw = getattr(error, "raw_body", "") or (attempts[-1].exchange.response_body if attempts else "")
        self.raw_body.setPlainText(shown_body(self.id_mask.text(raw)))
        self.retry_button.setVisible(bool(description.retryable))
        if description.maybe_delivered:
            self.delivered_warning.setText(
                "⚠ The API may have received this request: a game session may already exist. "
                "Check before launching again."
            )
            self.delivered_warning.show()

    def mark_expected(self, headline: str) -> None:
        """The failure shown is what the request was sent to provoke (e.g. a reused
        uuid refused): say so, in the success colour, without Retry."""
        self._headline(f"✔ {headline}", "success")
        self.retry_button.hide()
        self.delivered_warning.hide()

    def show_cancelled(self, attempts: list[Attempt]) -> None:
        self._shown = (self.show_cancelled, attempts)
        self.clear()
        self._headline("Cancelled", "warning")
        self._fill_attempts(attempts)
        if attempts:
            self.delivered_warning.setText(
                "⚠ The request may already have reached the API: a game session may exist."
            )
            self.delivered_warning.show()

    # ------------------------------------------------------------------ helpers

    def _headline(self, text: str, severity: str) -> None:
        self.headline.setText(text)
        set_severity(self.headline, severity)

    def _fill_attempts(self, attempts: list[Attempt]) -> None:
        self.attempts.clear()
        for attempt in attempts:
            self._add_attempt_row(attempt)
        self._fit_attempt_columns()

    def _set_rows_visible(self, keys: set[str]) -> None:
        # Only rows that change: each setRowVisible re-lays the form out (~75 µs).
        for key, value in self._rows.items():
            if self.details.isRowVisible(value) != (key in keys):
                self.details.setRowVisible(value, key in keys)
