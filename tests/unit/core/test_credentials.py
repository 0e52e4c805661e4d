"""CredentialStore against a real Secret Service (gnome-keyring on a private D-Bus),
the no-backend path, the refused plain-file backend and the timeout path."""

from __future__ import annotations

import threading

import pytest

from console_app.core.credentials import NO_KEYRING_MESSAGE, CredentialStore, MemoryCredentials
from console_app.core.errors import InvalidInputError, KeyringTimeoutError, NoKeyringError
from console_app.core.redaction import Secret, redact
from tests.fixtures.common import CANARY_TOKEN
from tests.fixtures.keyring_service import keyring_backend

SERVICE = "luckymonaco-console-tests"


@pytest.fixture
def store(keyring_in_process) -> CredentialStore:
    return CredentialStore(service=SERVICE, timeout=10)


def test_real_secret_service_stores_reads_replaces_and_deletes(store: CredentialStore) -> None:
    import keyring

    assert store.available()
    assert "SecretService" in store.backend_description()
    assert store.get("ref") is None

    store.set("ref", CANARY_TOKEN)
    token = store.get("ref")
    assert isinstance(token, Secret) and token.reveal() == CANARY_TOKEN
    # The raw keyring agrees: one entry, service + profile name, holding just the token.
    assert keyring.get_password(SERVICE, "ref") == CANARY_TOKEN
    assert CANARY_TOKEN not in repr(token)
    assert redact(f"sent {CANARY_TOKEN}") == "sent •••"

    store.set("ref", "replacement-token-1234")
    assert store.get("ref").reveal() == "replacement-token-1234"
    assert keyring.get_password(SERVICE, "ref") == "replacement-token-1234"

    assert store.delete("ref") is True
    assert store.get("ref") is None
    assert keyring.get_password(SERVICE, "ref") is None
    assert store.delete("ref") is False


def test_profiles_have_separate_entries_and_move_on_rename(store: CredentialStore) -> None:
    store.set("staging", "token-of-staging")
    store.set("prod", "token-of-prod")
    store.move("staging", "staging-eu")
    assert store.get("staging") is None
    assert store.get("staging-eu").reveal() == "token-of-staging"
    assert store.get("prod").reveal() == "token-of-prod"
    store.delete("staging-eu")
    store.delete("prod")


def test_token_is_cleaned_and_checked(store: CredentialStore) -> None:
    store.set("ref", f"  {CANARY_TOKEN}\n")
    assert store.get("ref").reveal() == CANARY_TOKEN
    store.delete("ref")
    with pytest.raises(InvalidInputError, match="token: the token is empty"):
        store.set("ref", " \n")
    with pytest.raises(InvalidInputError, match="spaces or line breaks"):
        store.set("ref", "two words")


def test_no_backend_says_so_plainly() -> None:
    # tests/conftest.py selects keyring.backends.fail.Keyring: a machine with no keyring.
    store = CredentialStore(service=SERVICE)
    assert store.available() is False
    for call in (lambda: store.get("ref"), lambda: store.set("ref", CANARY_TOKEN),
                 lambda: store.delete("ref"), store.backend_description):
        with pytest.raises(NoKeyringError) as caught:
            call()
        assert str(caught.value) == NO_KEYRING_MESSAGE


def test_empty_chainer_counts_as_no_backend() -> None:
    from keyring.backends import chainer

    empty = chainer.ChainerBackend()
    empty.__dict__["backends"] = []  # the chainer found no usable backend
    with keyring_backend(empty):
        with pytest.raises(NoKeyringError, match="no OS keyring is available"):
            CredentialStore(service=SERVICE).get("ref")


def test_plain_file_backend_is_refused() -> None:
    from keyring.backend import KeyringBackend

    # Stands in for keyrings.alt's file backends (base64 in a file) without installing them.
    class PlaintextKeyring(KeyringBackend):
        priority = 1
        written: list[str] = []

        def get_password(self, service, username):
            return None

        def set_password(self, service, username, password):
            self.written.append(password)

        def delete_password(self, service, username):
            pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    with keyring_backend(PlaintextKeyring()):
        store = CredentialStore(service=SERVICE)
        with pytest.raises(NoKeyringError, match="base64 in a plain file: refusing"):
            store.set("ref", CANARY_TOKEN)
        assert store.available() is False
    assert PlaintextKeyring.written == []


@pytest.fixture
def hanging_keyring():
    """A keyring backend whose calls block until the test ends.

    A locked keyring waiting on an unlock prompt is the one case a test cannot make
    real, so this backend stands in for it.
    """
    from keyring.backend import KeyringBackend

    release = threading.Event()

    class HangingKeyring(KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            release.wait(30)

        def set_password(self, service, username, password):
            release.wait(30)

        def delete_password(self, service, username):
            release.wait(30)

    try:
        with keyring_backend(HangingKeyring()):
            yield
    finally:
        release.set()


def test_hanging_keyring_times_out_with_next_step(hanging_keyring) -> None:
    store = CredentialStore(service=SERVICE, timeout=0.2)
    with pytest.raises(KeyringTimeoutError) as caught:
        store.get("ref")
    assert "did not answer within 0.2 s" in str(caught.value)
    assert "unlock it" in str(caught.value)
    with pytest.raises(KeyringTimeoutError):
        store.set("ref", CANARY_TOKEN)


def test_memory_credentials_keep_tokens_for_this_run_only() -> None:
    memory = MemoryCredentials()
    assert memory.persistent is False and memory.available()
    assert memory.get("ref") is None
    memory.set("ref", CANARY_TOKEN)
    assert memory.get("ref").reveal() == CANARY_TOKEN
    assert redact(CANARY_TOKEN) == "•••"  # registered for redaction on the way in
    memory.move("ref", "ref2")
    assert memory.get("ref") is None and memory.get("ref2").reveal() == CANARY_TOKEN
    assert memory.delete("ref2") is True and memory.delete("ref2") is False
    assert "memory" in memory.backend_description()


def test_keyring_is_not_imported_by_the_module() -> None:
    import subprocess
    import sys

    code = "import sys, console_app.core.credentials; print('keyring' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_run_credentials_fall_back_to_memory_without_keyring() -> None:
    from console_app.core.credentials import RunCredentials

    run = RunCredentials(CredentialStore(service=SERVICE))
    assert run.persistent and run.notice is None
    run.set("ref", CANARY_TOKEN)
    assert run.persistent is False
    assert run.notice == NO_KEYRING_MESSAGE
    assert run.get("ref").reveal() == CANARY_TOKEN
    assert run.backend_description() == "memory (this run only)"
    assert run.delete("ref") is True


def test_run_credentials_use_the_real_keyring_when_there_is_one(store: CredentialStore) -> None:
    import keyring

    from console_app.core.credentials import RunCredentials

    run = RunCredentials(store)
    run.set("ref", CANARY_TOKEN)
    assert run.persistent
    assert keyring.get_password(SERVICE, "ref") == CANARY_TOKEN
    assert run.delete("ref") is True


def test_run_credentials_report_a_locked_keyring_instead_of_forgetting_it(hanging_keyring) -> None:
    from console_app.core.credentials import RunCredentials

    run = RunCredentials(CredentialStore(service=SERVICE, timeout=0.2))
    with pytest.raises(KeyringTimeoutError):
        run.get("ref")
    assert run.persistent
