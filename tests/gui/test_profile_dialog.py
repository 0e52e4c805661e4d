"""The Profiles dialog over a real ProfileStore, with a real Secret Service or with no
keyring at all (run-only memory)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLayout, QLineEdit, QWidget

from console_app.core.credentials import CredentialStore, RunCredentials
from console_app.core.paths import AppPaths
from console_app.core.profiles import ProfileStore
from console_app.ui.profiles.dialog import ProfileDialog
from console_app.ui.profiles.token_box import MEMORY_NOTICE
from tests.fixtures.common import CANARY_TOKEN, files_containing

SERVICE = "luckymonaco-console-gui-tests"


@pytest.fixture
def store(app_paths: AppPaths) -> ProfileStore:
    return ProfileStore(app_paths)


def _dialog(qtbot, store: ProfileStore, credentials, select: str | None = None) -> ProfileDialog:
    dialog = ProfileDialog(store, credentials, select=select)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy_label.text())
    return dialog


def _fill(dialog: ProfileDialog, name: str, url: str, partner: str, token: str = "") -> None:
    dialog.add_button.click()
    dialog.name_edit.setText(name)
    dialog.api_url_edit.setText(url)
    dialog.partner_id_edit.setText(partner)
    dialog.token_edit.setText(token)


def _save_and_wait(qtbot, dialog: ProfileDialog) -> None:
    with qtbot.waitSignal(dialog.token_changed, timeout=15000):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.busy_label.text(), timeout=15000)


def test_add_profile_with_token_goes_to_the_real_keyring(qtbot, store, keyring_in_process, basedir: Path) -> None:
    import keyring

    credentials = RunCredentials(CredentialStore(service=SERVICE, timeout=10))
    dialog = _dialog(qtbot, store, credentials)
    _fill(dialog, "staging", "https://api.staging.example", "P-7", CANARY_TOKEN)
    _save_and_wait(qtbot, dialog)

    assert keyring.get_password(SERVICE, "staging") == CANARY_TOKEN
    profile = store.get("staging")
    assert profile.partner_id == "P-7" and profile.token_host == "api.staging.example"
    assert dialog.token_edit.text() == ""
    qtbot.waitUntil(lambda: dialog.token_status_label.text().startswith("Token: stored in SecretService"))
    assert dialog.set_token_button.text() == "Replace token" and dialog.delete_token_button.isEnabled()
    assert not dialog.keyring_notice_label.isVisible()
    assert files_containing(basedir, CANARY_TOKEN) == []

    # Rename: the token moves with the profile.
    dialog.name_edit.setText("staging-eu")
    _save_and_wait(qtbot, dialog)
    assert keyring.get_password(SERVICE, "staging") is None
    assert keyring.get_password(SERVICE, "staging-eu") == CANARY_TOKEN

    # Delete the token, then remove the profile.
    with qtbot.waitSignal(dialog.token_changed, timeout=15000):
        dialog.delete_token_button.click()
    assert keyring.get_password(SERVICE, "staging-eu") is None
    assert store.get("staging-eu").token_host is None
    qtbot.waitUntil(lambda: dialog.token_status_label.text() == "Token: not set")

    dialog.confirm_remove = lambda name: True
    with qtbot.waitSignal(dialog.profiles_changed, timeout=15000):
        dialog.remove_button.click()
    assert store.names() == ["Sandbox"]


def test_without_keyring_tokens_stay_in_memory_and_the_dialog_says_so(qtbot, store, basedir: Path) -> None:
    credentials = RunCredentials(CredentialStore(service=SERVICE))
    dialog = _dialog(qtbot, store, credentials)
    dialog.show()
    _fill(dialog, "staging", "https://api.staging.example", "P-7", CANARY_TOKEN)
    _save_and_wait(qtbot, dialog)

    assert dialog.keyring_notice_label.isVisible()
    assert dialog.keyring_notice_label.text() == MEMORY_NOTICE
    qtbot.waitUntil(lambda: dialog.token_status_label.text() == "Token: stored in memory (this run only)")
    assert credentials.get("staging").reveal() == CANARY_TOKEN
    assert files_containing(basedir, CANARY_TOKEN) == []


def test_token_field_is_masked_revealable_and_never_copied(qtbot, store) -> None:
    from PySide6.QtWidgets import QApplication

    dialog = _dialog(qtbot, store, RunCredentials(CredentialStore(service=SERVICE)))
    dialog.add_button.click()
    field = dialog.token_edit
    assert field.echoMode() == QLineEdit.EchoMode.Password
    dialog.reveal_button.click()
    assert field.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.reveal_button.accessibleName() == "Hide token"
    field.setText(CANARY_TOKEN)
    field.selectAll()
    QApplication.clipboard().setText("before")
    qtbot.keySequence(field, QKeySequence.StandardKey.Copy)
    qtbot.keySequence(field, QKeySequence.StandardKey.Cut)
    assert QApplication.clipboard().text() == "before"
    assert field.text() == CANARY_TOKEN
    dialog.reveal_button.click()
    assert field.echoMode() == QLineEdit.EchoMode.Password


def test_invalid_profile_shows_one_line_and_saves_nothing(qtbot, store) -> None:
    dialog = _dialog(qtbot, store, RunCredentials(CredentialStore(service=SERVICE)))
    _fill(dialog, "prod", "http://api.example.com", "P-1")
    dialog.kind_combo.setCurrentText("production")
    dialog.save_button.click()
    assert dialog.error_label.text() == (
        "API URL: a production profile must use https:// (the token travels in the URL)")
    assert store.names() == ["Sandbox"]


def test_builtin_sandbox_is_read_only_where_it_matters(qtbot, store) -> None:
    dialog = _dialog(qtbot, store, RunCredentials(CredentialStore(service=SERVICE)), select="Sandbox")
    assert dialog.profile_list.currentItem().text() == "Sandbox"
    assert not dialog.name_edit.isEnabled() and not dialog.api_url_edit.isEnabled()
    assert not dialog.remove_button.isEnabled()
    assert not dialog.token_box.isEnabled()
    assert "built in" in dialog.token_status_label.text()
    # Its player defaults can still change.
    dialog.default_edits["nickname"].setText("qa-bot")
    dialog.save_button.click()
    assert store.get("Sandbox").defaults.nickname == "qa-bot"


def test_every_widget_is_named_for_tests_and_screen_readers(qtbot, store) -> None:
    dialog = _dialog(qtbot, store, RunCredentials(CredentialStore(service=SERVICE)))
    ours = [w for w in vars(dialog).values() if isinstance(w, QWidget)] + list(dialog.default_edits.values())
    assert len(ours) > 25
    unnamed = [w for w in [dialog, *ours] if not w.objectName() or not w.accessibleName()]
    assert unnamed == []
    assert len({w.objectName() for w in ours}) == len(ours)


def test_closing_with_a_typed_unsaved_token_asks_first(qtbot, store):
    from console_app.ui.profiles.dialog import DISCARD_TOKEN_TEXT

    dialog = _dialog(qtbot, store, RunCredentials())
    dialog.show()
    dialog.token_edit.setText("typed-but-not-set")
    dialog.reject()  # Close: not yet, the dialog says why (no modal box)
    assert dialog.isVisible() and dialog.token_edit.text() == "typed-but-not-set"
    assert dialog.error_label.text() == DISCARD_TOKEN_TEXT
    dialog.token_edit.setText("typed-again")  # typing again starts over
    dialog.reject()
    assert dialog.isVisible()
    dialog.reject()  # Close again: forgotten
    assert not dialog.isVisible() and dialog.token_edit.text() == ""


class _SlowKeyring(RunCredentials):
    """A real in-memory store whose reads wait until the test lets them go."""

    def __init__(self) -> None:
        import threading

        super().__init__()
        self.release = threading.Event()
        self.entered = threading.Event()

    def get(self, name):
        self.entered.set()
        self.release.wait(30)
        return super().get(name)


def test_a_keyring_answer_after_the_dialog_is_gone_is_dropped_quietly(qtbot, store):
    """The window can delete the dialog (quit, teardown) while a keyring call is out:
    the late answer must not touch dead widgets (it raised inside the Qt event loop)."""
    import shiboken6
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from console_app.core.profiles import Profile

    store.add(Profile(name="Stage", api_url="https://stage.example", partner_id="P-7", kind="staging"))
    credentials = _SlowKeyring()
    dialog = ProfileDialog(store, credentials, select="Stage")
    qtbot.waitUntil(credentials.entered.is_set)
    assert dialog.busy_label.text()
    shiboken6.delete(dialog)
    credentials.release.set()
    assert QThreadPool.globalInstance().waitForDone(30000)
    # The relay's queued answer is delivered now and finds the dialog gone; pytest-qt
    # fails this test if delivering it raises inside the event loop.
    QApplication.processEvents()
    assert not shiboken6.isValid(dialog)
    assert credentials.get("anything") is None  # the store itself still answers


def test_the_keyring_answer_moves_nothing_in_the_open_dialog(qtbot, store) -> None:
    credentials = RunCredentials(CredentialStore(service=SERVICE))  # no backend: the notice shows
    dialog = ProfileDialog(store, credentials)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = (dialog.size(), dialog.save_button.mapTo(dialog, dialog.save_button.rect().topLeft()))
    qtbot.waitUntil(lambda: not dialog.busy_label.text())
    _fill(dialog, "staging", "https://api.staging.example", "P-7", CANARY_TOKEN)
    _save_and_wait(qtbot, dialog)
    assert dialog.keyring_notice_label.isVisible()
    for each in dialog.findChildren(QLayout):
        each.activate()
    assert (dialog.size(), dialog.save_button.mapTo(dialog, dialog.save_button.rect().topLeft())) == before


def test_on_a_720_px_laptop_the_dialog_fits_and_every_field_is_reachable(qtbot, store) -> None:
    from PySide6.QtCore import QPoint, QRect

    dialog = _dialog(qtbot, store, RunCredentials(CredentialStore(service=SERVICE)))
    dialog.show()
    qtbot.waitExposed(dialog)
    screen = QRect(0, 0, 1280, 720)
    dialog.fit_to(screen)
    assert screen.contains(dialog.frameGeometry()) and dialog.height() <= 0.9 * 720
    # Save and Close stay in view; the fields scroll to the last of them.
    for button in (dialog.save_button, dialog.button_box):
        assert dialog.rect().contains(QRect(button.mapTo(dialog, QPoint(0, 0)), button.size()))
    dialog.fields_scroll.ensureWidgetVisible(dialog.delete_token_button)
    top_left = dialog.delete_token_button.mapTo(dialog.fields_scroll.viewport(), dialog.delete_token_button.rect().topLeft())
    assert dialog.fields_scroll.viewport().rect().contains(top_left)
