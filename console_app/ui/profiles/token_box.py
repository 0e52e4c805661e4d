"""The Profiles dialog's token group: a masked field (shown on request, never copied),
Set/Replace and Delete, the token's state and the no-keyring notice.

The stored token is never read back: the field only ever holds what the user is
typing."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QToolButton, QVBoxLayout, QWidget

from console_app.qtstyle import named, themed

MEMORY_NOTICE = "No OS keyring on this machine: tokens are kept in memory for this run only."


class SecretLineEdit(QLineEdit):
    """A masked line edit whose text can be shown but never copied, cut or dragged out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setDragEnabled(False)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy) or event.matches(QKeySequence.StandardKey.Cut):
            event.ignore()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:  # noqa: N802 (Qt override): its Copy would bypass the key filter
        event.ignore()


class TokenBox(QGroupBox):
    """The token field with Show, Set token, Delete token and the status lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Token (HASH)", parent)
        named(self, "tokenGroup", "Token")
        self.token_edit = named(SecretLineEdit(), "tokenEdit", "Partner token")
        self.token_edit.setPlaceholderText("paste the token to set or replace it")
        self.reveal_button = themed(named(QToolButton(), "revealTokenButton", "Show token"))
        self.reveal_button.setText("Show")
        self.reveal_button.setCheckable(True)
        self.set_token_button = named(QPushButton("Set token"), "setTokenButton", "Set token")
        self.delete_token_button = named(QPushButton("Delete token"), "deleteTokenButton", "Delete token")
        self.status_label = named(QLabel(), "tokenStatusLabel", "Token status")
        self.keyring_notice_label = named(QLabel(MEMORY_NOTICE), "keyringNoticeLabel", "Keyring notice")
        self.keyring_notice_label.setWordWrap(True)
        # Its room is kept while it is hidden: the keyring's answer comes after the
        # dialog opened, and showing the notice must not grow the dialog under the mouse.
        policy = self.keyring_notice_label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.keyring_notice_label.setSizePolicy(policy)
        self.keyring_notice_label.setVisible(False)
        layout = QVBoxLayout(self)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit)
        token_row.addWidget(self.reveal_button)
        layout.addLayout(token_row)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.set_token_button)
        buttons_row.addWidget(self.delete_token_button)
        layout.addLayout(buttons_row)
        layout.addWidget(self.status_label)
        layout.addWidget(self.keyring_notice_label)
        self.reveal_button.toggled.connect(self._on_reveal_button_toggled)

    def set_screen_share(self, on: bool) -> None:
        """Under screen-share a typed token cannot be shown."""
        if on and self.reveal_button.isChecked():
            self.reveal_button.setChecked(False)
        self.reveal_button.setEnabled(not on)
        self.reveal_button.setToolTip("Hidden while screen-share is on" if on else "Show the typed token")

    def _on_reveal_button_toggled(self, shown: bool) -> None:
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.reveal_button.setText("Hide" if shown else "Show")
        self.reveal_button.setAccessibleName("Hide token" if shown else "Show token")
