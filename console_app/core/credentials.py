"""Partner tokens in the OS keyring: one entry per profile (service
``luckymonaco-console``, user name = the profile's name).

Every keyring call runs in a daemon worker thread with a deadline: a locked keyring
can block a call forever, and the caller (often the GUI thread) must not block with
it. A daemon thread, not an executor, so that a call that never returns cannot keep
the process alive at exit either.

Only real OS keyrings are used. ``keyring.backends.fail``/``null`` mean "none", and
``keyrings.alt``'s file backends are refused: they store base64, not encryption.
Without a keyring the window keeps tokens in :class:`MemoryCredentials` for one run;
nothing is ever written in plain text.

``keyring`` is imported inside the calls: loading it (and D-Bus) costs start-up time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from console_app.core.errors import CredentialError, InvalidInputError, KeyringTimeoutError, NoKeyringError
from console_app.core.redaction import Secret, register_secret

log = logging.getLogger("console_app.core.credentials")

SERVICE = "luckymonaco-console"
T = TypeVar("T")

NO_KEYRING_REASON = "no OS keyring is available on this machine"
NO_KEYRING_MESSAGE = (
    f"{NO_KEYRING_REASON}: the token is kept in memory for this run only "
    "(install and unlock gnome-keyring / KWallet, or use --token-stdin each time)"
)
_INSECURE_MESSAGE = (
    "the only keyring backend here is {name}, which stores tokens as base64 in a plain file: "
    "refusing to use it (install and unlock gnome-keyring / KWallet, or use --token-stdin each time)"
)


def check_token(token: str) -> str:
    """``token`` without surrounding white space; :class:`InvalidInputError` if unusable."""
    cleaned = (token or "").strip()
    if not cleaned:
        raise InvalidInputError("token: the token is empty; paste the token LuckyMonaco gave you")
    if any(c.isspace() or ord(c) < 32 for c in cleaned):
        raise InvalidInputError("token: the token contains spaces or line breaks; paste just the token")
    return cleaned


def _usable_backend() -> Any:
    """The keyring backend to use; :class:`NoKeyringError` if there is no safe one."""
    import keyring
    from keyring.backends import chainer, fail, null

    selected = keyring.get_keyring()
    candidates = list(selected.backends) if isinstance(selected, chainer.ChainerBackend) else [selected]
    insecure = [b for b in candidates if type(b).__module__.startswith("keyrings.alt")]
    usable = [
        b for b in candidates
        if b not in insecure and not isinstance(b, (fail.Keyring, null.Keyring, chainer.ChainerBackend))
    ]
    if usable:
        return usable[0]  # a chainer lists its backends by priority, best first
    if insecure:
        raise NoKeyringError(_INSECURE_MESSAGE.format(name=type(insecure[0]).__name__))
    raise NoKeyringError(NO_KEYRING_MESSAGE)


def _describe(backend: Any) -> str:
    name = getattr(backend, "name", "") or type(backend).__name__
    return f"{name} ({type(backend).__module__}.{type(backend).__qualname__})"


class CredentialStore:
    """Tokens in the OS keyring, one entry per profile name; every call is bounded by
    ``timeout`` seconds (:class:`KeyringTimeoutError`)."""

    #: Tokens survive this run (the window tells users when they do not).
    persistent = True

    def __init__(self, service: str = SERVICE, timeout: float = 5.0) -> None:
        self.service = service
        self.timeout = timeout

    def get(self, profile_name: str) -> Secret | None:
        """The token stored for ``profile_name``, or None if there is none."""
        value = self._call(f"reading the token of '{profile_name}'", lambda b: b.get_password(self.service, profile_name))
        return Secret(value) if value else None

    def set(self, profile_name: str, token: str) -> None:
        """Store (or replace) the token of ``profile_name``."""
        token = check_token(token)
        register_secret(token)
        self._call(f"storing the token of '{profile_name}'", lambda b: b.set_password(self.service, profile_name, token))

    def delete(self, profile_name: str) -> bool:
        """Delete the token of ``profile_name``; False if there was none."""
        from keyring.errors import PasswordDeleteError

        def delete(backend: Any) -> bool:
            if backend.get_password(self.service, profile_name) is None:
                return False
            try:
                backend.delete_password(self.service, profile_name)
            except PasswordDeleteError:  # removed meanwhile: the wanted end state
                return False
            return True

        return self._call(f"deleting the token of '{profile_name}'", delete)

    def move(self, old_name: str, new_name: str) -> None:
        """Move a token to a renamed profile (nothing happens if there is none)."""
        token = self.get(old_name)
        if token is not None:
            self.set(new_name, token.reveal())
            self.delete(old_name)

    def backend_description(self) -> str:
        """Which keyring stores the tokens, for people (e.g. "SecretService Keyring (...)")."""
        return self._call("looking for the OS keyring", _describe)

    def available(self) -> bool:
        """True when a safe OS keyring answers within the deadline."""
        try:
            self._call("looking for the OS keyring", lambda backend: None)
        except CredentialError:
            return False
        return True

    def _call(self, what: str, operation: Callable[[Any], T]) -> T:
        """Run ``operation(backend)`` in a worker thread, waiting at most ``timeout``."""
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["value"] = operation(_usable_backend())
            except BaseException as exc:  # handed to the caller's thread below
                outcome["error"] = exc
            finally:
                done.set()

        threading.Thread(target=work, name="keyring-call", daemon=True).start()
        if not done.wait(self.timeout):
            raise KeyringTimeoutError(
                f"the OS keyring did not answer within {self.timeout:g} s while {what}; it is probably "
                "locked: unlock it (log in to gnome-keyring / KWallet) and try again"
            )
        error = outcome.get("error")
        if error is None:
            value: T = outcome["value"]
            return value
        if isinstance(error, CredentialError):
            raise error
        raise self._mapped(error, what) from error

    @staticmethod
    def _mapped(error: BaseException, what: str) -> CredentialError:
        from keyring import errors as keyring_errors

        if isinstance(error, keyring_errors.NoKeyringError):
            return NoKeyringError(NO_KEYRING_MESSAGE)
        if isinstance(error, keyring_errors.KeyringLocked):
            return CredentialError(f"the OS keyring is locked ({what}); unlock it and try again")
        log.debug("keyring failure while %s", what, exc_info=error)
        return CredentialError(
            f"the OS keyring failed while {what} ({type(error).__name__}: {error}); "
            "check that it is unlocked, or use --token-stdin"
        )


class MemoryCredentials:
    """Tokens kept in this process only, for a run without an OS keyring.

    Same methods as :class:`CredentialStore`; nothing leaves memory.
    """

    persistent = False

    def __init__(self) -> None:
        self._tokens: dict[str, Secret] = {}
        self._lock = threading.Lock()

    def get(self, profile_name: str) -> Secret | None:
        with self._lock:
            return self._tokens.get(profile_name)

    def set(self, profile_name: str, token: str) -> None:
        secret = Secret(check_token(token))
        with self._lock:
            self._tokens[profile_name] = secret

    def delete(self, profile_name: str) -> bool:
        with self._lock:
            return self._tokens.pop(profile_name, None) is not None

    def move(self, old_name: str, new_name: str) -> None:
        with self._lock:
            if old_name in self._tokens:
                self._tokens[new_name] = self._tokens.pop(old_name)

    def backend_description(self) -> str:
        return "memory (this run only)"

    def available(self) -> bool:
        return True


class RunCredentials:
    """The window's tokens for one run: the OS keyring while there is one; after the
    first :class:`NoKeyringError`, memory for the rest of the run (``notice`` then
    says so). A locked or slow keyring (:class:`KeyringTimeoutError`) is reported,
    not replaced: the tokens are still there once it is unlocked.

    Every method may block on the keyring: call them off the GUI thread.
    """

    def __init__(self, keyring: CredentialStore | None = None) -> None:
        self._keyring = keyring or CredentialStore()
        self._memory = MemoryCredentials()
        self._notice: str | None = None

    @property
    def persistent(self) -> bool:
        """False once tokens are only kept in memory."""
        return self._notice is None

    @property
    def notice(self) -> str | None:
        """Why tokens are kept in memory for this run, or None."""
        return self._notice

    def get(self, profile_name: str) -> Secret | None:
        return self._use(lambda store: store.get(profile_name))

    def set(self, profile_name: str, token: str) -> None:
        self._use(lambda store: store.set(profile_name, token))

    def delete(self, profile_name: str) -> bool:
        return self._use(lambda store: store.delete(profile_name))

    def move(self, old_name: str, new_name: str) -> None:
        self._use(lambda store: store.move(old_name, new_name))

    def backend_description(self) -> str:
        return self._use(lambda store: store.backend_description())

    def available(self) -> bool:
        return True

    def _use(self, operation: Callable[[CredentialStore | MemoryCredentials], T]) -> T:
        if self._notice is None:
            try:
                return operation(self._keyring)
            except NoKeyringError as error:
                self._notice = str(error)
                log.warning("%s", error)
        return operation(self._memory)
