"""The sandbox under hostile clients: a bounded request log, a V-code for deeply nested
JSON, and control endpoints that a web page (cross-origin or DNS-rebound) cannot use."""

from __future__ import annotations

import json
import shlex
import subprocess
import uuid

import httpx
import pytest

from console_app.sandbox.server import RECORDED_BODY_BYTES, Fault

API = "/api/session?MEMB_ID=sandbox-partner&HASH=sandbox-demo-token"
JSON = {"Content-Type": "application/json"}


def test_the_request_log_is_a_ring(sandbox_factory):
    sandbox = sandbox_factory(request_log=5)
    with httpx.Client(base_url=sandbox.url, timeout=10) as client:
        for number in range(8):
            client.post(API, headers=JSON, content=json.dumps({"n": number}))
    assert [r.json["n"] for r in sandbox.requests] == [3, 4, 5, 6, 7]
    assert sandbox.wait_for_requests(8, timeout=0)  # counts every request received


def test_a_large_body_is_recorded_only_in_part(sandbox):
    body = json.dumps({"padding": "x" * 900_000}).encode()
    with httpx.Client(base_url=sandbox.url, timeout=10) as client:
        client.post(API, headers=JSON, content=body)
    recorded = sandbox.requests[-1]
    assert recorded.body == body[:RECORDED_BODY_BYTES] and recorded.body_size == len(body)
    assert recorded.json is None  # not kept: it is what the memory went to


def test_game_sessions_with_huge_nicknames_are_bounded(sandbox):
    # 150 ENTERs with a ~1 MB nickname took the sandbox from 26 to 195 MB (and 600 to
    # 657 MB): every session was kept. Now the oldest go once the text they hold passes
    # the bound; the newest still opens its game.
    from console_app.sandbox.game import MAX_SESSION_BYTES

    body = {"gametype": "slot", "gameid": "lm_8_treasureofzeus",
            "player": {"id": "u1", "nickname": "N" * 900_000, "language": "en", "currency": "USD",
                       "session": {"id": "s1", "ip": "203.0.113.7"}}}
    urls = []
    with httpx.Client(base_url=sandbox.url, timeout=10) as client:
        for _ in range(40):
            answer = client.post(API, headers=JSON, content=json.dumps({**body, "uuid": str(uuid.uuid4())}))
            assert answer.status_code == 200, answer.text
            urls.append(answer.json()["url"])
        world = sandbox.world
        assert world._session_bytes <= MAX_SESSION_BYTES
        assert world.session(urls[0].split("token=")[1])[0] is None  # the oldest went
        assert world.session(urls[-1].split("token=")[1])[0] is not None
        assert client.get(urls[-1]).status_code == 200


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_json_gets_a_v_code(sandbox, depth):
    body = b"[" * depth + b"]" * depth
    response = httpx.post(f"{sandbox.url}{API}", headers=JSON, content=body, timeout=10)
    assert response.status_code == 400
    assert response.json()["errors"]["code"] == "V.1"
    spin = httpx.post(f"{sandbox.url}/game/spin", headers=JSON, content=body, timeout=10)
    assert spin.status_code == 400


@pytest.mark.parametrize("headers", [
    {"Content-Type": "text/plain"},                                  # a form or fetch() without preflight
    {"Content-Type": "application/x-www-form-urlencoded"},
    {**JSON, "Origin": "http://attacker.example"},
    {**JSON, "Origin": "null"},
    {**JSON, "Sec-Fetch-Site": "cross-site"},
    {**JSON, "Sec-Fetch-Site": "same-site"},
    {**JSON, "Host": "attacker.example"},                            # DNS rebinding
    {**JSON, "Host": "127.0.0.1.attacker.example:80"},
])
def test_control_endpoints_refuse_what_a_web_page_could_send(sandbox, headers):
    with httpx.Client(base_url=sandbox.url, timeout=10) as client:
        response = client.post("/_sandbox/faults", headers=headers, content=json.dumps({"kind": "g01"}))
        assert response.status_code in (403, 415)
        assert sandbox.faults == []
        sandbox.inject(Fault("g01"))
        assert client.delete("/_sandbox/faults", headers=headers).status_code in (403, 415)
        assert client.get("/_sandbox/requests", headers=headers).status_code in (200, 403)
        if "Host" in headers or "Origin" in headers or "Sec-Fetch-Site" in headers:
            assert client.get("/_sandbox/requests", headers=headers).status_code == 403
    assert [f.kind for f in sandbox.faults] == ["g01"]


@pytest.mark.parametrize("headers", [
    JSON,
    {**JSON, "Sec-Fetch-Site": "same-origin"},
    {**JSON, "Sec-Fetch-Site": "none"},                               # typed in the address bar
    {**JSON, "Host": "localhost"},
])
def test_control_endpoints_answer_local_tools(sandbox, headers):
    with httpx.Client(base_url=sandbox.url, timeout=10) as client:
        own = {**headers, "Origin": sandbox.url} if "Host" not in headers else headers
        assert client.post("/_sandbox/faults", headers=own, content='{"kind": "g01"}').status_code == 201
        assert client.delete("/_sandbox/faults", headers=headers).status_code == 200
    assert sandbox.faults == []


def test_the_printed_curl_line_still_works(sandbox, capsys):
    from console_app.cli.sandbox import _print_banner

    _print_banner(sandbox, token_from_env=None)
    line = next(text for text in capsys.readouterr().out.splitlines() if "curl" in text)
    command = shlex.split(line.partition("Faults:")[2])
    assert command[0] == "curl"
    subprocess.run([*command, "--silent", "--show-error", "--fail"], check=True, capture_output=True, timeout=30)
    assert [f.kind for f in sandbox.faults] == ["g01"]
