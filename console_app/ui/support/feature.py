"""Support tools in the window: paste a request (JSON or cURL) to fill the form, and
open a round's snapshot page from its transaction ID.

:class:`SupportFeature` takes the window's :class:`~console_app.ui.api.WindowApi`
(and the history feature, to record snapshots) and adds:

- Edit ▸ "Paste request / cURL" (Ctrl+Shift+V): reads the clipboard (or asks for the
  text when it is empty), fills the form through :func:`parse_pasted` and says what
  was filled and what was ignored. A pasted token (``HASH``) is never shown or kept.
- Game ▸ "Round snapshot…" (and a toolbar button): a small non-modal dialog; the
  transaction ID goes to ``/api/snapshot.php`` on the current target and the result
  page opens in a new tab beside the game, recorded in history (endpoint
  ``snapshot``).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, fields
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from console_app.core.errors import ConsoleError
from console_app.core.messages import SANDBOX_STARTING
from console_app.core.models import LaunchRequest
from console_app.core.prefill import Prefill, parse_pasted
from console_app.core.redaction import redact
from console_app.qtstyle import named, set_severity
from console_app.ui.aio import async_slot
from console_app.ui.theme import monospace_font

if TYPE_CHECKING:
    import asyncio

    from console_app.ui.api import WindowApi
    from console_app.ui.history.feature import HistoryFeature

log = logging.getLogger("console_app.ui.support")

PREFILL_BANNER = "prefill"
_FIELD_NAMES = {
    "gameid": "game", "gametype": "game type", "player_id": "player ID", "nickname": "nickname",
    "language": "language", "currency": "currency", "session_id": "session ID", "ip": "IP",
}


def prefill_summary(prefill: Prefill, filled: list[str]) -> str:
    """One line for the status bar: what was filled, ignored and noted."""
    parts = [f"Filled {len(filled)} field{'s' if len(filled) != 1 else ''}"
             + (f" ({', '.join(_FIELD_NAMES.get(f, f) for f in filled)})" if filled else "")]
    if prefill.unknown_fields:
        parts.append("ignored unknown: " + ", ".join(prefill.unknown_fields))
    if prefill.uuid:
        parts.append("its uuid is not reused (a new one is made on launch)")
    parts += prefill.problems
    parts += prefill.notes
    return redact("; ".join(parts))


class PasteDialog(QDialog):
    """A text box for a request JSON or a cURL command, when the clipboard is empty."""

    text_submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "pasteDialog", "Paste a request or cURL command")
        self.setWindowTitle("Paste request / cURL")
        self.text = named(QPlainTextEdit(self), "pasteText", "Request JSON or cURL command")
        self.text.setFont(monospace_font())
        self.text.setPlaceholderText('{"gameid": "…", "player": {…}}  or  curl -X POST …')
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.fill_button = buttons.addButton("Fill the form", QDialogButtonBox.ButtonRole.AcceptRole)
        named(self.fill_button, "pasteFill", "Fill the form")
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Paste a request JSON (e.g. from a partner's log) or a cURL command:"))
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(560, 300)

    def _on_buttons_accepted(self) -> None:
        text = self.text.toPlainText()
        # The box may hold a token: it does not outlive the dialog.
        self.text.clear()
        self.accept()
        self.text_submitted.emit(text)


class SnapshotDialog(QDialog):
    """Asks for a transaction ID; shows progress and errors in place (non-modal)."""

    open_requested = Signal(str)
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "snapshotDialog", "Round snapshot")
        self.setWindowTitle("Round snapshot")
        self.transaction_id = named(QLineEdit(self), "snapshotTransactionId", "Transaction ID")
        self.transaction_id.setPlaceholderText("e.g. tx-demo-1 (from the partner's bet/win records)")
        self.transaction_id.setClearButtonEnabled(True)
        self.message = named(QLabel(self), "snapshotMessage", "Snapshot status")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button = buttons.addButton("Open round", QDialogButtonBox.ButtonRole.AcceptRole)
        named(self.open_button, "snapshotOpen", "Open the round's result page")
        self.open_button.setDefault(True)
        buttons.accepted.connect(lambda: self.open_requested.emit(self.transaction_id.text()))
        buttons.rejected.connect(self._on_buttons_rejected)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Show one round's result from its transaction ID.\n"
                                "The page opens in a tab beside the game."))
        layout.addWidget(self.transaction_id)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def set_busy(self, busy: bool) -> None:
        self.open_button.setEnabled(not busy)
        self.transaction_id.setReadOnly(busy)
        if busy:
            self.show_message("Asking the API…", "info")

    def show_message(self, text: str, severity: str | None) -> None:
        self.message.setText(text)
        set_severity(self.message, severity)
        self.message.setVisible(bool(text))

    def _on_buttons_rejected(self) -> None:
        self.cancel_requested.emit()
        self.hide()


class SupportFeature(QObject):
    """Paste to prefill and round snapshots, wired into one window."""

    #: The form was filled from pasted text: the one-line summary shown.
    prefilled = Signal(str)
    #: A snapshot page opened: the tab (None when the game view is off).
    snapshot_opened = Signal(object)
    #: A snapshot failed: the line shown.
    snapshot_failed = Signal(str)

    def __init__(self, api: WindowApi, *, history: HistoryFeature | None = None) -> None:
        super().__init__(api)
        self.setObjectName("supportFeature")
        self.api = api
        self.history = history
        self.paste_dialog: PasteDialog | None = None
        self.snapshot_dialog: SnapshotDialog | None = None
        self._snapshot_task: asyncio.Task | None = None

        self.paste_action = self._action("&Paste request / cURL", "pasteRequestAction", self.paste_from_clipboard,
                                         "Ctrl+Shift+V", "Fill the form from a request JSON or cURL command")
        self.snapshot_action = self._action("&Snapshot…", "snapshotAction", self.show_snapshot_dialog,
                                            None, "Open a round's result page from its transaction ID")
        api.add_action(self.paste_action, menu="edit")
        api.add_action(self.snapshot_action, menu="game", toolbar="tools")
        api.launch_started.connect(lambda _launch: api.hide_banner(PREFILL_BANNER))
        api.shutting_down.connect(self.cancel_snapshot)

    def _action(self, text: str, name: str, slot, shortcut: str | None, tip: str) -> QAction:
        action = QAction(text, self.api)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            tip += f" ({shortcut})"
        action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    # ------------------------------------------------------------------ paste

    def paste_from_clipboard(self) -> None:
        """Fill the form from the clipboard; ask for the text when it is empty."""
        text = QGuiApplication.clipboard().text()
        if text.strip():
            self.apply_pasted(text)
            return
        if self.paste_dialog is None:
            self.paste_dialog = PasteDialog(self.api.parent_widget)
            self.paste_dialog.text_submitted.connect(self.apply_pasted)
        self.paste_dialog.show()
        self.paste_dialog.raise_()
        self.paste_dialog.text.setFocus()

    def apply_pasted(self, text: str) -> Prefill:
        """Fill the form from ``text`` (request JSON or cURL); fields the text does not
        give keep their values. Says what happened in the status bar and a banner."""
        prefill = parse_pasted(text)
        if prefill.request is None:
            line = redact("Nothing filled: " + "; ".join(prefill.problems))
            self.api.set_status(line, "error")
            self.api.show_banner(PREFILL_BANNER, line, "error")
            return prefill
        pasted = asdict(prefill.request)
        default = asdict(LaunchRequest.from_body({}))
        changes = {f.name: pasted[f.name] for f in fields(LaunchRequest)
                   if pasted[f.name] and pasted[f.name] != default[f.name]}
        self.api.form.set_request(self.api.form.request().with_changes(**changes))
        line = prefill_summary(prefill, list(changes))
        target = self.api.current_target()
        if target is not None and prefill.partner_id and prefill.partner_id != target.partner_id:
            line += redact(f"; it was for partner {prefill.partner_id}: launches still go to {target.profile_name}")
        severity = "warning" if prefill.problems else "info"
        self.api.set_status(line, severity)
        self.api.show_banner(PREFILL_BANNER, line, severity)
        self.prefilled.emit(line)
        return prefill

    # ------------------------------------------------------------------ snapshot

    def show_snapshot_dialog(self) -> SnapshotDialog:
        """Show the (non-modal) snapshot dialog."""
        if self.snapshot_dialog is None:
            self.snapshot_dialog = SnapshotDialog(self.api.parent_widget)
            self.snapshot_dialog.open_requested.connect(self.open_snapshot)
            self.snapshot_dialog.cancel_requested.connect(self.cancel_snapshot)
        self.snapshot_dialog.show()
        self.snapshot_dialog.raise_()
        # The dialog takes the keyboard: typed text and Enter must not reach the game.
        self.snapshot_dialog.activateWindow()
        self.snapshot_dialog.transaction_id.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        return self.snapshot_dialog

    def cancel_snapshot(self) -> None:
        if self._snapshot_task is not None and not self._snapshot_task.done():
            self._snapshot_task.cancel()

    @async_slot(str)
    async def open_snapshot(self, transaction_id: str) -> None:
        """Ask the current target for the round's page and open it in a new tab."""
        import asyncio

        from console_app.core.error_dictionary import for_paths
        from console_app.core.messages import describe

        dialog = self.snapshot_dialog
        transaction_id = transaction_id.strip()
        if not transaction_id:
            self._snapshot_problem("Enter the transaction ID from the partner's bet/win records")
            return
        target = self.api.current_target()
        if target is None:
            self._snapshot_problem(SANDBOX_STARTING)
            return
        if self._snapshot_task is not None and not self._snapshot_task.done():
            return
        self._snapshot_task = asyncio.current_task()
        if dialog is not None:
            dialog.set_busy(True)
        on_attempt, launch_id = (self.history.recorder_for(target, None, endpoint="snapshot")
                                 if self.history is not None else (None, None))
        try:
            resolved, session = await self.api.open_session(target)
            url = await session.client.snapshot(resolved, transaction_id, on_attempt=on_attempt)
        except asyncio.CancelledError:
            self.api.set_status("Snapshot cancelled", "warning")
            raise
        except ConsoleError as error:
            description = describe(error, endpoint="snapshot", dictionary=for_paths(self.api.paths))
            self._snapshot_problem(" — ".join(p for p in (description.headline, description.next_step) if p),
                                   description.severity)
            return
        finally:
            self._snapshot_task = None
            if dialog is not None:
                dialog.set_busy(False)
        title = redact(f"Round {transaction_id}")
        tab = self.api.open_page(url.reveal(), title, launch_id, beside=True)
        shown = f"Opened {title}" if tab is not None else f"{title}: {redact(url.reveal())} (game view off)"
        self.api.set_status(shown, "success")
        if dialog is not None:
            dialog.show_message(shown, "success")
        self.snapshot_opened.emit(tab)

    def _snapshot_problem(self, line: str, severity: str = "error") -> None:
        line = redact(line)
        self.api.set_status(f"Snapshot: {line}", severity)
        if self.snapshot_dialog is not None:
            self.snapshot_dialog.show_message(line, severity)
        self.snapshot_failed.emit(line)
