"""The LuckyMonaco API client: ENTER (``/api/session``), the game list and round
snapshots, over one injected :class:`httpx.AsyncClient`.

Qt-free and loop-agnostic (plain asyncio). httpx errors never leave this module:
they become the project's errors (:mod:`console_app.core.errors`). What an answer
means is read by :mod:`console_app.core.answers`; when to try again is the
:class:`~console_app.core.retry.RetryPolicy`'s call.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from console_app import __version__
from console_app.core.answers import DISPLAY_BODY_BYTES, Answer, decode_answer, decode_game_list, decode_url, display_text
from console_app.core.error_dictionary import ErrorDictionary
from console_app.core.errors import (
    ApiError,
    BadAnswerError,
    BodyTooLargeError,
    ConsoleError,
    DeadlineExceededError,
    TransportError,
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
from console_app.core.redaction import Secret, redact
from console_app.core.retry import parse_retry_after

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("console_app.core.client")

T = TypeVar("T")

#: What history says of an attempt whose answer it never got (the process stopped).
UNANSWERED_MESSAGE = ("no answer recorded: the console stopped (or was still waiting) after sending the request; "
                      f"{MAYBE_DELIVERED_HINT}")


@dataclass
class _Recorder:
    """What one attempt saw, filled in as the exchange goes (kept when it fails)."""

    exchange: Exchange
    sent: bool = False
    ttfb_ms: float | None = None
    retry_after: float | None = None
    host: str = ""
    #: Called as the request starts going out (the API may have it from then on).
    on_sent: Callable[[], None] | None = None

    async def trace(self, event: str, info: dict[str, Any]) -> None:
        # httpcore's trace hook: from the moment request headers start going out,
        # the API may receive the request, so failures must not be resent.
        if ".send_request_headers.started" in event:
            self.sent = True
            if self.on_sent is not None:
                try:
                    self.on_sent()
                except Exception:  # a listener's bug must not break the exchange
                    log.exception("on_sent listener failed")


def _outcome_of(error: BaseException) -> Outcome:
    if isinstance(error, ApiError):
        return "api_error"
    if isinstance(error, BadAnswerError):
        return "bad_answer"
    return "transport_error"



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
        on_sent: Callable[[Attempt], None] | None = None,
    ) -> LaunchResult:
        """Create a game session (ENTER) and return its URL with every attempt made.

        Each attempt sends ``request.body(uuid)`` with a fresh uuid4 (``uuid`` is used
        for the first attempt only). Retryable failures are retried up to
        ``settings.retries`` times; a request that may have reached the API is never
        resent. Raises a :class:`ConsoleError` whose ``attempts`` lists every attempt.
        ``on_sent`` sees each attempt as its request starts going out, as
        ``unanswered`` (history keeps it so, should the process stop before the answer:
        kept before the bytes leave, it is never lost, and its write is not in the
        way of the answer).
        """
        started = time.monotonic()
        uuids: list[str] = []

        def body_for(number: int) -> tuple[str, dict[str, Any]]:
            attempt_uuid = uuid if (number == 1 and uuid) else new_uuid()
            uuids.append(attempt_uuid)
            return attempt_uuid, request.body(attempt_uuid)

        url, status, attempts = await self._run(
            target, "/api/session", "session", body_for, decode_url, on_attempt, on_sent
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
            target, "/api/gamelist", "gamelist", lambda n: ("", {"gametype": gametype}), decode_game_list, None
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
            decode_url,
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
        decode: Callable[[Answer], T],
        on_attempt: Callable[[Attempt], None] | None,
        on_sent: Callable[[Attempt], None] | None = None,
    ) -> tuple[T, int, list[Attempt]]:
        policy = self._settings.retry
        attempts: list[Attempt] = []
        number = 0
        while True:
            number += 1
            attempt_uuid, body = body_for(number)
            recorder = self._recorder(target, path, body)
            started_at, t0 = time.time(), time.monotonic()
            if on_sent is not None:
                sent_hook = on_sent

                def sent() -> None:
                    sent_hook(Attempt(number=number, uuid=attempt_uuid, started_at=started_at, exchange=recorder.exchange,
                                      outcome="unanswered", duration_ms=(time.monotonic() - t0) * 1000,
                                      error_message=UNANSWERED_MESSAGE))

                recorder.on_sent = sent

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
                value = decode_answer(answer, endpoint, decode, self._dictionary)
            except asyncio.CancelledError:
                record("cancelled")
                raise
            except ConsoleError as error:
                record(_outcome_of(error), error)
                if policy.allows(number, error):
                    wait = policy.wait_before_retry(number, recorder.retry_after, jitter=self._rng(),
                                                    longest=self._settings.deadline)
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

    async def _exchange(self, target: ApiTarget, path: str, body: dict[str, Any], recorder: _Recorder) -> Answer:
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
        answer = Answer(
            status=response.status_code,
            headers={key.lower(): value for key, value in response.headers.items()},
            body=data,
            encoding=response.charset_encoding or "utf-8",
        )
        recorder.exchange.response_body = display_text(answer)
        return answer


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
