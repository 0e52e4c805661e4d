"""The HTTP client factory and the httpx/ssl -> project error boundary."""

from __future__ import annotations

import asyncio
import socket
import ssl
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import trustme

from console_app.core.client import LuckyMonacoClient
from console_app.core.errors import (
    BadAnswerError,
    ConnectionDroppedError,
    ConnectionRefusedError_,
    ConnectTimeoutError,
    DeadlineExceededError,
    DnsError,
    ProxyError,
    TlsError,
)
from console_app.core.http import make_http_client, map_transport_error, ssl_context_for, tls_reason
from console_app.core.messages import one_line
from console_app.core.models import ApiTarget, ClientSettings, LaunchRequest
from console_app.core.redaction import Secret

REQUEST = LaunchRequest("lm_8_treasureofzeus", "u1", "Ann", "en", "USD", "s1", "203.0.113.7")


def raised_from(outer: BaseException, inner: BaseException) -> BaseException:
    """``outer`` as if raised ``from inner`` (how httpx chains its errors)."""
    outer.__cause__ = inner
    return outer


def cert_error(code: int, message: str) -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {message}")
    error.verify_code = code
    error.verify_message = message
    return error


# ---------------------------------------------------------------- configuration


def test_client_configuration_follows_the_settings():
    async def go():
        settings = ClientSettings(connect_timeout=3.0, deadline=9.0)
        async with make_http_client(settings) as http:
            assert http.follow_redirects is False
            assert (http.timeout.connect, http.timeout.read, http.timeout.write, http.timeout.pool) == (3.0, 9.0, 9.0, 9.0)
            assert http.trust_env is True
        async with make_http_client(ClientSettings(proxy="")) as http:
            assert http.trust_env is False
        async with make_http_client(ClientSettings(connect_timeout=5.0, deadline=1.0)) as http:
            assert http.timeout.connect == 1.0

    asyncio.run(go())


def test_tls_contexts():
    import truststore

    assert isinstance(ssl_context_for(True), truststore.SSLContext)
    unchecked = ssl_context_for(False)
    assert unchecked.verify_mode == ssl.CERT_NONE and not unchecked.check_hostname
    with pytest.raises(TlsError, match="cannot load the CA bundle"):
        ssl_context_for("/nonexistent/ca.pem")


def _launch(api_url: str, settings: ClientSettings, token: str = "a-token"):
    async def go():
        async with make_http_client(settings) as http:
            client = LuckyMonacoClient(http, settings, sleep=_no_sleep)
            return await client.enter(ApiTarget(api_url, "spec-partner", Secret(token)), REQUEST)

    try:
        return asyncio.run(go())
    except Exception as error:
        return error


async def _no_sleep(seconds: float) -> None:
    return None


def test_an_explicit_proxy_is_used(spec_server):
    result = _launch("http://lm-api.test", ClientSettings(proxy=spec_server.url, deadline=2), spec_server.token)
    assert result.http_status == 200
    (sent,) = spec_server.requests
    assert sent.headers["host"] == "lm-api.test" and sent.path == "/api/session"


def test_the_environment_proxy_is_honoured_only_when_proxy_is_none(spec_server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", spec_server.url)
    result = _launch("http://lm-api.test", ClientSettings(deadline=2), spec_server.token)
    assert result.http_status == 200 and spec_server.requests[0].headers["host"] == "lm-api.test"

    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # a dead proxy: used, it would fail
    result = _launch(spec_server.url, ClientSettings(proxy="", deadline=2), spec_server.token)
    assert result.http_status == 200


def test_a_proxy_asking_for_credentials_is_a_proxy_error(spec_server):
    spec_server.script([(407, {"Proxy-Authenticate": "Basic"}, "")])
    error = _launch("http://lm-api.test", ClientSettings(proxy=spec_server.url, deadline=2))
    assert isinstance(error, ProxyError) and "407" in str(error)


# ---------------------------------------------------------------- real TLS


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


def _tls_launch(ca, verify, **cert_kwargs):
    identities = cert_kwargs.pop("identities", ("127.0.0.1",))
    cert = ca.issue_cert(*identities, **cert_kwargs)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_context)
    body = b'{"url": "https://127.0.0.1/play/index.html?token=abcd"}'

    async def handle(reader, writer):
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError, ssl.SSLError):
            pass  # the client gave up during the handshake
        writer.close()

    async def go():
        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_context)
        port = server.sockets[0].getsockname()[1]
        settings = ClientSettings(verify=verify, deadline=3, retries=0)
        try:
            async with make_http_client(settings) as http:
                client = LuckyMonacoClient(http, settings)
                return await client.enter(ApiTarget(f"https://127.0.0.1:{port}", "p", Secret("a-token")), REQUEST)
        finally:
            server.close()
            await server.wait_closed()

    try:
        return asyncio.run(go())
    except Exception as error:
        return error


def test_tls_with_the_ca_bundle_succeeds(ca):
    with ca.cert_pem.tempfile() as path:
        result = _tls_launch(ca, path)
    assert result.http_status == 200


def test_tls_untrusted_root_against_the_system_store(ca):
    error = _tls_launch(ca, True)
    assert isinstance(error, TlsError) and error.reason == "untrusted-root"
    assert "CA file" in one_line(error) and not error.maybe_delivered and len(error.attempts) == 1


def test_tls_expired_certificate(ca):
    now = datetime.now(UTC)
    with ca.cert_pem.tempfile() as path:
        error = _tls_launch(ca, path, not_before=now - timedelta(days=10), not_after=now - timedelta(days=1))
    assert isinstance(error, TlsError) and error.reason == "expired" and "renew" in one_line(error)


def test_tls_wrong_host(ca):
    with ca.cert_pem.tempfile() as path:
        error = _tls_launch(ca, path, identities=("api.other.example",))
    assert isinstance(error, TlsError) and error.reason == "wrong-host"


def test_tls_without_verification_accepts_anything(ca):
    assert _tls_launch(ca, False).http_status == 200


# ---------------------------------------------------------------- error mapping


@pytest.mark.parametrize(
    "code, message, reason",
    [
        (10, "certificate has expired", "expired"),
        (18, "self-signed certificate", "self-signed"),
        (19, "self-signed certificate in certificate chain", "self-signed"),
        (20, "unable to get local issuer certificate", "untrusted-root"),
        (62, "Hostname mismatch, certificate is not valid for 'x'.", "wrong-host"),
        (999, "something new", "other"),
        (None, "self signed certificate", "self-signed"),
    ],
)
def test_tls_reasons(code, message, reason):
    assert tls_reason(raised_from(httpx.ConnectError("x"), cert_error(code, message))) == reason
    mapped = map_transport_error(raised_from(httpx.ConnectError("x"), cert_error(code, message)), host="h")
    assert isinstance(mapped, TlsError) and mapped.reason == reason


def test_connect_failures_are_mapped_as_not_sent():
    refused = raised_from(httpx.ConnectError("All connection attempts failed"), ConnectionRefusedError(111, "refused"))
    dns = raised_from(httpx.ConnectError("[Errno -2]"), socket.gaierror(-2, "Name or service not known"))
    cases = [
        (refused, ConnectionRefusedError_),
        (dns, DnsError),
        (httpx.ConnectTimeout("timed out"), ConnectTimeoutError),
        (httpx.ProxyError("407 Proxy Authentication Required"), ProxyError),
    ]
    for exc, kind in cases:
        mapped = map_transport_error(exc, host="api.example")
        assert type(mapped) is kind and not mapped.maybe_delivered and mapped.exit_code == 4
    assert "api.example" in str(map_transport_error(dns, host="api.example"))


def test_failures_after_sending_are_maybe_delivered():
    for exc in (httpx.RemoteProtocolError("Server disconnected"), httpx.ReadError("reset")):
        mapped = map_transport_error(exc, host="h", sent=True)
        assert isinstance(mapped, ConnectionDroppedError) and mapped.maybe_delivered
        assert "a game session may have been created" in str(mapped)
        before = map_transport_error(exc, host="h", sent=False)
        assert isinstance(before, ConnectionDroppedError) and not before.maybe_delivered
    timeout = map_transport_error(httpx.ReadTimeout("read"), host="h", sent=True)
    assert isinstance(timeout, DeadlineExceededError) and timeout.maybe_delivered


def test_a_broken_content_encoding_is_a_bad_answer():
    mapped = map_transport_error(httpx.DecodingError("Error -3 while decompressing data"), host="h", sent=True)
    assert type(mapped) is BadAnswerError and mapped.exit_code == 4


def test_mapped_messages_are_redacted():
    secret = Secret("sekret-token-value")
    exc = httpx.ConnectError(f"failed for https://h/api?HASH={secret.reveal()}")
    assert secret.reveal() not in str(map_transport_error(exc, host="h"))
