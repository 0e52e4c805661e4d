"""The API client against the independent spec server, over real loopback sockets."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
import tracemalloc
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from console_app.core.client import LuckyMonacoClient
from console_app.core.errors import (
    ApiError,
    BadAnswerError,
    BodyTooLargeError,
    ConnectionDroppedError,
    ConnectionRefusedError_,
    DeadlineExceededError,
    HtmlPageError,
    MissingUrlError,
    NotJsonError,
    ProxyError,
    UnsafeUrlError,
)
from console_app.core.http import make_http_client
from console_app.core.models import ApiTarget, Attempt, ClientSettings, LaunchRequest
from console_app.core.redaction import Secret, redact
from tests.fixtures.common import CANARY_TOKEN

REQUEST = LaunchRequest(
    gameid="lm_8_treasureofzeus",
    player_id="u1",
    nickname="Ann",
    language="en",
    currency="USD",
    session_id="s1",
    ip="203.0.113.7",
)
G01 = {"errors": {"code": "G.01", "message": "System error"}}
FAST = ClientSettings(deadline=1.0, connect_timeout=1.0)


class Recorder:
    """A fake ``sleep`` that records waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def target_of(server, token: str | None = None) -> ApiTarget:
    return ApiTarget(server.url, server.partner_id, Secret(token or server.token))


def enter(server, settings: ClientSettings = FAST, *, sleep=None, rng=lambda: 0.5, token=None, **kwargs):
    """Run one ``client.enter`` on a fresh loop; returns (result or error, attempts seen by on_attempt)."""
    seen: list[Attempt] = []

    async def go():
        async with make_http_client(settings) as http:
            client = LuckyMonacoClient(http, settings, sleep=sleep or Recorder(), rng=rng)
            return await client.enter(target_of(server, token), REQUEST, on_attempt=seen.append, **kwargs)

    try:
        return asyncio.run(go()), seen
    except Exception as error:  # the test inspects it
        return error, seen


def is_canonical_uuid4(value: str) -> bool:
    parsed = uuidlib.UUID(value)
    return parsed.version == 4 and str(parsed) == value


# ---------------------------------------------------------------- success


def test_success_sends_the_spec_request_and_returns_the_game_url(spec_server):
    result, seen = enter(spec_server)

    (sent,) = spec_server.requests
    assert sent.method == "POST" and sent.path == "/api/session"
    assert sent.raw_query == f"MEMB_ID={spec_server.partner_id}&HASH={spec_server.token}"
    assert sent.headers["content-type"] == "application/json"
    body = sent.json()
    assert body == REQUEST.body(body["uuid"])
    assert list(body) == ["uuid", "gametype", "gameid", "player"]
    assert sent.body == json.dumps(body, separators=(",", ":")).encode()
    assert is_canonical_uuid4(body["uuid"]) and result.uuid == body["uuid"]

    player_token = spec_server.issued_tokens[0]
    assert result.game_url.reveal() == f"{spec_server.url}/play/index.html?token={player_token}"
    assert result.http_status == 200
    assert result.redacted_url == f"{spec_server.url}/play/index.html?token=•••"
    assert [a.outcome for a in result.attempts] == ["success"] and seen == result.attempts
    attempt = result.attempts[0]
    assert attempt.game_url == result.redacted_url
    assert attempt.ttfb_ms is not None and 0 < attempt.ttfb_ms <= attempt.duration_ms
    exchange = attempt.exchange
    assert exchange.method == "POST" and exchange.http_status == 200
    assert "HASH=•••" in exchange.url and spec_server.token not in exchange.url
    assert player_token not in exchange.response_body and "token=•••" in exchange.response_body
    assert json.loads(exchange.request_body) == body
    # The player's token is now masked everywhere, even outside a URL.
    assert redact(f"x {player_token} y") == "x ••• y"


def test_a_good_answer_is_json_decoded_once(spec_server, monkeypatch):
    # A second parse (looking for an error in a good answer) cost ~6 ms for 5 MB.
    real_loads = json.loads
    answers = []

    def counting_loads(text, *args, **kwargs):
        raw = text.decode("utf-8", "replace") if isinstance(text, (bytes, bytearray)) else text
        if "/play/index.html" in raw:
            answers.append(raw)
        return real_loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting_loads)
    result, _ = enter(spec_server)
    assert result.game_url.reveal().startswith(spec_server.url) and len(answers) == 1


def test_the_given_uuid_is_used_for_the_first_attempt_only(spec_server):
    spec_server.script([(503, {}, G01)])
    given = str(uuidlib.uuid4())
    result, _ = enter(spec_server, uuid=given)
    uuids = [r.json()["uuid"] for r in spec_server.requests]
    assert uuids[0] == given and uuids[1] != given
    assert result.uuid == uuids[1]


def test_query_parameters_are_encoded(spec_server):
    odd = "tok+en/with=odd&chars"
    spec_server.token = odd
    result, _ = enter(spec_server)
    assert not isinstance(result, Exception), result
    assert spec_server.requests[0].raw_query == "MEMB_ID=spec-partner&HASH=tok%2Ben%2Fwith%3Dodd%26chars"


# ---------------------------------------------------------------- retries


def test_g01_twice_then_success_takes_three_attempts_with_distinct_uuids(spec_server):
    spec_server.script([(503, {}, G01), (503, {}, G01)])
    sleep = Recorder()
    result, seen = enter(spec_server, sleep=sleep)

    assert result.http_status == 200
    assert [a.outcome for a in result.attempts] == ["api_error", "api_error", "success"]
    assert [a.error_code for a in result.attempts] == ["G.01", "G.01", None]
    sent = [r.json()["uuid"] for r in spec_server.requests]
    assert len(sent) == 3 and len(set(sent)) == 3 and all(map(is_canonical_uuid4, sent))
    assert [a.uuid for a in result.attempts] == sent and result.uuid == sent[-1]
    assert seen == result.attempts and [a.number for a in seen] == [1, 2, 3]
    assert len(sleep.waits) == 2


def test_g01_on_a_200_or_400_is_retried_too(spec_server):
    spec_server.script([(200, {}, G01), (400, {}, G01)])
    result, _ = enter(spec_server)
    assert [a.outcome for a in result.attempts] == ["api_error", "api_error", "success"]


def test_retries_stop_after_the_configured_number(spec_server):
    spec_server.script([(503, {}, G01)] * 5)
    error, seen = enter(spec_server, ClientSettings(deadline=1.0, retries=1))
    assert isinstance(error, ApiError) and error.code == "G.01" and error.retryable
    assert len(spec_server.requests) == 2 and len(error.attempts) == 2 and seen == error.attempts


def test_retry_after_seconds_and_http_date_are_honoured_and_capped(spec_server):
    in_5s = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    spec_server.script(
        [
            (429, {"Retry-After": "3"}, {"errors": {"code": "G.9", "message": "slow down"}}),
            (503, {"Retry-After": in_5s}, G01),
        ]
    )
    sleep = Recorder()
    result, _ = enter(spec_server, ClientSettings(deadline=30.0), sleep=sleep)
    assert result.http_status == 200
    assert sleep.waits[0] == 3.0
    assert 3.0 <= sleep.waits[1] <= 5.0

    spec_server.script([(503, {"Retry-After": "3600"}, G01)])
    sleep = Recorder()
    enter(spec_server, ClientSettings(deadline=2.0), sleep=sleep)
    assert sleep.waits == [2.0]


def test_a_refused_port_is_retried_then_fails_with_nothing_sent():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on ``port`` any more.
    closed = type("Closed", (), {"url": f"http://127.0.0.1:{port}", "partner_id": "p", "token": "a-token"})
    sleep = Recorder()
    error, seen = enter(closed, sleep=sleep)
    assert isinstance(error, ConnectionRefusedError_)
    assert not error.maybe_delivered and error.exit_code == 4
    assert [a.outcome for a in error.attempts] == ["transport_error"] * 3 == [a.outcome for a in seen]
    assert len({a.uuid for a in error.attempts}) == 3
    assert len(sleep.waits) == 2
    assert all(a.exchange.http_status is None for a in error.attempts)


# ---------------------------------------------------------------- API errors


@pytest.mark.parametrize(
    "body, code, message",
    [
        ({"errors": {"code": "G.0", "message": "Could not authenticate"}}, "G.0", "Could not authenticate"),
        ({"errors": [{"code": "V.3", "message": "bad ip"}, {"code": "V.4", "message": "bad nick"}]}, "V.3", "bad ip"),
        ({"error": {"code": "G.1", "message": "INVALID GAME TYPE"}}, "G.1", "INVALID GAME TYPE"),
    ],
)
def test_api_error_shapes(spec_server, body, code, message):
    spec_server.script([(400, {}, body)])
    error, _ = enter(spec_server)
    assert isinstance(error, ApiError)
    assert (error.http_status, error.code, error.api_message) == (400, code, message)
    assert error.category == code[0] and not error.retryable and error.exit_code == 3
    assert error.raw_body == json.dumps(body)
    assert len(spec_server.requests) == 1
    assert [a.outcome for a in error.attempts] == ["api_error"]


def test_all_listed_errors_are_kept(spec_server):
    spec_server.script([(400, {}, {"errors": [{"code": "V.3", "message": "a"}, {"code": "X.1", "message": "b"}]})])
    error, _ = enter(spec_server)
    assert error.errors == [("V.3", "a"), ("X.1", "b")]


def test_wrong_token_gets_401_g0_from_the_spec_server(spec_server):
    error, _ = enter(spec_server, token="not-the-token")
    assert isinstance(error, ApiError) and error.http_status == 401 and error.code == "G.0"
    assert "Could not authenticate" in error.api_message and not error.retryable


def test_an_error_status_without_an_error_body_is_an_api_error_without_code(spec_server):
    spec_server.script([(404, {"Content-Type": "text/plain"}, "no such thing")])
    error, _ = enter(spec_server)
    assert isinstance(error, ApiError)
    assert (error.http_status, error.code, error.api_message, error.category) == (404, None, "no such thing", "unknown")


def test_a_proxy_407_is_a_proxy_error(spec_server):
    spec_server.script([(407, {}, "")])
    error, _ = enter(spec_server)
    assert isinstance(error, ProxyError)


def test_a_redirect_is_not_followed(spec_server):
    spec_server.script([(302, {"Location": "https://elsewhere.example/?HASH=x"}, "")])
    error, _ = enter(spec_server)
    assert type(error) is BadAnswerError and error.http_status == 302
    assert "not followed" in str(error)
    assert len(spec_server.requests) == 1


# ---------------------------------------------------------------- bad answers


def test_an_html_502_page_is_named_as_such(spec_server):
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    spec_server.script([(502, {"Content-Type": "text/html"}, page)])
    error, _ = enter(spec_server)
    assert isinstance(error, HtmlPageError) and error.http_status == 502
    assert "probably a proxy or load balancer page" in str(error) and "502 Bad Gateway" in str(error)
    assert error.exit_code == 4 and len(spec_server.requests) == 1


@pytest.mark.parametrize(
    "body, kind",
    [
        (b'{"url": "http://x/', NotJsonError),
        ({"session": "ok"}, MissingUrlError),
        ({"url": 42}, MissingUrlError),
        ({"url": "javascript:alert(1)"}, UnsafeUrlError),
        ({"url": "data:text/html,<b>x</b>"}, UnsafeUrlError),
        ({"url": "file:///etc/passwd"}, UnsafeUrlError),
        ({"url": "//host/no-scheme"}, UnsafeUrlError),
    ],
)
def test_unusable_success_bodies(spec_server, body, kind):
    spec_server.script([(200, {}, body)])
    error, _ = enter(spec_server)
    assert type(error) is kind and error.http_status == 200 and error.maybe_delivered
    assert error.exit_code == 4 and len(spec_server.requests) == 1
    assert [a.outcome for a in error.attempts] == ["bad_answer"]


def test_a_50_mb_streamed_body_is_cut_at_the_cap_without_buffering_it(spec_server):
    chunk = b"x" * 65536
    spec_server.script([("stream", 200, {"Content-Type": "application/json"}, chunk, 800)])
    tracemalloc.start()
    try:
        error, _ = enter(spec_server, ClientSettings(deadline=5.0))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(error, BodyTooLargeError) and "1,000,000-byte limit" in str(error)
    assert peak < 15_000_000, f"peak {peak:,} bytes"
    spec_server.wait_for_disconnects(1)
    exchange = error.attempts[0].exchange
    assert 0 < len(exchange.response_body) <= 65536


def test_a_declared_oversize_body_is_refused_before_reading(spec_server):
    spec_server.script([("stream", 200, {"Content-Length": str(50 * 2**20)}, b"x" * 65536, 800)])
    error, _ = enter(spec_server)
    assert isinstance(error, BodyTooLargeError) and "announces" in str(error)


# ---------------------------------------------------------------- delivery uncertain


def test_a_dropped_connection_is_not_resent(spec_server):
    spec_server.script(["drop"])
    error, _ = enter(spec_server, ClientSettings(deadline=2.0, retries=3))
    assert isinstance(error, ConnectionDroppedError) and error.maybe_delivered
    assert "a game session may have been created" in str(error)
    assert len(spec_server.requests) == 1 and len(error.attempts) == 1


def test_a_server_that_never_answers_hits_the_deadline_and_is_not_resent(spec_server):
    spec_server.script(["hang"])
    started = time.monotonic()
    error, _ = enter(spec_server, ClientSettings(deadline=1.0, retries=3))
    elapsed = time.monotonic() - started
    assert isinstance(error, DeadlineExceededError) and error.maybe_delivered
    assert 0.9 <= elapsed < 1.9
    assert len(spec_server.requests) == 1
    spec_server.wait_for_disconnects(1)


def test_a_drip_feeding_server_is_cut_at_the_deadline(spec_server):
    spec_server.script([("drip", 200, {"Content-Type": "application/json"}, b" ", 0.05)])
    started = time.monotonic()
    error, _ = enter(spec_server, ClientSettings(deadline=1.0))
    elapsed = time.monotonic() - started
    assert isinstance(error, DeadlineExceededError) and error.maybe_delivered
    assert 0.9 <= elapsed < 1.9
    assert error.attempts[0].exchange.http_status == 200
    assert len(spec_server.requests) == 1
    spec_server.wait_for_disconnects(1)


def test_cancellation_mid_request_records_a_cancelled_attempt_and_closes_the_connection(spec_server):
    spec_server.script(["hang"])
    seen: list[Attempt] = []

    async def go():
        async with make_http_client(FAST) as http:
            client = LuckyMonacoClient(http, ClientSettings(deadline=30.0))
            task = asyncio.create_task(client.enter(target_of(spec_server), REQUEST, on_attempt=seen.append))
            await asyncio.to_thread(spec_server.wait_for_requests, 1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(go())
    assert [a.outcome for a in seen] == ["cancelled"]
    assert seen[0].uuid == spec_server.requests[0].json()["uuid"]
    spec_server.wait_for_disconnects(1)


def test_cancellation_during_backoff_stops_retrying(spec_server):
    spec_server.script([(503, {}, G01)] * 3)
    seen: list[Attempt] = []

    async def go():
        started = asyncio.Event()

        async def slow_sleep(seconds):
            started.set()
            await asyncio.sleep(60)

        async with make_http_client(FAST) as http:
            client = LuckyMonacoClient(http, FAST, sleep=slow_sleep)
            task = asyncio.create_task(client.enter(target_of(spec_server), REQUEST, on_attempt=seen.append))
            await started.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(go())
    assert [a.outcome for a in seen] == ["api_error"] and len(spec_server.requests) == 1


# ---------------------------------------------------------------- gamelist / snapshot


def run_call(server, call):
    async def go():
        async with make_http_client(FAST) as http:
            return await call(LuckyMonacoClient(http, FAST, sleep=Recorder()), target_of(server))

    try:
        return asyncio.run(go())
    except Exception as error:
        return error


def test_game_list(spec_server):
    games = run_call(spec_server, lambda c, t: c.game_list(t))
    assert [g["gameid"] for g in games] == ["lm_8_treasureofzeus", "lm_1_pumpkinfarm"]
    (sent,) = spec_server.requests
    assert sent.path == "/api/gamelist" and sent.json() == {"gametype": "slot"}
    assert sent.raw_query == f"MEMB_ID={spec_server.partner_id}&HASH={spec_server.token}"


def test_game_list_error_uses_the_error_shape(spec_server):
    error = run_call(spec_server, lambda c, t: c.game_list(t, gametype="table"))
    assert isinstance(error, ApiError) and error.code == "G.1" and error.api_message == "INVALID GAME TYPE"


def test_game_list_without_an_array_is_a_bad_answer(spec_server):
    spec_server.script([(200, {}, {"gametype": "slot"})], path="/api/gamelist")
    error = run_call(spec_server, lambda c, t: c.game_list(t))
    assert type(error) is BadAnswerError and "gamelist" in str(error)


def test_snapshot(spec_server):
    url = run_call(spec_server, lambda c, t: c.snapshot(t, "tx-42"))
    assert isinstance(url, Secret) and url.reveal() == f"{spec_server.url}/snapshot/tx-42.html"
    assert spec_server.requests[0].json() == {"transaction_id": "tx-42"}
    assert spec_server.requests[0].path == "/api/snapshot.php"


# ---------------------------------------------------------------- secrets


def test_the_token_appears_in_no_repr_message_or_log(spec_server, caplog):
    spec_server.token = CANARY_TOKEN
    caplog.set_level(logging.DEBUG, logger="console_app")
    spec_server.script([(503, {}, G01), (401, {}, {"errors": {"code": "G.0", "message": f"bad HASH {CANARY_TOKEN}"}})])
    error, seen = enter(spec_server, token=CANARY_TOKEN)
    result, seen_ok = enter(spec_server, token=CANARY_TOKEN)
    assert isinstance(error, ApiError) and result.http_status == 200
    texts = [
        repr(error), str(error), error.api_message, error.raw_body, repr(error.errors),
        repr(seen), repr(seen_ok), repr(result), repr(target_of(spec_server, CANARY_TOKEN)),
    ]
    texts += [record.getMessage() for record in caplog.records]
    assert any("HASH=•••" in t for t in texts)
    assert [t for t in texts if CANARY_TOKEN in t] == []
    assert any(r.name == "console_app.core.client" for r in caplog.records)
