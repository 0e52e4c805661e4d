"""Every fault kind over real sockets, counting, endpoints, run-time switching over
HTTP, and stop() while requests are held open."""

from __future__ import annotations

import json
import re
import threading
import time

import httpx
import pytest

from console_app.sandbox.faults import FAULT_KINDS
from console_app.sandbox.server import Fault
from tests.unit.sandbox.helpers import auth, enter, enter_body


def gamelist(srv) -> httpx.Response:
    return httpx.post(f"{srv.url}/api/gamelist", params=auth(srv), json={"gametype": "slot"}, timeout=10)


def test_g01_is_a_503_with_the_g01_code(sandbox):
    sandbox.inject(Fault("g01"))
    response = enter(sandbox)
    assert response.status_code == 503
    assert response.json()["errors"]["code"] == "G.01"
    assert enter(sandbox).status_code == 200  # count=1: used up


def test_faults_apply_before_authentication(sandbox):
    sandbox.inject(Fault("g01"))
    assert enter(sandbox, params={}).status_code == 503


def test_html502_looks_like_a_proxy_page(sandbox):
    sandbox.inject(Fault("html502"))
    response = enter(sandbox)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>502 Bad Gateway</h1>" in response.text


def test_malformed_json_is_200_and_does_not_parse(sandbox):
    sandbox.inject(Fault("malformed_json"))
    response = enter(sandbox)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_no_url_is_200_json_without_url(sandbox):
    sandbox.inject(Fault("no_url"))
    response = enter(sandbox)
    assert response.status_code == 200
    assert isinstance(response.json(), dict) and "url" not in response.json()


def test_javascript_url(sandbox):
    sandbox.inject(Fault("javascript_url"))
    assert enter(sandbox).json() == {"url": "javascript:alert(1)"}


def test_retry_after_429(sandbox):
    sandbox.inject(Fault("retry_after_429", retry_after=7))
    response = enter(sandbox)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"


def test_huge_body_is_exactly_size_bytes_of_json(sandbox):
    sandbox.inject(Fault("huge_body", size=3_000_000))
    with httpx.stream("POST", f"{sandbox.url}/api/session", params=auth(sandbox),
                      json=enter_body(), timeout=10) as response:
        assert response.status_code == 200
        assert response.headers["content-length"] == "3000000"
        body = b"".join(response.iter_raw())
    assert len(body) == 3_000_000
    assert json.loads(body)["url"].startswith(sandbox.url)


def test_a_client_that_stops_reading_a_huge_body_does_not_hurt_the_server(sandbox):
    sandbox.inject(Fault("huge_body", size=50_000_000))
    with httpx.stream("POST", f"{sandbox.url}/api/session", params=auth(sandbox),
                      json=enter_body(), timeout=10) as response:
        received = 0
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > 200_000:
                break
    assert received < 50_000_000
    assert enter(sandbox).status_code == 200


def test_drop_reads_the_request_then_closes_unanswered(sandbox):
    sandbox.inject(Fault("drop"))
    with pytest.raises(httpx.RemoteProtocolError):
        enter(sandbox)
    recorded = sandbox.requests[-1]
    assert recorded.path == "/api/session" and recorded.json["gameid"] == "lm_8_treasureofzeus"
    assert enter(sandbox).status_code == 200


def test_delay_answers_normally_after_the_delay(sandbox):
    sandbox.inject(Fault("delay", delay=0.3))
    started = time.monotonic()
    response = enter(sandbox)
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200 and "url" in response.json()


def test_drip_sends_the_normal_answer_one_byte_at_a_time(sandbox):
    sandbox.inject(Fault("drip", delay=0.05))
    with httpx.stream("POST", f"{sandbox.url}/api/session", params=auth(sandbox),
                      json=enter_body(), timeout=10) as response:
        assert response.status_code == 200
        length = int(response.headers["content-length"])
        chunks = []
        for chunk in response.iter_raw():
            chunks.append(chunk)
            if len(chunks) == 3:
                break
    assert [len(c) for c in chunks] == [1, 1, 1]
    assert b"".join(chunks) == b'{"u'
    assert length > 50


def test_drip_with_a_tiny_delay_completes_with_valid_json(sandbox):
    sandbox.inject(Fault("drip", delay=0.001))
    response = enter(sandbox)
    assert response.json()["url"].startswith(f"{sandbox.url}/game/index.html?token=")


def test_hang_never_answers(sandbox):
    sandbox.inject(Fault("hang"))
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{sandbox.url}/api/session", params=auth(sandbox), json=enter_body(),
                   timeout=httpx.Timeout(5, read=0.3))


@pytest.mark.parametrize("fault", [Fault("hang"), Fault("delay", delay=60), Fault("drip", delay=60)])
def test_stop_returns_promptly_while_a_request_is_held(sandbox_factory, fault):
    srv = sandbox_factory()
    srv.inject(fault)
    outcome: dict[str, object] = {}

    def call() -> None:
        try:
            outcome["response"] = enter(srv)
        except httpx.HTTPError as exc:
            outcome["error"] = exc

    caller = threading.Thread(target=call)
    caller.start()
    assert srv.wait_for_requests(1)
    serving, held = srv._thread, dict(srv._server._open)
    assert held  # the held request's handler is running
    srv.stop()
    # stop() woke the held handler and waited for it (a wait ends at its timeout: a
    # handler that did not wake would still be running here), and the server's thread.
    assert not any(thread.is_alive() for thread in held.values()) and not serving.is_alive()
    caller.join(5)
    assert not caller.is_alive()
    assert isinstance(outcome.get("error"), httpx.HTTPError)


def test_count_and_until_cleared(sandbox):
    sandbox.inject(Fault("g01", count=2))
    assert [enter(sandbox).status_code for _ in range(3)] == [503, 503, 200]
    sandbox.inject(Fault("g01", count=-1))
    assert [enter(sandbox).status_code for _ in range(4)] == [503] * 4
    assert sandbox.faults[0].count == -1
    sandbox.clear_faults()
    assert enter(sandbox).status_code == 200
    assert sandbox.faults == []


def test_faults_queue_in_order(sandbox):
    sandbox.inject(Fault("g01"))
    sandbox.inject(Fault("retry_after_429"))
    assert [enter(sandbox).status_code for _ in range(3)] == [503, 429, 200]


def test_fault_endpoint_matching(sandbox):
    sandbox.inject(Fault("g01", endpoint="gamelist"))
    assert enter(sandbox).status_code == 200
    assert gamelist(sandbox).status_code == 503
    sandbox.inject(Fault("g01", count=2, endpoint="any"))
    assert gamelist(sandbox).status_code == 503
    assert enter(sandbox).status_code == 503


def test_game_pages_are_never_faulted(sandbox):
    url = enter(sandbox).json()["url"]
    sandbox.inject(Fault("g01", count=-1, endpoint="any"))
    assert httpx.get(url, timeout=10).status_code == 200


def test_the_callers_fault_object_is_not_consumed(sandbox):
    fault = Fault("g01", count=1)
    sandbox.inject(fault)
    enter(sandbox)
    assert fault.count == 1


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"kind": "explode"}, "kind"),
    ({"kind": "g01", "count": 0}, "count"),
    ({"kind": "g01", "endpoint": "game"}, "endpoint"),
    ({"kind": "delay", "delay": -1}, "delay"),
])
def test_bad_faults_are_refused_naming_the_field(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        Fault(**kwargs)


def test_page_errors_fault_reaches_only_the_game_page(sandbox):
    def page_errors_flag(url):
        page = httpx.get(url, timeout=10).text
        data = re.search(r'<script id="session-data" type="application/json">(.*?)</script>', page, re.S)
        return json.loads(data.group(1))["page_errors"]

    url = enter(sandbox).json()["url"]
    assert page_errors_flag(url) is False
    sandbox.inject(Fault("page_errors", endpoint="game"))
    assert enter(sandbox).status_code == 200  # the API is not faulted by it
    assert page_errors_flag(url) is True
    assert page_errors_flag(url) is False  # used up
    sandbox.inject(Fault("g01", count=-1, endpoint="any"))
    assert page_errors_flag(url) is False  # "any" means any API endpoint, not the page
    for kind, endpoint in (("page_errors", "session"), ("page_errors", "any"), ("g01", "game")):
        with pytest.raises(ValueError, match="^endpoint: page_errors applies to 'game'"):
            Fault(kind, endpoint=endpoint)


def test_every_fault_kind_is_covered_here():
    tested = {"g01", "html502", "malformed_json", "no_url", "javascript_url", "retry_after_429",
              "huge_body", "drop", "delay", "drip", "hang", "page_errors"}
    assert tested == set(FAULT_KINDS)


# -- run-time switching over HTTP ---------------------------------------------------------

def test_faults_over_http(sandbox):
    added = httpx.post(f"{sandbox.url}/_sandbox/faults", json={"kind": "g01", "count": 2}, timeout=10)
    assert added.status_code == 201
    assert added.json()["active"] == [{"kind": "g01", "count": 2, "delay": 0.0, "retry_after": 1,
                                       "size": 0, "endpoint": "session"}]
    assert enter(sandbox).status_code == 503
    listed = httpx.get(f"{sandbox.url}/_sandbox/faults", timeout=10).json()["active"]
    assert listed[0]["count"] == 1
    assert httpx.delete(f"{sandbox.url}/_sandbox/faults", timeout=10).json() == {"active": []}
    assert enter(sandbox).status_code == 200


@pytest.mark.parametrize(("body", "says"), [
    ({"kind": "explode"}, "kind:"),
    ({"count": 1}, "kind: missing"),
    ({"kind": "g01", "count": "two"}, "count: wrong type"),
    ({"kind": "g01", "colour": "red"}, "colour: unknown field"),
    ([1], "body:"),
])
def test_bad_faults_over_http_are_400_naming_the_field(sandbox, body, says):
    response = httpx.post(f"{sandbox.url}/_sandbox/faults", json=body, timeout=10)
    assert response.status_code == 400
    assert response.json()["errors"]["message"].startswith(says)
    assert sandbox.faults == []


def test_recorded_requests_over_http_are_redacted(sandbox_factory, canary_token):
    srv = sandbox_factory(token=canary_token)
    url = enter(srv).json()["url"]
    player_token = httpx.URL(url).params["token"]
    httpx.get(url, timeout=10)
    httpx.post(f"{srv.url}/game/spin", json={"token": player_token, "bet": 1}, timeout=10)
    response = httpx.get(f"{srv.url}/_sandbox/requests", timeout=10)
    assert canary_token not in response.text
    assert player_token not in response.text
    requests = response.json()["requests"]
    assert [r["path"] for r in requests] == ["/api/session", "/game/index.html", "/game/spin"]
    assert requests[0]["query"] == {"MEMB_ID": srv.partner_id, "HASH": "•••"}
    assert requests[0]["json"]["player"]["nickname"] == "Ann"
    assert httpx.delete(f"{srv.url}/_sandbox/requests", timeout=10).json() == {"requests": []}
    assert srv.requests == []


def test_sandbox_admin_calls_are_not_recorded(sandbox):
    httpx.get(f"{sandbox.url}/_sandbox/faults", timeout=10)
    httpx.get(f"{sandbox.url}/_sandbox/requests", timeout=10)
    assert sandbox.requests == []
