"""Reading the API's answers: the value a good answer carries (a game URL, a game
list), and the project's error for every other kind of answer (an API error with
its code, a redirect, an HTML page, a body that is not JSON, an unsafe URL).

Pure functions over a complete :class:`Answer`; no network, no httpx.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes, urlsplit

from console_app.core.error_dictionary import ErrorDictionary, bundled, category_of
from console_app.core.errors import (
    ApiError,
    BadAnswerError,
    ConsoleError,
    HtmlPageError,
    MissingUrlError,
    NotJsonError,
    ProxyError,
    UndecodableUrlError,
    UnsafeUrlError,
)
from console_app.core.http import MAYBE_DELIVERED_HINT
from console_app.core.redaction import Secret, redact, register_secret
from console_app.core.retry import api_error_retryable

#: How much of a response body an :class:`Exchange` keeps for display.
DISPLAY_BODY_BYTES = 64 * 1024
#: Query parameters of a returned URL that are credentials (registered as secrets).
_URL_SECRET_PARAMS = ("token",)
_SAFE_SCHEMES = ("http", "https")


@dataclass
class Answer:
    """A complete HTTP answer, read within the size cap."""

    status: int
    headers: dict[str, str]
    body: bytes
    encoding: str

    @property
    def text(self) -> str:
        return self.body.decode(self.encoding or "utf-8", errors="replace")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def parse_error_body(text: str | bytes | None) -> list[tuple[str | None, str | None]]:
    """Every ``(code, message)`` an API error body lists, headline first; ``[]`` if none.

    Accepts ``{"errors": {...}}``, ``{"errors": [{...}, ...]}``, ``{"error": {...}}``,
    ``{"error": "text"}`` and a bare ``{"code": ..., "message": ...}``. Never raises.
    """
    try:
        data = json.loads(text) if text else None
    except (ValueError, TypeError, RecursionError):
        return []
    if not isinstance(data, dict):
        return []
    pairs: list[tuple[str | None, str | None]] = []
    for key in ("errors", "error"):
        value = data.get(key)
        items = value if isinstance(value, list) else [value]
        for item in items:
            pair = _error_pair(item)
            if pair is not None:
                pairs.append(pair)
        if pairs:
            return pairs
    pair = _error_pair(data) if "code" in data else None
    return [pair] if pair is not None else []


def _error_pair(item: Any) -> tuple[str | None, str | None] | None:
    if isinstance(item, str) and item.strip():
        return (None, item)
    if not isinstance(item, dict):
        return None
    code, message = item.get("code"), item.get("message")
    code = None if code is None or isinstance(code, (dict, list)) else str(code)
    message = None if message is None or isinstance(message, (dict, list)) else str(message)
    if code is None and message is None:
        return None
    return (code, message)



def looks_like_html(text: str, content_type: str = "") -> bool:
    """True when a body is (most likely) an HTML page rather than an API answer."""
    if "html" in content_type.lower():
        return True
    head = text.lstrip()[:1024].lower()
    return head.startswith("<") and any(tag in head for tag in ("<!doctype html", "<html", "<head", "<body", "<title"))


def html_title(text: str) -> str:
    lower = text.lower()
    start = lower.find("<title")
    if start < 0:
        return ""
    start = lower.find(">", start) + 1
    end = lower.find("</title", start)
    if start <= 0 or end < 0:
        return ""
    return " ".join(text[start:end].split())[:120]


def _secret_url(url: str) -> Secret:
    """Wrap a returned URL as a Secret, registering only its credential parameters
    so that redacted copies still show where it points."""
    query = urlsplit(url).query
    # Both the decoded value and the raw (percent-encoded) one may show up elsewhere.
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key.lower() in _URL_SECRET_PARAMS:
            register_secret(value)
    for part in query.split("&"):
        key, _, raw = part.partition("=")
        if key.lower() in _URL_SECRET_PARAMS:
            register_secret(raw)
    return Secret(url, register=False)



def decode_answer[T](
    answer: Answer, endpoint: str, decode: Callable[[Answer], T], dictionary: ErrorDictionary | None = None
) -> T:
    """The value ``decode`` reads from a 2XX ``answer``, else the project's error for it
    (an API error named from ``dictionary``, a redirect, a proxy's 407, an HTML page).
    """
    if answer.status == 407:
        raise ProxyError(
            "the proxy asks for authentication (HTTP 407); set the proxy's user and password "
            "in the proxy URL or use another proxy"
        )
    if 300 <= answer.status < 400:
        location = redact(answer.headers.get("location", "")) or "(no Location)"
        raise _bad(BadAnswerError, answer, f"the API redirects to {location}; redirects are not followed "
                   "so the token cannot go to another host: put the final address in the API URL")
    if answer.status >= 400 or answer.status < 200:
        raise _error_answer(answer, endpoint, dictionary)
    try:
        return decode(answer)
    except BadAnswerError as error:
        # A 2XX body that carries an error instead of a result is still an API error.
        # Parsed only now: a second parse of every good answer cost ~6 ms for 5 MB.
        errors = [] if isinstance(error, UnsafeUrlError) else parse_error_body(answer.body)
        if errors:
            raise _api_error(answer, endpoint, errors, dictionary) from None
        raise

def _error_answer(answer: Answer, endpoint: str, dictionary: ErrorDictionary | None) -> ConsoleError:
    errors = parse_error_body(answer.body)
    if errors:
        return _api_error(answer, endpoint, errors, dictionary)
    text = answer.text
    if looks_like_html(text, answer.content_type):
        return _html_error(answer)
    snippet = " ".join(text.split())[:200]
    return _api_error(answer, endpoint, [(None, snippet or None)], dictionary)

def _api_error(
    answer: Answer, endpoint: str, errors: list[tuple[str | None, str | None]], dictionary: ErrorDictionary | None
) -> ApiError:
    clean = [(redact(code) if code else code, redact(msg) if msg else msg) for code, msg in errors]
    code, message = clean[0]
    entry = (dictionary or bundled()).lookup(endpoint, code)
    what = f"{code}: {message}" if code and message else (code or message or "no error code in the body")
    return ApiError(
        f"the API answered HTTP {answer.status} {what}",
        http_status=answer.status,
        code=code,
        api_message=message,
        category=category_of(code),
        retryable=api_error_retryable(answer.status, code, entry),
        raw_body=answer.text[:DISPLAY_BODY_BYTES],
        errors=clean,
    )


def display_text(answer: Answer) -> str:
    shown = answer.body[:DISPLAY_BODY_BYTES].decode(answer.encoding or "utf-8", errors="replace")
    if len(answer.body) > DISPLAY_BODY_BYTES:
        shown += f"\n… ({len(answer.body) - DISPLAY_BODY_BYTES:,} more bytes not shown)"
    return redact(shown)


def _bad[E: BadAnswerError](kind: type[E], answer: Answer, what: str) -> E:
    """A ``kind`` error for ``answer``: "HTTP <status>: ``what``", with its status and
    the start of its body."""
    return kind(f"HTTP {answer.status}: {what}", http_status=answer.status, raw_body=answer.text[:DISPLAY_BODY_BYTES])


def _html_error(answer: Answer) -> HtmlPageError:
    title = html_title(answer.text)
    titled = f" ({title!r})" if title else ""
    return _bad(HtmlPageError, answer, f"the answer is an HTML page{titled}, not the API's JSON — "
                "probably a proxy or load balancer page; check the API URL, or try again later")


def _json_of(answer: Answer) -> Any:
    text = answer.text
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        if looks_like_html(text, answer.content_type):
            raise _html_error(answer) from None
        raise _bad(NotJsonError, answer, "the answer is not JSON; check the API URL points at the LuckyMonaco API") from None


def decode_url(answer: Answer) -> Secret:
    data = _json_of(answer)
    url = data.get("url") if isinstance(data, dict) else None
    if not isinstance(url, str) or not url.strip():
        raise _bad(MissingUrlError, answer, f"the answer has no string \"url\"; {MAYBE_DELIVERED_HINT}")
    url = url.strip()
    try:
        # The URL is passed on exactly as sent, so it must mean the same to every
        # reader: a browser or a decoder would otherwise replace what is not UTF-8.
        unquote_to_bytes(url.encode("utf-8")).decode("utf-8")
    except UnicodeError:
        raise _bad(UndecodableUrlError, answer, "the returned url is not valid UTF-8 (once its %XX escapes are "
                   "decoded), so it was not opened; report it to the API owner") from None
    scheme = urlsplit(url).scheme.lower() if ":" in url else ""
    if scheme not in _SAFE_SCHEMES:
        raise _bad(UnsafeUrlError, answer, f"the returned url uses {scheme + ':' if scheme else 'no scheme'} "
                   "instead of http/https, so it was not opened; report it to the API owner")
    return _secret_url(url)


def decode_game_list(answer: Answer) -> list[dict[str, Any]]:
    data = _json_of(answer)
    games = data.get("gamelist") if isinstance(data, dict) else None
    if not isinstance(games, list):
        raise _bad(BadAnswerError, answer, "the answer has no \"gamelist\" array; check the API URL")
    return [game for game in games if isinstance(game, dict)]
