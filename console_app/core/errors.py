"""The project's exception hierarchy. Nothing from httpx, keyring or sqlite3 leaves
core: low-level errors are mapped here at the boundary (``raise ... from exc``).

    ConsoleError
    ├── InvalidInputError          input failed validation and the caller chose to block
    ├── ApiError                   the API answered with an error body (4XX/5XX)
    ├── TransportError             no usable HTTP exchange happened
    │   ├── ConnectionRefusedError_    nothing listens at the API address
    │   ├── DnsError                   the API host name does not resolve
    │   ├── ConnectTimeoutError        no connection within the connect timeout
    │   ├── TlsError                   the TLS handshake failed (reason says why)
    │   ├── ProxyError                 the proxy refused or failed (e.g. 407)
    │   ├── DeadlineExceededError      the overall deadline passed
    │   └── ConnectionDroppedError     the connection broke after the request was sent
    ├── BadAnswerError             the server answered, but not with something usable
    │   ├── NotJsonError               the body is not JSON (HtmlPageError: an HTML page)
    │   ├── MissingUrlError            JSON without a string ``url``
    │   ├── UnsafeUrlError             ``url`` is not http/https (UndecodableUrlError: not UTF-8)
    │   └── BodyTooLargeError          the body is over the size cap
    ├── CredentialError            the OS keyring could not store or read a token
    │   ├── NoKeyringError             no keyring backend on this machine
    │   └── KeyringTimeoutError        the keyring did not answer in time
    ├── ProfileError               a profile is missing, malformed or inconsistent
    ├── CatalogError               a catalog source could not be read
    └── HistoryError               the history database could not be read or written
        ├── HistoryReadOnlyError       the data folder (or the file) is read-only
        └── HistoryDiskFullError       the disk holding the data folder is full

Every message is one line, already redacted, and ends with the next step where
there is one. ``exit_code`` is what the CLI returns for the error.
"""

from __future__ import annotations

from typing import Any


class ConsoleError(Exception):
    """Base of every error the console raises on purpose."""

    exit_code: int = 1
    #: True when the API may have received the request (a game session may exist).
    maybe_delivered: bool = False

    def __init__(self, message: str, *, attempts: list[Any] | None = None) -> None:
        from console_app.core.redaction import redact

        super().__init__(redact(message))
        self.attempts: list[Any] = list(attempts or [])

    @property
    def message(self) -> str:
        return str(self)


class InvalidInputError(ConsoleError):
    """Raised when input fails validation and the caller asked to block (nothing sent)."""

    exit_code = 2

    def __init__(self, message: str, *, problems: list[Any] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class ApiError(ConsoleError):
    """Raised when the API answered with an HTTP error status and an error body."""

    exit_code = 3
    maybe_delivered = True

    def __init__(
        self,
        message: str,
        *,
        http_status: int,
        code: str | None,
        api_message: str | None,
        category: str,
        retryable: bool,
        raw_body: str = "",
        attempts: list[Any] | None = None,
        errors: list[tuple[str | None, str | None]] | None = None,
    ) -> None:
        super().__init__(message, attempts=attempts)
        self.http_status = http_status
        self.code = code
        self.api_message = api_message
        #: "G" (generic), "V" (validation) or "unknown", from the code's prefix.
        self.category = category
        self.retryable = retryable
        #: Every (code, message) the body listed; the first one is ``code``/``api_message``.
        self.errors: list[tuple[str | None, str | None]] = list(errors or [(code, api_message)])
        from console_app.core.redaction import redact

        self.raw_body = redact(raw_body)


class TransportError(ConsoleError):
    """Raised when no usable HTTP exchange with the API happened."""

    exit_code = 4


class ConnectionRefusedError_(TransportError):  # noqa: N801, N818 -- the builtin's name, not shadowing it
    """Raised when nothing accepts connections at the API address (request not sent)."""


class DnsError(TransportError):
    """Raised when the API host name cannot be resolved (request not sent)."""


class ConnectTimeoutError(TransportError):
    """Raised when no connection could be opened within the connect timeout."""


class TlsError(TransportError):
    """Raised when the TLS handshake fails; ``reason`` is expired, self-signed,
    wrong-host, untrusted-root or other."""

    def __init__(self, message: str, *, reason: str = "other", attempts: list[Any] | None = None) -> None:
        super().__init__(message, attempts=attempts)
        self.reason = reason


class ProxyError(TransportError):
    """Raised when the configured proxy refuses (e.g. 407) or cannot be reached."""


class DeadlineExceededError(TransportError):
    """Raised when the overall deadline passes before a complete answer arrived."""

    maybe_delivered = True


class ConnectionDroppedError(TransportError):
    """Raised when the connection broke after the request was (possibly) sent."""

    maybe_delivered = True


class BadAnswerError(ConsoleError):
    """Raised when the server answered but the answer cannot be used."""

    exit_code = 4
    maybe_delivered = True

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        raw_body: str = "",
        attempts: list[Any] | None = None,
    ) -> None:
        super().__init__(message, attempts=attempts)
        self.http_status = http_status
        from console_app.core.redaction import redact

        self.raw_body = redact(raw_body)


class NotJsonError(BadAnswerError):
    """Raised when the body is not JSON."""


class HtmlPageError(NotJsonError):
    """Raised when the body is an HTML page (typically from a proxy or load balancer)."""


class MissingUrlError(BadAnswerError):
    """Raised when a success body has no string ``url``."""


class UnsafeUrlError(BadAnswerError):
    """Raised when the returned ``url`` does not use http or https."""


class UndecodableUrlError(UnsafeUrlError):
    """Raised when the returned ``url`` is not valid UTF-8 once percent-decoded."""


class BodyTooLargeError(BadAnswerError):
    """Raised when the response body exceeds the size cap (reading stops there)."""


class CredentialError(ConsoleError):
    """Raised when the OS keyring cannot store, read or delete a token."""

    exit_code = 2  # no usable token: nothing was sent


class NoKeyringError(CredentialError):
    """Raised when this machine has no usable keyring backend."""


class KeyringTimeoutError(CredentialError):
    """Raised when the keyring did not answer within its deadline (often: locked)."""


class ProfileError(ConsoleError):
    """Raised when a profile is missing, malformed or inconsistent."""

    exit_code = 2


class CatalogError(ConsoleError):
    """Raised when a catalog source (SLOT_SPEC file, live list) cannot be read."""

    exit_code = 2  # the file given is unusable input


class HistoryError(ConsoleError):
    """Raised when the history database cannot be read or written."""

    exit_code = 2  # a missing entry or an unusable database: nothing was sent


class HistoryReadOnlyError(HistoryError):
    """Raised when an attempt cannot be stored because the data folder is read-only."""


class HistoryDiskFullError(HistoryError):
    """Raised when an attempt cannot be stored because the disk is full."""
