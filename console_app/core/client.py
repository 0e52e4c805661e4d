"""The LuckyMonaco API client: ENTER (``/api/session``), the game list and round
snapshots, over one injected :class:`httpx.AsyncClient`.

Qt-free and loop-agnostic (plain asyncio). httpx errors never leave this module:
they become the project's errors (:mod:`console_app.core.errors`).

Retries are a plain loop rather than tenacity: what matters here is all ours (a new
uuid and an :class:`Attempt` record per try, ``Retry-After`` read from the failed
answer, an injected ``sleep``/``rng`` for tests, and cancellation that must surface
at once), while tenacity's ``AttemptManager`` swallows every ``BaseException``
(``CancelledError`` included) and re-raises it later, which makes that flow harder
to follow than the dozen lines below.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, unquote_to_bytes, urlsplit

from console_app import __version__
from console_app.core.error_dictionary import ErrorDictionary, bundled, category_of
from console_app.core.errors import (
    ApiError,
    BadAnswerError,
    BodyTooLargeError,
    ConnectionRefusedError_,
    ConnectTimeoutError,
    ConsoleError,
    DeadlineExceededError,
    DnsError,
    HtmlPageError,
    MissingUrlError,
    NotJsonError,
    ProxyError,
    TransportError,
    UndecodableUrlError,
    UnsafeUrlError,
)
from console_app.core.http import MAYBE_DELIVERED_HINT, map_transport_error
from console_app.core.models import (
    ApiTarget,
    Attempt,
    ClientSettings,
    Exchange,
    LaunchRequest,
    LaunchResult,
    Outcome,
    new_uuid,
)
from console_app.core.redaction import Secret, redact, register_secret

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("console_app.core.client")

T = TypeVar("T")

#: Statuses that mean "try again later" whatever the body says.
RETRYABLE_STATUSES = frozenset({429, 503})
#: Codes that mean "try again" even when the dictionary does not say so.
RETRYABLE_CODES = frozenset({"G.01"})
#: How much of a response body an :class:`Exchange` keeps for display.
DISPLAY_BODY_BYTES = 64 * 1024
#: Query parameters of a returned URL that are credentials (registered as secrets).
_URL_SECRET_PARAMS = ("token",)
_SAFE_SCHEMES = ("http", "https")


# --------------------------------------------------------------------------- parsing


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


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
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


def looks_like_html(text: str, content_type: str = "") -> bool:
    """True when a body is (most likely) an HTML page rather than an API answer."""
    if "html" in content_type.lower():
        return True
    head = text.lstrip()[:1024].lower()
    return head.startswith("<") and any(tag in head for tag in ("<!doctype html", "<html", "<head", "<body", "<title"))


def _html_title(text: str) -> str:
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


# --------------------------------------------------------------------------- one exchange


@dataclass
class _Answer:
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


@dataclass
class _Recorder:
    """What one attempt saw, filled in as the exchange goes (kept when it fails)."""

    exchange: Exchange
    sent: bool = False
    ttfb_ms: float | None = None
    retry_after: float | None = None
    host: str = ""

    async def trace(self, event: str, info: dict[str, Any]) -> None:
        # httpcore's trace hook: from the moment request headers start going out,
        # the API may receive the request, so failures must not be resent.
        if ".send_request_headers.started" in event:
            self.sent = True


def _outcome_of(error: BaseException) -> Outcome:
    if isinstance(error, ApiError):
        return "api_error"
    if isinstance(error, BadAnswerError):
        return "bad_answer"
    return "transport_error"


def is_retryable(error: BaseException) -> bool:
    """True when an attempt that failed with ``error`` may be sent again safely."""
    if isinstance(error, (ConnectionRefusedError_, DnsError, ConnectTimeoutError)):
        return True
    if isinstance(error, ApiError):
        return error.retryable
    if isinstance(error, BadAnswerError):
        return error.http_status in RETRYABLE_STATUSES
    return False


class LuckyMonacoClient:
    """Talks to one LuckyMonaco API; one instance may serve many targets."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: ClientSettings | None = None,
        *,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
        dictionary: ErrorDictionary | None = None,
    ) -> None:
        self._http = http
        self._settings = settings or ClientSettings()
        self._sleep = sleep
        self._rng = rng
        self._dictionary = dictionary

    @property
    def settings(self) -> ClientSettings:
        return self._settings

    # ------------------------------------------------------------------ public calls

    async def enter(
        self,
        target: ApiTarget,
        request: LaunchRequest,
        *,
        uuid: str | None = None,
        on_attempt: Callable[[Attempt], None] | None = None,
    ) -> LaunchResult:
        """Create a game session (ENTER) and return its URL with every attempt made.

        Each attempt sends ``request.body(uuid)`` with a fresh uuid4 (``uuid`` is used
        for the first attempt only). Retryable failures are retried up to
        ``settings.retries`` times; a request that may have reached the API is never
        resent. Raises a :class:`ConsoleError` whose ``attempts`` lists every attempt.
        """
        started = time.monotonic()
        uuids: list[str] = []

        def body_for(number: int) -> tuple[str, dict[str, Any]]:
            attempt_uuid = uuid if (number == 1 and uuid) else new_uuid()
            uuids.append(attempt_uuid)
            return attempt_uuid, request.body(attempt_uuid)

        url, status, attempts = await self._run(
            target, "/api/session", "session", body_for, _decode_url, on_attempt
        )
        return LaunchResult(
            game_url=url,
            http_status=status,
            uuid=uuids[-1],
            attempts=attempts,
            duration_ms=(time.monotonic() - started) * 1000,
        )

    async def game_list(self, target: ApiTarget, gametype: str = "slot") -> list[dict[str, Any]]:
        """The games the API lists for ``gametype`` (``POST /api/gamelist``)."""
        games, _status, _attempts = await self._run(
            target, "/api/gamelist", "gamelist", lambda n: ("", {"gametype": gametype}), _decode_game_list, None
        )
        return games

    async def snapshot(
        self,
        target: ApiTarget,
        transaction_id: str,
        *,
        on_attempt: Callable[[Attempt], None] | None = None,
    ) -> Secret:
        """The URL of a page showing one round's result (``POST /api/snapshot.php``);
        ``on_attempt`` sees every attempt, as for :meth:`enter` (history records them)."""
        url, _status, _attempts = await self._run(
            target,
            "/api/snapshot.php",
            "snapshot",
            lambda n: ("", {"transaction_id": transaction_id}),
            _decode_url,
            on_attempt,
        )
        return url

    # ------------------------------------------------------------------ retry loop

    async def _run(
        self,
        target: ApiTarget,
        path: str,
        endpoint: str,
        body_for: Callable[[int], tuple[str, dict[str, Any]]],
        decode: Callable[[_Answer], T],
        on_attempt: Callable[[Attempt], None] | None,
    ) -> tuple[T, int, list[Attempt]]:
        attempts: list[Attempt] = []
        number = 0
        while True:
            number += 1
            attempt_uuid, body = body_for(number)
            recorder = self._recorder(target, path, body)
            started_at, t0 = time.time(), time.monotonic()

            def record(outcome: Outcome, error: BaseException | None = None, game_url: str | None = None) -> None:
                attempt = Attempt(
                    number=number,
                    uuid=attempt_uuid,
                    started_at=started_at,
                    exchange=recorder.exchange,
                    outcome=outcome,
                    duration_ms=(time.monotonic() - t0) * 1000,
                    error_code=getattr(error, "code", None) if isinstance(error, ApiError) else None,
                    error_message=redact(str(error)) if error is not None else None,
                    game_url=game_url,
                    ttfb_ms=recorder.ttfb_ms,
                )
                attempts.append(attempt)
                log.info(
                    "%s %s attempt %d: %s%s in %.0f ms",
                    recorder.exchange.method,
                    recorder.exchange.url,
                    number,
                    outcome,
                    f" (HTTP {recorder.exchange.http_status})" if recorder.exchange.http_status else "",
                    attempt.duration_ms,
                )
                if on_attempt is not None:
                    try:
                        on_attempt(attempt)
                    except Exception:  # a listener's bug must not change the launch outcome
                        log.exception("on_attempt listener failed")

            try:
                answer = await self._exchange(target, path, body, recorder)
                value = self._decode(answer, endpoint, decode)
            except asyncio.CancelledError:
                record("cancelled")
                raise
            except ConsoleError as error:
                record(_outcome_of(error), error)
                if number <= self._settings.retries and is_retryable(error):
                    wait = self._wait_before_retry(number, recorder.retry_after)
                    log.info("retrying in %.2f s (%s)", wait, type(error).__name__)
                    await self._sleep(wait)
                    continue
                error.attempts = list(attempts)
                raise
            shown = redact(value.reveal()) if isinstance(value, Secret) else None
            # Decoding registered the player token just now: the body may echo it too.
            recorder.exchange.response_body = redact(recorder.exchange.response_body)
            record("success", game_url=shown)
            return value, answer.status, attempts

    def _wait_before_retry(self, number: int, retry_after: float | None) -> float:
        """Seconds before attempt ``number + 1``: exponential backoff with jitter, or
        the server's Retry-After when it asks for longer (never more than one
        deadline). ``Retry-After: 0`` gets the backoff: "now" must not mean a burst."""
        ceiling = min(self._settings.backoff_max, self._settings.backoff_base * 2.0 ** (number - 1))
        # "Equal jitter": at least half the backoff, so retries never bunch up at 0.
        backoff = ceiling / 2 + ceiling / 2 * self._rng()
        if retry_after is not None:
            return max(backoff, min(retry_after, self._settings.deadline))
        return backoff

    # ------------------------------------------------------------------ one exchange

    def _recorder(self, target: ApiTarget, path: str, body: dict[str, Any]) -> _Recorder:
        content = _compact_json(body)
        exchange = Exchange(
            method="POST",
            url=f"{target.api_url}{path}?MEMB_ID={target.partner_id}&HASH={target.token.reveal()}",
            request_headers=dict(_REQUEST_HEADERS),
            request_body=content,
        )
        return _Recorder(exchange=exchange, host=urlsplit(target.api_url).hostname or target.api_url)

    async def _exchange(self, target: ApiTarget, path: str, body: dict[str, Any], recorder: _Recorder) -> _Answer:
        import httpx

        settings = self._settings
        content = _compact_json(body).encode("utf-8")
        t0 = time.monotonic()
        try:
            request = self._http.build_request(
                "POST",
                f"{target.api_url}{path}",
                params={"MEMB_ID": target.partner_id, "HASH": target.token.reveal()},
                content=content,
                headers=_REQUEST_HEADERS,
                extensions={"trace": recorder.trace},
            )
        except (httpx.InvalidURL, ValueError, TypeError) as exc:
            raise TransportError(
                f"the API URL {target.api_url!r} is not a valid URL; check the profile's API URL"
            ) from exc
        recorder.exchange.url = redact(str(request.url))
        try:
            async with asyncio.timeout(settings.deadline):
                response = await self._http.send(request, stream=True)
                try:
                    recorder.ttfb_ms = (time.monotonic() - t0) * 1000
                    recorder.exchange.http_status = response.status_code
                    recorder.exchange.response_headers = {
                        key: redact(value) for key, value in response.headers.items()
                    }
                    recorder.retry_after = parse_retry_after(response.headers.get("retry-after"))
                    data = await _read_capped(response, settings.max_body_bytes, recorder)
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            if recorder.sent:
                raise DeadlineExceededError(
                    f"no complete answer from {recorder.host} within the {settings.deadline:g} s deadline; "
                    f"{MAYBE_DELIVERED_HINT}"
                ) from exc
            error = DeadlineExceededError(
                f"could not reach {recorder.host} within the {settings.deadline:g} s deadline "
                "(nothing was sent); check the API URL and your network"
            )
            error.maybe_delivered = False
            raise error from exc
        except httpx.HTTPError as exc:
            raise map_transport_error(exc, host=recorder.host, sent=recorder.sent) from exc
        except OSError as exc:
            raise map_transport_error(exc, host=recorder.host, sent=recorder.sent) from exc
        answer = _Answer(
            status=response.status_code,
            headers={key.lower(): value for key, value in response.headers.items()},
            body=data,
            encoding=response.charset_encoding or "utf-8",
        )
        recorder.exchange.response_body = _display_text(answer)
        return answer

    def _decode(self, answer: _Answer, endpoint: str, decode: Callable[[_Answer], T]) -> T:
        if answer.status == 407:
            raise ProxyError(
                "the proxy asks for authentication (HTTP 407); set the proxy's user and password "
                "in the proxy URL or use another proxy"
            )
        if 300 <= answer.status < 400:
            location = redact(answer.headers.get("location", "")) or "(no Location)"
            raise BadAnswerError(
                f"HTTP {answer.status}: the API redirects to {location}; redirects are not followed "
                "so the token cannot go to another host: put the final address in the API URL",
                http_status=answer.status,
                raw_body=answer.text[:DISPLAY_BODY_BYTES],
            )
        if answer.status >= 400 or answer.status < 200:
            raise self._error_answer(answer, endpoint)
        try:
            return decode(answer)
        except BadAnswerError as error:
            # A 2XX body that carries an error instead of a result is still an API error.
            # Parsed only now: a second parse of every good answer cost ~6 ms for 5 MB.
            errors = [] if isinstance(error, UnsafeUrlError) else parse_error_body(answer.body)
            if errors:
                raise self._api_error(answer, endpoint, errors) from None
            raise

    def _error_answer(self, answer: _Answer, endpoint: str) -> ConsoleError:
        errors = parse_error_body(answer.body)
        if errors:
            return self._api_error(answer, endpoint, errors)
        text = answer.text
        if looks_like_html(text, answer.content_type):
            return _html_error(answer)
        snippet = " ".join(text.split())[:200]
        return self._api_error(answer, endpoint, [(None, snippet or None)])

    def _api_error(
        self, answer: _Answer, endpoint: str, errors: list[tuple[str | None, str | None]]
    ) -> ApiError:
        clean = [(redact(code) if code else code, redact(msg) if msg else msg) for code, msg in errors]
        code, message = clean[0]
        entry = (self._dictionary or bundled()).lookup(endpoint, code)
        retryable = (
            answer.status in RETRYABLE_STATUSES
            or (code or "").strip() in RETRYABLE_CODES
            or bool(entry and entry.retryable)
        )
        what = f"{code}: {message}" if code and message else (code or message or "no error code in the body")
        return ApiError(
            f"the API answered HTTP {answer.status} {what}",
            http_status=answer.status,
            code=code,
            api_message=message,
            category=category_of(code),
            retryable=retryable,
            raw_body=answer.text[:DISPLAY_BODY_BYTES],
            errors=clean,
        )


_REQUEST_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    # The size cap counts decoded bytes; asking for no compression keeps it honest.
    "Accept-Encoding": "identity",
    "User-Agent": f"lm-console/{__version__}",
}


def _compact_json(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


async def _read_capped(response: httpx.Response, cap: int, recorder: _Recorder) -> bytes:
    """The body, read as a stream and never past ``cap`` bytes."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _too_large(response.status_code, cap, f"it announces {int(declared):,} bytes")
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) > cap:
            recorder.exchange.response_body = bytes(data[:DISPLAY_BODY_BYTES]).decode("utf-8", "replace")
            raise _too_large(response.status_code, cap, "reading stopped there")
    return bytes(data)


def _too_large(status: int, cap: int, detail: str) -> BodyTooLargeError:
    return BodyTooLargeError(
        f"HTTP {status}: the answer is larger than the {cap:,}-byte limit ({detail}); "
        "the API never sends that much: check the API URL",
        http_status=status,
    )


def _display_text(answer: _Answer) -> str:
    shown = answer.body[:DISPLAY_BODY_BYTES].decode(answer.encoding or "utf-8", errors="replace")
    if len(answer.body) > DISPLAY_BODY_BYTES:
        shown += f"\n… ({len(answer.body) - DISPLAY_BODY_BYTES:,} more bytes not shown)"
    return redact(shown)


def _html_error(answer: _Answer) -> HtmlPageError:
    title = _html_title(answer.text)
    titled = f" ({title!r})" if title else ""
    return HtmlPageError(
        f"HTTP {answer.status}: the answer is an HTML page{titled}, not the API's JSON — "
        "probably a proxy or load balancer page; check the API URL, or try again later",
        http_status=answer.status,
        raw_body=answer.text[:DISPLAY_BODY_BYTES],
    )


def _json_of(answer: _Answer) -> Any:
    text = answer.text
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        if looks_like_html(text, answer.content_type):
            raise _html_error(answer) from None
        raise NotJsonError(
            f"HTTP {answer.status}: the answer is not JSON; check the API URL points at the LuckyMonaco API",
            http_status=answer.status,
            raw_body=text[:DISPLAY_BODY_BYTES],
        ) from None


def _decode_url(answer: _Answer) -> Secret:
    data = _json_of(answer)
    url = data.get("url") if isinstance(data, dict) else None
    if not isinstance(url, str) or not url.strip():
        raise MissingUrlError(
            f"HTTP {answer.status}: the answer has no string \"url\"; {MAYBE_DELIVERED_HINT}",
            http_status=answer.status,
            raw_body=answer.text[:DISPLAY_BODY_BYTES],
        )
    url = url.strip()
    try:
        # The URL is passed on exactly as sent, so it must mean the same to every
        # reader: a browser or a decoder would otherwise replace what is not UTF-8.
        unquote_to_bytes(url.encode("utf-8")).decode("utf-8")
    except UnicodeError:
        raise UndecodableUrlError(
            f"HTTP {answer.status}: the returned url is not valid UTF-8 (once its %XX escapes are "
            "decoded), so it was not opened; report it to the API owner",
            http_status=answer.status,
            raw_body=answer.text[:DISPLAY_BODY_BYTES],
        ) from None
    scheme = urlsplit(url).scheme.lower() if ":" in url else ""
    if scheme not in _SAFE_SCHEMES:
        raise UnsafeUrlError(
            f"HTTP {answer.status}: the returned url uses {scheme + ':' if scheme else 'no scheme'} "
            "instead of http/https, so it was not opened; report it to the API owner",
            http_status=answer.status,
            raw_body=answer.text[:DISPLAY_BODY_BYTES],
        )
    return _secret_url(url)


def _decode_game_list(answer: _Answer) -> list[dict[str, Any]]:
    data = _json_of(answer)
    games = data.get("gamelist") if isinstance(data, dict) else None
    if not isinstance(games, list):
        raise BadAnswerError(
            f"HTTP {answer.status}: the answer has no \"gamelist\" array; check the API URL",
            http_status=answer.status,
            raw_body=answer.text[:DISPLAY_BODY_BYTES],
        )
    return [game for game in games if isinstance(game, dict)]
