"""The server itself: life cycle, concurrency, keep-alive, TLS, recording, logging."""

from __future__ import annotations

import logging
import socket
import ssl
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from console_app.sandbox.server import DEFAULT_PARTNER_ID, DEFAULT_TOKEN, SandboxServer
from tests.unit.sandbox.helpers import auth, enter, enter_body


def test_defaults_are_the_public_demo_credentials(sandbox):
    assert (DEFAULT_PARTNER_ID, DEFAULT_TOKEN) == ("sandbox-partner", "sandbox-demo-token")
    assert (sandbox.partner_id, sandbox.token) == (DEFAULT_PARTNER_ID, DEFAULT_TOKEN)
    assert sandbox.url.startswith("http://127.0.0.1:") and sandbox.port > 0


def test_context_manager_starts_and_stops():
    with SandboxServer() as srv:
        assert enter(srv).status_code == 200
        port = srv.port
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
    srv.stop()  # a second stop is harmless


def test_start_returns_self_and_is_idempotent():
    srv = SandboxServer()
    try:
        assert srv.start() is srv
        port = srv.port
        assert srv.start().port == port
    finally:
        srv.stop()


def test_fifty_simultaneous_new_connections_all_succeed(sandbox):
    barrier = threading.Barrier(50)

    def one(_: int) -> int:
        with httpx.Client(timeout=10) as client:
            barrier.wait()
            return client.post(f"{sandbox.url}/api/session", params=auth(sandbox), json=enter_body()).status_code

    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(one, range(50)))
    assert statuses == [200] * 50
    assert len(sandbox.requests) == 50


def test_keep_alive_serves_many_requests_on_one_connection(sandbox):
    ports = set()
    with httpx.Client(timeout=10) as client:
        for _ in range(5):
            response = client.post(f"{sandbox.url}/api/session", params=auth(sandbox), json=enter_body())
            assert response.status_code == 200
            ports.add(response.extensions["network_stream"].get_extra_info("client_addr")[1])
    assert len(ports) == 1


def test_error_answers_keep_the_connection_usable(sandbox):
    with httpx.Client(timeout=10) as client:
        url = f"{sandbox.url}/api/session"
        assert client.post(url, params={}, json=enter_body()).status_code == 401
        answer = client.post(url, params=auth(sandbox), content=b"{", headers={"Content-Type": "application/json"})
        assert answer.status_code == 400
        assert client.get(f"{sandbox.url}/nope").status_code == 404
        assert client.post(url, params=auth(sandbox), json=enter_body()).status_code == 200


def test_recorded_requests(sandbox):
    body = enter_body()
    enter(sandbox, body, headers={"X-Trace": "abc"})
    (recorded,) = sandbox.requests
    assert recorded.method == "POST" and recorded.path == "/api/session"
    assert recorded.query == {"MEMB_ID": "sandbox-partner", "HASH": "sandbox-demo-token"}
    assert recorded.json == body
    assert recorded.body.startswith(b"{")
    assert recorded.headers["content-type"] == "application/json"
    assert recorded.headers["X-Trace"] == "abc" and "x-trace" in recorded.headers
    sandbox.requests.clear()  # a copy: the server's list is untouched
    assert len(sandbox.requests) == 1


def test_wait_for_requests(sandbox):
    assert sandbox.wait_for_requests(0, timeout=0)
    assert not sandbox.wait_for_requests(1, timeout=0.05)
    answers: list[int] = []
    client = threading.Thread(target=lambda: answers.append(enter(sandbox).status_code))
    client.start()
    assert sandbox.wait_for_requests(1, timeout=5)
    # The request is recorded before it is answered: let the answer arrive before the
    # fixture stops the server, or the client thread fails after this test has passed.
    client.join(timeout=10)
    assert answers == [200]


def test_tls(sandbox_factory):
    import trustme  # dev dependency: makes the test CA

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    srv = sandbox_factory(ssl_context=context)
    assert srv.url.startswith("https://127.0.0.1:")
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    response = httpx.post(f"{srv.url}/api/session", params=auth(srv), json=enter_body(),
                          verify=client_context, timeout=10)
    assert response.json()["url"].startswith(f"{srv.url}/game/index.html?token=")
    # A client that does not trust the certificate fails; the server goes on serving.
    with pytest.raises(httpx.ConnectError):
        httpx.get(srv.url, timeout=10)
    assert httpx.get(f"{srv.url}/", verify=client_context, timeout=10).status_code == 200


def test_a_silent_tls_client_does_not_block_others(sandbox_factory):
    import trustme  # dev dependency: makes the test CA

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    srv = sandbox_factory(ssl_context=context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    with socket.create_connection(("127.0.0.1", srv.port)):  # connects, never says hello
        response = httpx.get(f"{srv.url}/", verify=client_context, timeout=5)
    assert response.status_code == 200


def test_ipv6_loopback(sandbox_factory):
    if not socket.has_ipv6:
        pytest.skip("this machine has no IPv6")
    try:
        srv = sandbox_factory(host="::1")
    except OSError as exc:
        pytest.skip(f"cannot bind ::1 here: {exc}")
    assert srv.url.startswith("http://[::1]:")
    assert enter(srv).json()["url"].startswith(f"{srv.url}/game/")


def test_log_lines_never_carry_secrets(sandbox_factory, caplog, canary_token):
    caplog.set_level(logging.DEBUG, logger="console_app.sandbox")
    srv = sandbox_factory(token=canary_token)
    url = enter(srv).json()["url"]
    player_token = httpx.URL(url).params["token"]
    httpx.get(url, timeout=10)
    httpx.get(f"{srv.url}/api/snapshot.php", params={**auth(srv), "transaction_id": "tx-demo-1"}, timeout=10)
    logged = caplog.text
    assert "/api/session?MEMB_ID=sandbox-partner&HASH=•••" in logged
    assert "/game/index.html?token=•••" in logged
    assert canary_token not in logged and player_token not in logged
    assert all(r.name.startswith("console_app.sandbox") for r in caplog.records)


def test_sandbox_imports_neither_qt_nor_httpx():
    code = ("import sys, console_app.sandbox.server, console_app.sandbox.pages\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'shiboken6', 'qasync', 'httpx', 'httpcore'))\n"
            "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_sandbox_bug_is_logged_as_an_error_not_hidden(sandbox, caplog, monkeypatch):
    from console_app.sandbox import pages

    def broken(session, **options):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(pages, "game_page", broken)
    url = enter(sandbox).json()["url"]
    with caplog.at_level(logging.ERROR, logger="console_app.sandbox"):
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(url, timeout=10)
    assert "template exploded" in caplog.text
    assert enter(sandbox).status_code == 200  # the server lives on
