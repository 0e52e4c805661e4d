"""The one redaction function. Every log handler, history row, export, preview,
clipboard text and window title goes through :func:`redact`.

It hides:
- the value of ``HASH`` (the partner token) and ``token`` (the player's game session
  credential) wherever they appear as URL query parameters or JSON/form fields;
- every secret value registered with :func:`register_secret` (the tokens this
  process has loaded), wherever it appears, even outside a URL.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "•••"

#: Query or form parameters whose values are secrets (case-insensitive).
SECRET_PARAMS = ("HASH", "token")

# name=value in a query string / form / cURL line, up to the next separator.
_PARAM_RE = re.compile(
    r"(?P<key>(?<![A-Za-z0-9_])(?:" + "|".join(SECRET_PARAMS) + r"))"
    r"(?P<sep>=|%3D)(?P<value>[^&#\s\"'<>]+)",
    re.IGNORECASE,
)
# "HASH": "value" / "token": "value" inside JSON.
_JSON_RE = re.compile(
    r"(?P<key>\"(?:" + "|".join(SECRET_PARAMS) + r")\"\s*:\s*\")(?P<value>(?:[^\"\\]|\\.)*)(?P<end>\")",
    re.IGNORECASE,
)

_lock = threading.Lock()
_secrets: set[str] = set()
# Longest first, so that a secret inside a longer one cannot leave part of it readable.
# Plain substring search, not one compiled alternation: every launch registers a new
# game token, and the alternation cost ~23 µs per known secret to recompile and ~0.13 ms
# per known secret to scan a 64 KB body (~20 ms after 150 launches); `in` costs ~20 µs
# per secret on 64 KB and ~50 ns on a log line.
_ordered: tuple[str, ...] = ()

# Below this length a "secret" would mask ordinary words; real tokens are longer.
_MIN_SECRET_LEN = 4


def register_secret(value: str | None) -> None:
    """Remember ``value`` so that :func:`redact` masks it anywhere from now on."""
    global _ordered
    if not value or len(value) < _MIN_SECRET_LEN:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        _ordered = tuple(sorted(_secrets, key=len, reverse=True))


def forget_secrets() -> None:
    """Forget every registered secret (tests use it between cases)."""
    global _ordered
    with _lock:
        _secrets.clear()
        _ordered = ()


def redact(text: str | None) -> str:
    """Return ``text`` with every secret replaced by ``•••``."""
    if not text:
        return text or ""
    for secret in _ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _PARAM_RE.sub(lambda m: f"{m['key']}{m['sep']}{MASK}", text)
    text = _JSON_RE.sub(lambda m: f"{m['key']}{MASK}{m['end']}", text)
    return text


def redact_url(url: str | None) -> str:
    """Redact a URL; the same as :func:`redact`, named for readability at call sites."""
    return redact(url)


def mask_id(value: str | None) -> str:
    """Mask an identifier for screen-share mode: a mask of fixed length, so neither
    its first letter nor its length shows."""
    return MASK if value else ""


class Secret:
    """A string that never shows itself in repr/str; ``reveal()`` gives the value.

    The value is registered with :func:`register_secret` unless ``register=False``:
    a caller that registers the secret part itself (the ``token`` of a game URL)
    passes False so that :func:`redact` still shows the rest of the URL.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str, *, register: bool = True) -> None:
        self._value = value
        if register:
            register_secret(value)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return f"Secret({MASK})"

    __str__ = __repr__

    def __reduce__(self):  # never pickled to disk by accident
        raise TypeError("Secret values cannot be pickled")


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the final message and any exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.msg = redact(message)
        record.args = None
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> None:
    """Attach :class:`RedactingFilter` to every handler of ``logger`` (root by default)
    and quiet the httpx/httpcore loggers, which print full URLs at INFO."""
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
