"""The live preview of the exact request: method, URL (``HASH`` hidden) and JSON body.

The uuid reads "generated on send" until the request is sent, then the real one.
Everything shown (and copied) is redacted; in screen-share mode player and session
IDs are masked too.
"""

from __future__ import annotations

import json

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from console_app.core.models import ApiTarget, LaunchRequest
from console_app.core.redaction import MASK, mask_id, redact
from console_app.qtstyle import confirm_copied, named, set_role
from console_app.ui.theme import monospace_font

UUID_PLACEHOLDER = "generated on send"


def preview_text(
    target: ApiTarget | None, request: LaunchRequest, uuid: str | None, *, screen_share: bool = False
) -> str:
    """The request as text: ``POST <url>``, the content type and the pretty JSON body."""
    api_url = target.api_url if target else "<API URL>"
    partner = target.partner_id if target else "<Partner ID>"
    if screen_share:
        partner = mask_id(partner)
        request = request.with_changes(player_id=mask_id(request.player_id), session_id=mask_id(request.session_id))
    body = json.dumps(request.body(uuid or UUID_PLACEHOLDER), indent=2, ensure_ascii=False)
    text = (
        f"POST {api_url}/api/session?MEMB_ID={partner}&HASH={MASK}\n"
        "Content-Type: application/json\n\n"
        f"{body}\n"
    )
    return redact(text)


class RequestPreview(QWidget):
    """Read-only, copyable preview of the next (or last sent) request."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "requestPreview", "Request preview")
        self.text = named(QPlainTextEdit(self), "requestPreviewText", "Request preview text")
        self.text.setReadOnly(True)
        self.text.setFont(monospace_font())
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.state = named(QLabel("Preview of the next request", self), "requestPreviewState", "Preview state")
        set_role(self.state, "hint")
        self.copy_button = named(QPushButton("Copy", self), "copyRequest", "Copy the request")
        self.copy_button.setToolTip("Copy the request (token hidden) to the clipboard")
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        top = QHBoxLayout()
        top.addWidget(self.state, 1)
        top.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        self._target: ApiTarget | None = None
        self._request: LaunchRequest | None = None
        self._uuid: str | None = None
        self._screen_share = False

    def show_request(
        self, target: ApiTarget | None, request: LaunchRequest, uuid: str | None = None
    ) -> None:
        """Show ``request``; ``uuid`` None means not sent yet."""
        self._target, self._request, self._uuid = target, request, uuid
        self.state.setText(f"Sent with uuid {uuid}" if uuid else "Preview of the next request")
        self._render()

    def set_screen_share(self, on: bool) -> None:
        self._screen_share = on
        self._render()

    def _render(self) -> None:
        if self._request is None:
            return
        self.text.setPlainText(
            preview_text(self._target, self._request, self._uuid, screen_share=self._screen_share)
        )

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(redact(self.text.toPlainText()))
        confirm_copied(self.copy_button)
