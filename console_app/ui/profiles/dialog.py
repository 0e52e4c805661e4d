"""The Profiles dialog: add, edit, rename and remove profiles; set, replace and delete
their tokens.

A thin layer over :class:`~console_app.core.profiles.ProfileStore` and a credential
store (normally :class:`~console_app.core.credentials.RunCredentials`). Keyring calls
can block (a locked keyring waits for an unlock prompt), so every one runs off the GUI
thread (:class:`~console_app.ui.profiles.keyring_calls.KeyringCalls`); the dialog
stays responsive and shows a busy line meanwhile.

The stored token is never read back into the dialog: the token field only ever holds
what the user is typing, masked unless they press Show, and it cannot be copied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console_app.core.errors import ConsoleError
from console_app.core.profiles import KINDS, PlayerDefaults, Profile, ProfileStore, api_host
from console_app.core.redaction import redact
from console_app.qtstyle import centred_fit, named, scroll_holder, themed
from console_app.ui.masking import field_text, mask_field, set_field_text
from console_app.ui.profiles.keyring_calls import KeyringCalls
from console_app.ui.profiles.token_box import TokenBox

log = logging.getLogger("console_app.ui.profiles.dialog")

_PROXY_MODES = (("system", "System settings (HTTPS_PROXY / NO_PROXY)"), ("none", "No proxy"), ("explicit", "This proxy:"))


DISCARD_TOKEN_TEXT = ("The token you typed is not set yet: press Set token to keep it in the OS keyring, "
                      "or Close again to forget it.")


class ProfileDialog(QDialog):
    """Add/edit/remove profiles and their tokens.

    Signals: ``profiles_changed()`` after any profile is saved, renamed or removed;
    ``token_changed(str)`` with the profile name after its token was set or deleted;
    ``busy_changed(bool)`` around every keyring call.
    """

    profiles_changed = Signal()
    token_changed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, store: ProfileStore, credentials: Any, parent: QWidget | None = None,
                 *, select: str | None = None) -> None:
        super().__init__(parent)
        named(self, "profileDialog", "Profiles")
        self.setWindowTitle("Profiles")
        self._store = store
        self._credentials = credentials
        self._current: Profile | None = None
        self._keyring = KeyringCalls(self)
        self._keyring.busy_changed.connect(self._on_keyring_busy_changed)
        self._keyring.failed.connect(self._show_error)
        self._status_generation = 0
        self._build()
        self._reload(select)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.profile_list = named(QListWidget(), "profileList", "Profiles")
        self.add_button = named(QPushButton("Add"), "addProfileButton", "Add profile")
        self.remove_button = named(QPushButton("Remove…"), "removeProfileButton", "Remove profile")
        left = QVBoxLayout()
        left.addWidget(self.profile_list)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        left.addLayout(row)

        self.name_edit = named(QLineEdit(), "profileNameEdit", "Profile name")
        self.kind_combo = named(QComboBox(), "profileKindCombo", "Kind")
        self.kind_combo.addItems(KINDS)
        self.api_url_edit = named(QLineEdit(), "apiUrlEdit", "API URL")
        self.api_url_edit.setPlaceholderText("https://…")
        self.partner_id_edit = named(QLineEdit(), "partnerIdEdit", "Partner ID (MEMB_ID)")
        self.color_edit = named(QLineEdit(), "profileColorEdit", "Colour")
        self.color_edit.setPlaceholderText("#rrggbb (default: the kind's colour)")
        self.verify_tls_check = named(QCheckBox("Verify the server's certificate"), "verifyTlsCheck", "Verify TLS")
        self.ca_bundle_edit = named(QLineEdit(), "caBundleEdit", "CA bundle file")
        self.ca_bundle_edit.setPlaceholderText("OS trust store")
        self.ca_bundle_button = themed(named(QToolButton(), "caBundleBrowseButton", "Choose CA bundle file"))
        self.ca_bundle_button.setText("…")
        self.proxy_combo = named(QComboBox(), "proxyModeCombo", "Proxy")
        for mode, label in _PROXY_MODES:
            self.proxy_combo.addItem(label, mode)
        self.proxy_url_edit = named(QLineEdit(), "proxyUrlEdit", "Proxy URL")
        self.proxy_url_edit.setPlaceholderText("http://host:port")
        self.connect_timeout_spin = named(QDoubleSpinBox(), "connectTimeoutSpin", "Connect timeout")
        self.deadline_spin = named(QDoubleSpinBox(), "deadlineSpin", "Deadline")
        for spin in (self.connect_timeout_spin, self.deadline_spin):
            spin.setRange(0.1, 600.0)
            spin.setSuffix(" s")
        self.retries_spin = named(QSpinBox(), "retriesSpin", "Retries")
        self.retries_spin.setRange(0, 10)
        self.default_edits: dict[str, QLineEdit] = {}
        for field, label in (("player_id", "Player ID"), ("nickname", "Nickname"), ("language", "Language"),
                             ("currency", "Currency"), ("ip", "IP")):
            self.default_edits[field] = named(QLineEdit(), f"default{label.replace(' ', '')}Edit", f"Default {label.lower()}")

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Kind", self.kind_combo)
        form.addRow("API URL", self.api_url_edit)
        form.addRow("Partner ID", self.partner_id_edit)
        form.addRow("Colour", self.color_edit)
        form.addRow("TLS", self.verify_tls_check)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle_edit)
        ca_row.addWidget(self.ca_bundle_button)
        form.addRow("CA bundle", ca_row)
        proxy_row = QHBoxLayout()
        proxy_row.addWidget(self.proxy_combo)
        proxy_row.addWidget(self.proxy_url_edit)
        form.addRow("Proxy", proxy_row)
        form.addRow("Connect timeout", self.connect_timeout_spin)
        form.addRow("Deadline", self.deadline_spin)
        form.addRow("Retries", self.retries_spin)
        defaults_box = named(QGroupBox("Default player"), "playerDefaultsGroup", "Default player")
        defaults_form = QFormLayout(defaults_box)
        for edit in self.default_edits.values():
            defaults_form.addRow(edit.accessibleName().removeprefix("Default ").capitalize(), edit)

        self.token_box = TokenBox()
        box = self.token_box
        self.token_edit, self.reveal_button = box.token_edit, box.reveal_button
        self.set_token_button, self.delete_token_button = box.set_token_button, box.delete_token_button
        self.token_status_label, self.keyring_notice_label = box.status_label, box.keyring_notice_label

        self.error_label = named(QLabel(), "profileErrorLabel", "Profile error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {QColor('#d93025').name()};")
        self.busy_label = named(QLabel(), "keyringBusyLabel", "Keyring activity")
        # One line tall with or without its text: keyring calls come and go.
        self.busy_label.setMinimumHeight(self.busy_label.fontMetrics().height())
        self.save_button = named(QPushButton("Save"), "saveProfileButton", "Save profile")
        self.button_box = named(QDialogButtonBox(QDialogButtonBox.StandardButton.Close), "profileDialogButtons", "Dialog buttons")

        # The fields scroll when the screen is short (a 720 px laptop); Save stays in view.
        self._fields = fields = named(QWidget(), "profileFields", "Profile fields")
        right_fields = QVBoxLayout(fields)
        right_fields.setContentsMargins(0, 0, 0, 0)
        right_fields.addLayout(form)
        right_fields.addWidget(defaults_box)
        right_fields.addWidget(self.token_box)
        right_fields.addWidget(self.error_label)
        right_fields.addWidget(self.busy_label)
        right_fields.addStretch(1)
        self.fields_scroll = scroll_holder(fields, "profileFieldsScroll", "Profile fields")
        self.fields_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fields_scroll.setMinimumWidth(fields.sizeHint().width() + self.fields_scroll.verticalScrollBar().sizeHint().width())
        right = QVBoxLayout()
        right.addWidget(self.fields_scroll, 1)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        right.addLayout(save_row)

        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(body)
        outer.addWidget(self.button_box)

        self.profile_list.currentItemChanged.connect(self._on_profile_list_current_item_changed)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.set_token_button.clicked.connect(self._on_set_token_button_clicked)
        self.delete_token_button.clicked.connect(self._on_delete_token_button_clicked)
        self.ca_bundle_button.clicked.connect(self._on_ca_bundle_button_clicked)
        self.proxy_combo.currentIndexChanged.connect(self._on_proxy_combo_current_index_changed)
        self.button_box.rejected.connect(self.reject)
        # True once Close was pressed with a typed token: the next Close forgets it.
        self._discard_armed = False
        self._fitted = False
        self.token_edit.textChanged.connect(self._on_token_edit_text_changed)

    # ------------------------------------------------------------------ list
    def _reload(self, select: str | None = None) -> None:
        self.profile_list.blockSignals(True)
        self.profile_list.clear()
        try:
            profiles = self._store.list()
        except ConsoleError as error:
            profiles = []
            self._show_error(str(error))
        row_to_select = 0
        for row, profile in enumerate(profiles):
            item = QListWidgetItem(profile.name)
            item.setData(Qt.ItemDataRole.UserRole, profile)
            item.setForeground(QColor(profile.color))
            self.profile_list.addItem(item)
            if profile.name == select:
                row_to_select = row
        self.profile_list.blockSignals(False)
        if profiles:
            self.profile_list.setCurrentRow(row_to_select)

    def _on_profile_list_current_item_changed(self, current: QListWidgetItem | None, _previous: Any) -> None:
        profile = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self._show_profile(profile)

    def _on_add_button_clicked(self) -> None:
        self.profile_list.blockSignals(True)
        self.profile_list.clearSelection()
        self.profile_list.setCurrentItem(None)  # type: ignore[call-overload]  # clears it; PySide6's stub omits None
        self.profile_list.blockSignals(False)
        self._show_profile(None)
        self.name_edit.setFocus()

    # ------------------------------------------------------------------ form
    def _show_profile(self, profile: Profile | None) -> None:
        """Fill the form from ``profile`` (None: a blank new profile)."""
        self._current = profile
        shown = profile or Profile(name="", api_url="", partner_id="")
        self.name_edit.setText(shown.name)
        self.kind_combo.setCurrentText(shown.kind)
        self.api_url_edit.setText("" if shown.is_embedded else shown.api_url)
        self.api_url_edit.setPlaceholderText("the embedded sandbox" if shown.is_embedded else "https://…")
        set_field_text(self.partner_id_edit, shown.partner_id)
        self.color_edit.setText(shown.color if profile else "")
        self.verify_tls_check.setChecked(shown.verify_tls)
        self.ca_bundle_edit.setText(shown.ca_bundle or "")
        self.proxy_combo.setCurrentIndex(max(0, self.proxy_combo.findData(shown.proxy_mode)))
        self.proxy_url_edit.setText(shown.proxy_url or "")
        self.connect_timeout_spin.setValue(shown.connect_timeout)
        self.deadline_spin.setValue(shown.deadline)
        self.retries_spin.setValue(shown.retries)
        for field, edit in self.default_edits.items():
            set_field_text(edit, getattr(shown.defaults, field))
        builtin = shown.is_builtin
        for widget in (self.name_edit, self.kind_combo, self.api_url_edit, self.partner_id_edit):
            widget.setEnabled(not builtin)
        self.remove_button.setEnabled(profile is not None and not builtin and not self._keyring.busy)
        self.token_box.setEnabled(not shown.is_embedded)
        self.token_edit.clear()
        self.reveal_button.setChecked(False)
        self.set_token_button.setText("Set token")
        self.delete_token_button.setEnabled(False)
        self._on_proxy_combo_current_index_changed()
        self._show_error("")
        self._status_generation += 1  # results of earlier look-ups no longer apply
        if profile is None:
            self.token_status_label.setText("Token: enter it here; it is stored when you save")
        elif profile.is_embedded:
            self.token_status_label.setText("Token: built in (the embedded sandbox's own)")
        else:
            self._refresh_token_status(profile)

    def _profile_from_form(self) -> Profile:
        base = self._current
        defaults = PlayerDefaults(**{field: field_text(edit).strip() for field, edit in self.default_edits.items()})
        values: dict[str, Any] = {
            "name": self.name_edit.text().strip(),
            "api_url": self.api_url_edit.text().strip(),
            "partner_id": field_text(self.partner_id_edit).strip(),
            "kind": self.kind_combo.currentText(),
            "color": self.color_edit.text().strip(),
            "verify_tls": self.verify_tls_check.isChecked(),
            "ca_bundle": self.ca_bundle_edit.text().strip() or None,
            "proxy_mode": self.proxy_combo.currentData(),
            "proxy_url": self.proxy_url_edit.text().strip() or None,
            "connect_timeout": self.connect_timeout_spin.value(),
            "deadline": self.deadline_spin.value(),
            "retries": self.retries_spin.value(),
            "defaults": defaults,
            "token_host": base.token_host if base else None,
        }
        if base is not None and base.is_embedded:
            values["api_url"] = base.api_url
        if base is not None and values["kind"] != base.kind and values["color"] == base.color:
            values["color"] = ""  # a kind change brings that kind's colour unless one was chosen
        return Profile(**values)

    def _on_save_button_clicked(self) -> None:
        token = self.token_edit.text()
        try:
            profile = self._profile_from_form()
            warnings = self._save(profile)
        except ConsoleError as error:
            self._show_error(str(error))
            return
        old_name = self._current.name if self._current else None
        self._reload(profile.name)
        self.profiles_changed.emit()
        self._show_error("; ".join(warnings), warning=True)
        renamed = old_name is not None and old_name != profile.name
        if renamed or token.strip():
            self._update_keyring(profile.name, old_name if renamed else None, token)

    def _update_keyring(self, name: str, old_name: str | None, token: str) -> None:
        """Move the token of a renamed profile, then store a newly typed one (in this
        order, on one worker, so the old token cannot overwrite the new)."""

        def work() -> None:
            if old_name:
                self._credentials.move(old_name, name)
            if token.strip():
                self._credentials.set(name, token)

        def done(_result: object) -> None:
            profile = self._store.get(name)
            if token.strip():
                profile = self._store.set_token_host(name, profile.host)
                self.token_edit.clear()
                self.reveal_button.setChecked(False)
            self._refresh_token_status(profile)
            self.token_changed.emit(name)

        self._run_off_gui(work, done)

    def _save(self, profile: Profile) -> list[str]:
        if self._current is None:
            return self._store.add(profile)
        if profile.name != self._current.name:
            self._store.rename(self._current.name, profile.name)
        return self._store.update(profile)

    def _on_proxy_combo_current_index_changed(self, _index: int = 0) -> None:
        self.proxy_url_edit.setEnabled(self.proxy_combo.currentData() == "explicit")

    def _on_ca_bundle_button_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "CA bundle", "", "PEM certificates (*.pem *.crt);;All files (*)")
        if path:
            self.ca_bundle_edit.setText(path)

    def set_screen_share(self, on: bool) -> None:
        """Under screen-share the partner ID and the default player and session IDs are
        masked (fixed length), and a typed token cannot be shown."""
        for line in (self.partner_id_edit, *self._id_default_edits()):
            mask_field(line, on)
        self.token_box.set_screen_share(on)

    def _id_default_edits(self) -> list[QLineEdit]:
        return [edit for field, edit in self.default_edits.items() if field in ("player_id", "session_id")]

    # ------------------------------------------------------------------ tokens
    def _on_set_token_button_clicked(self) -> None:
        if self._current is None:
            self._show_error("save the profile first; the token is stored with it")
            return
        self._update_keyring(self._current.name, None, self.token_edit.text())

    def _on_delete_token_button_clicked(self) -> None:
        if self._current is None:
            return
        name = self._current.name

        def deleted(_result: object) -> None:
            self._refresh_token_status(self._store.set_token_host(name, None))
            self.token_changed.emit(name)

        self._run_off_gui(lambda: self._credentials.delete(name), deleted)

    def _refresh_token_status(self, profile: Profile) -> None:
        self._status_generation += 1
        generation = self._status_generation

        def describe() -> tuple[bool, str]:
            return self._credentials.get(profile.name) is not None, self._credentials.backend_description()

        def show(result: tuple[bool, str]) -> None:
            if generation != self._status_generation:
                return  # a newer look-up (or another profile) replaced this one
            stored, backend = result
            if not stored:
                text = "Token: not set"
            elif profile.token_host != api_host(profile.api_url):
                text = (f"Token: stored for {profile.token_host or 'another host'}; it is not sent to "
                        f"{profile.host} until you set it again")
            else:
                text = f"Token: stored in {backend}"
            self.token_status_label.setText(redact(text))
            self.set_token_button.setText("Replace token" if stored else "Set token")
            self.delete_token_button.setEnabled(stored)

        self._run_off_gui(describe, show)

    # ------------------------------------------------------------------ remove
    def confirm_remove(self, name: str) -> bool:
        """Ask before removing ``name`` (tests replace this)."""
        answer = QMessageBox.question(
            self, "Remove profile", f"Remove profile {name} and delete its token from the keyring?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _on_remove_button_clicked(self) -> None:
        if self._current is None or self._current.is_builtin or not self.confirm_remove(self._current.name):
            return
        name = self._current.name

        def removed(_result: object) -> None:
            try:
                self._store.remove(name)
            except ConsoleError as error:
                self._show_error(str(error))
                return
            self._reload()
            self.profiles_changed.emit()
            self.token_changed.emit(name)

        # The token goes first, so no secret outlives its profile.
        self._run_off_gui(lambda: self._credentials.delete(name), removed)

    # ------------------------------------------------------------------ plumbing
    def _run_off_gui(self, work: Callable[[], Any], on_success: Callable[[Any], None]) -> None:
        """Run ``work`` on the thread pool; ``on_success(result)`` runs on the GUI thread."""
        self._keyring.run(work, on_success)

    def _on_keyring_busy_changed(self, busy: bool) -> None:
        self.busy_label.setText("Talking to the keyring…" if busy else "")
        for widget in (self.set_token_button, self.remove_button, self.save_button):
            widget.setEnabled(not busy)
        if not busy:
            self._on_keyring_idle()
        self.busy_changed.emit(busy)

    def _on_keyring_idle(self) -> None:
        current = self._current
        self.remove_button.setEnabled(current is not None and not current.is_builtin)
        persistent = getattr(self._credentials, "persistent", True)
        self.keyring_notice_label.setVisible(not persistent)

    def _show_error(self, text: str, *, warning: bool = False) -> None:
        self.error_label.setText(redact(text))
        colour = "#b06000" if warning else "#d93025"
        self.error_label.setStyleSheet(f"color: {colour};")

    def fit_to(self, area: QRect) -> None:
        """At most 90 % of ``area`` (a screen's available geometry), centred on it; the
        fields scroll inside when they do not fit."""
        extra = max(0, self._fields.sizeHint().height() - self.fields_scroll.sizeHint().height())
        fitted = centred_fit(area, self.sizeHint().width(), self.sizeHint().height() + extra)
        self.resize(fitted.size())
        self.move(fitted.topLeft())

    def showEvent(self, event: QShowEvent) -> None:
        if not self._fitted:
            self._fitted = True
            screen = self.screen()
            if screen is not None:
                self.fit_to(screen.availableGeometry())
        super().showEvent(event)

    def reject(self) -> None:  # Close, Esc or the window's close button
        """Close, unless that would throw away a typed token: the first Close says so
        (no modal box), a second one forgets it."""
        if self._keeps_typed_token():
            return
        super().reject()

    def closeEvent(self, event) -> None:
        if self._keeps_typed_token():
            event.ignore()
            return
        super().closeEvent(event)

    def _keeps_typed_token(self) -> bool:
        if self.token_edit.text() and not self._discard_armed:
            self._discard_armed = True
            self._show_error(DISCARD_TOKEN_TEXT, warning=True)
            self.token_edit.setFocus()
            return True
        self.token_edit.clear()
        return False

    def _on_token_edit_text_changed(self, _text: str) -> None:
        self._discard_armed = False
