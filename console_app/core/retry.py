"""The retry policy: which failures may be sent again, how often, and how long to
wait before each retry.

A small value object (:class:`RetryPolicy`) apart from the transport settings that
build the HTTP client (:class:`~console_app.core.models.TransportSettings`), so
changing retries never rebuilds a connection pool.

Retries are a plain loop in :mod:`console_app.core.client` rather than tenacity: what
matters here is all ours (a new uuid and an :class:`Attempt` record per try,
``Retry-After`` read from the failed answer, an injected ``sleep``/``rng`` for tests,
and cancellation that must surface at once), while tenacity's ``AttemptManager``
swallows every ``BaseException`` (``CancelledError`` included) and re-raises it
later, which makes that flow harder to follow than the dozen lines it would replace.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console_app.core.errors import ApiError, BadAnswerError, ConnectionRefusedError_, ConnectTimeoutError, DnsError

if TYPE_CHECKING:
    from console_app.core.error_dictionary import ErrorEntry

#: Statuses that mean "try again later" whatever the body says.
RETRYABLE_STATUSES = frozenset({429, 503})
#: Codes that mean "try again" even when the dictionary does not say so.
RETRYABLE_CODES = frozenset({"G.01"})


def is_retryable(error: BaseException) -> bool:
    """True when an attempt that failed with ``error`` may be sent again safely."""
    if isinstance(error, (ConnectionRefusedError_, DnsError, ConnectTimeoutError)):
        return True
    if isinstance(error, ApiError):
        return error.retryable
    if isinstance(error, BadAnswerError):
        return error.http_status in RETRYABLE_STATUSES
    return False


def api_error_retryable(status: int, code: str | None, entry: ErrorEntry | None) -> bool:
    """Whether an API error answer (HTTP ``status``, error ``code``, its dictionary
    ``entry``) says the same request may succeed later."""
    return status in RETRYABLE_STATUSES or (code or "").strip() in RETRYABLE_CODES or bool(entry and entry.retryable)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    # Imported here: models imports this module, and the email package costs start-up time.
    from email.utils import parsedate_to_datetime

    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True)
class RetryPolicy:
    """How many times a retryable failure is retried, and the backoff between tries
    (base * 2**n seconds, jittered, capped); made by
    :attr:`~console_app.core.models.ClientSettings.retry`, which holds the defaults."""

    retries: int
    backoff_base: float
    backoff_max: float

    def allows(self, number: int, error: BaseException) -> bool:
        """True when attempt ``number``, which failed with ``error``, gets another try."""
        return number <= self.retries and is_retryable(error)

    def wait_before_retry(self, number: int, retry_after: float | None, *, jitter: float, longest: float) -> float:
        """Seconds before attempt ``number + 1``: exponential backoff with ``jitter``
        (0 to 1), or the server's Retry-After when it asks for longer (never more than
        ``longest``, one deadline). ``Retry-After: 0`` gets the backoff: "now" must
        not mean a burst."""
        ceiling = min(self.backoff_max, self.backoff_base * 2.0 ** (number - 1))
        # "Equal jitter": at least half the backoff, so retries never bunch up at 0.
        backoff = ceiling / 2 + ceiling / 2 * jitter
        if retry_after is not None:
            return max(backoff, min(retry_after, longest))
        return backoff
