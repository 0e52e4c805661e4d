"""A profile's network settings, used for real: HTTPS sandboxes with certificates made
by trustme (a private CA, a wrong host name, an expired and a self-signed one) and a
loopback proxy that demands authentication.

The request goes through the app's own path: ``Profile.client_settings()`` ->
``make_http_client`` -> ``LuckyMonacoClient.enter``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socketserver
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from console_app.core.client import LuckyMonacoClient
from console_app.core.errors import ProxyError, TlsError
from console_app.core.http import make_http_client
from console_app.core.messages import one_line
from console_app.core.models import LaunchRequest, LaunchResult
from console_app.core.profiles import Profile, target_for
from console_app.core.redaction import Secret
from console_app.sandbox.server import DEFAULT_PARTNER_ID, DEFAULT_TOKEN, SandboxServer
from tests.fixtures.common import run_cli

REQUEST = LaunchRequest(gameid="lm_8_treasureofzeus", player_id="p-1", nickname="Nick", language="en",
                        currency="USD", session_id="s-1", ip="203.0.113.9")
PLAYER = ["--game-id", "lm_8_treasureofzeus", "--player-id", "p-1", "--nickname", "Nick",
          "--language", "en", "--currency", "USD", "--session-id", "s-1", "--ip", "203.0.113.9"]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _https_sandbox(cert: trustme.LeafCert | None = None, *, self_signed: tuple[bytes, bytes] | None = None):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    if cert is not None:
        cert.configure_cert(context)
    else:
        chain, key = self_signed
        context.load_cert_chain(*_write_pair(chain, key))
    return SandboxServer(ssl_context=context)


def _write_pair(chain: bytes, key: bytes) -> tuple[str, str]:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="lm-tls-"))
    (folder / "cert.pem").write_bytes(chain)
    (folder / "key.pem").write_bytes(key)
    return str(folder / "cert.pem"), str(folder / "key.pem")


@pytest.fixture
def sandbox_for() -> Iterator:
    """Start an HTTPS sandbox (stopped at the end of the test)."""
    started: list[SandboxServer] = []

    def start(*args, **kwargs) -> SandboxServer:
        server = _https_sandbox(*args, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _profile(url: str, **changes) -> Profile:
    return Profile(name="tls", api_url=url, partner_id=DEFAULT_PARTNER_ID, retries=0, deadline=10.0, **changes)


def _launch(profile: Profile) -> LaunchResult:
    async def enter() -> LaunchResult:
        settings = profile.client_settings()
        async with make_http_client(settings) as http:
            client = LuckyMonacoClient(http, settings)
            return await client.enter(target_for(profile, Secret(DEFAULT_TOKEN), from_store=False), REQUEST)

    return asyncio.run(enter())


def test_private_ca_is_refused_by_default_and_accepted_with_its_bundle(ca, ca_file, sandbox_for) -> None:
    server = sandbox_for(ca.issue_cert("127.0.0.1", "localhost"))
    with pytest.raises(TlsError) as caught:
        _launch(_profile(server.url))  # the OS trust store does not know this CA
    assert caught.value.reason == "untrusted-root"
    assert "add the issuing CA file to the profile" in one_line(caught.value)
    assert server.requests == []  # refused during the handshake: no request was sent

    result = _launch(_profile(server.url, ca_bundle=ca_file))
    assert result.http_status == 200
    assert result.game_url.reveal().startswith(server.url)


def test_certificate_for_another_host_is_wrong_host(ca, ca_file, sandbox_for) -> None:
    server = sandbox_for(ca.issue_cert("api.other.example"))
    with pytest.raises(TlsError) as caught:
        _launch(_profile(server.url, ca_bundle=ca_file))
    assert caught.value.reason == "wrong-host"
    assert "The certificate names another host" in one_line(caught.value)


def test_expired_certificate_is_named(ca, ca_file, sandbox_for) -> None:
    now = dt.datetime.now(dt.UTC)
    server = sandbox_for(ca.issue_cert("127.0.0.1", not_before=now - dt.timedelta(days=30),
                                       not_after=now - dt.timedelta(days=1)))
    with pytest.raises(TlsError) as caught:
        _launch(_profile(server.url, ca_bundle=ca_file))
    assert caught.value.reason == "expired"
    assert "has expired" in str(caught.value)


def test_self_signed_certificate_is_named(sandbox_for) -> None:
    server = sandbox_for(self_signed=_self_signed_pair("127.0.0.1"))
    with pytest.raises(TlsError) as caught:
        _launch(_profile(server.url))
    assert caught.value.reason == "self-signed"
    assert "self-signed certificate" in str(caught.value)


def test_verification_off_accepts_anything_outside_production(sandbox_for) -> None:
    server = sandbox_for(self_signed=_self_signed_pair("127.0.0.1"))
    assert _launch(_profile(server.url, verify_tls=False)).http_status == 200


def _self_signed_pair(host: str) -> tuple[bytes, bytes]:
    """A leaf certificate signed by its own key (no CA at all)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


# --------------------------------------------------------------------------- CLI


def test_cli_launch_with_profile_is_refused_on_an_unknown_ca(ca, sandbox_for, basedir: Path) -> None:
    server = sandbox_for(ca.issue_cert("127.0.0.1"))
    added = run_cli("profile", "add", "tls", "--api-url", server.url, "--partner-id", DEFAULT_PARTNER_ID,
                    basedir=basedir)
    assert added.returncode == 0, added.stderr
    launched = run_cli("launch", "--profile", "tls", "--token-stdin", *PLAYER, basedir=basedir,
                       input=DEFAULT_TOKEN + "\n")
    assert launched.returncode == 4
    assert "TLS certificate check failed (untrusted-root)" in launched.stderr
    assert "add the issuing CA file to the profile" in launched.stderr


def test_cli_launch_with_profile_uses_its_ca_bundle(ca, ca_file, sandbox_for, basedir: Path) -> None:
    server = sandbox_for(ca.issue_cert("127.0.0.1"))
    run_cli("profile", "add", "tls", "--api-url", server.url, "--partner-id", DEFAULT_PARTNER_ID,
            "--ca-bundle", ca_file, basedir=basedir)
    launched = run_cli("launch", "--profile", "tls", "--token-stdin", *PLAYER, basedir=basedir,
                       input=DEFAULT_TOKEN + "\n")
    assert launched.returncode == 0, launched.stderr
    assert launched.stdout.startswith(server.url)


def test_cli_catalog_fetch_and_history_replay_use_the_profiles_ca_bundle(ca, ca_file, sandbox_for, basedir: Path) -> None:
    """Every command that calls the API takes the profile's network settings, not only launch."""
    import json

    server = sandbox_for(ca.issue_cert("127.0.0.1"))
    run_cli("profile", "add", "tls", "--api-url", server.url, "--partner-id", DEFAULT_PARTNER_ID,
            "--ca-bundle", ca_file, basedir=basedir)
    fetched = run_cli("catalog", "fetch", "--profile", "tls", "--token-stdin", basedir=basedir,
                      input=DEFAULT_TOKEN + "\n")
    assert fetched.returncode == 0, fetched.stderr
    launched = run_cli("launch", "--profile", "tls", "--token-stdin", *PLAYER, basedir=basedir,
                       input=DEFAULT_TOKEN + "\n")
    assert launched.returncode == 0, launched.stderr
    listed = run_cli("history", "--json", "--limit", "1", basedir=basedir)
    entry_id = str(json.loads(listed.stdout)[0]["id"])
    replayed = run_cli("history", "replay", entry_id, "--token-stdin", basedir=basedir, input=DEFAULT_TOKEN + "\n")
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout.startswith(server.url)


# --------------------------------------------------------------------------- proxy


class _AuthRequiredProxy(socketserver.ThreadingTCPServer):
    """A loopback proxy that answers every request (CONNECT included) with 407."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.request_lines: list[str] = []
        self.seen = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        first = self.rfile.readline().decode("latin-1").strip()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        self.server.request_lines.append(first)
        self.server.seen.set()
        self.wfile.write(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                         b"Proxy-Authenticate: Basic realm=\"lm-tests\"\r\n"
                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")


@pytest.fixture
def auth_proxy() -> Iterator[_AuthRequiredProxy]:
    proxy = _AuthRequiredProxy()
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(5)


def test_explicit_proxy_asking_for_authentication_is_a_proxy_error(auth_proxy, spec_server) -> None:
    profile = _profile(spec_server.url, proxy_mode="explicit", proxy_url=auth_proxy.url)
    with pytest.raises(ProxyError) as caught:
        _launch(profile)
    assert "proxy asks for authentication (HTTP 407)" in str(caught.value)
    assert auth_proxy.request_lines[0].startswith(f"POST {spec_server.url}/api/session?")
    assert spec_server.requests == []


def test_proxy_407_on_connect_for_https_is_a_proxy_error(auth_proxy, ca, ca_file, sandbox_for) -> None:
    server = sandbox_for(ca.issue_cert("127.0.0.1"))
    profile = _profile(server.url, ca_bundle=ca_file, proxy_mode="explicit", proxy_url=auth_proxy.url)
    with pytest.raises(ProxyError) as caught:
        _launch(profile)
    assert "407" in str(caught.value)
    assert auth_proxy.request_lines == [f"CONNECT 127.0.0.1:{server.port} HTTP/1.1"]


@pytest.fixture
def plain_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def test_system_mode_honours_http_proxy_and_no_proxy(auth_proxy, plain_sandbox, monkeypatch) -> None:
    profile = _profile(plain_sandbox.url, proxy_mode="system")
    monkeypatch.setenv("HTTP_PROXY", auth_proxy.url)
    monkeypatch.setenv("HTTPS_PROXY", auth_proxy.url)
    with pytest.raises(ProxyError):
        _launch(profile)
    assert len(auth_proxy.request_lines) == 1 and plain_sandbox.requests == []

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert _launch(profile).http_status == 200
    assert len(auth_proxy.request_lines) == 1 and len(plain_sandbox.requests) == 1


def test_proxy_mode_none_ignores_the_environment(auth_proxy, plain_sandbox, monkeypatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", auth_proxy.url)
    assert _launch(_profile(plain_sandbox.url, proxy_mode="none")).http_status == 200
    assert auth_proxy.request_lines == []
