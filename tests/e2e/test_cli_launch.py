"""``lm-console launch`` as a user runs it (a child process) against the independent
spec server and the embedded sandbox."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
import uuid as uuidlib
from pathlib import Path

import pytest

from console_app.core.models import LaunchRequest
from tests.fixtures.common import CANARY_TOKEN, files_containing, run_cli

FIELDS = [
    "--game-id", "lm_8_treasureofzeus", "--player-id", "u1", "--nickname", "Ann", "--language", "en",
    "--currency", "USD", "--session-id", "s1", "--ip", "203.0.113.7",
]
EXPECTED = LaunchRequest("lm_8_treasureofzeus", "u1", "Ann", "en", "USD", "s1", "203.0.113.7")
G01 = {"errors": {"code": "G.01", "message": "System error"}}


def launch(server, *extra: str, basedir: Path | None = None, fields=FIELDS, **kwargs):
    """Run ``lm-console launch`` against ``server`` with the token in $T."""
    return run_cli(
        "launch", "--api-url", server.url, "--partner-id", server.partner_id, "--token-env", "T",
        *fields, *extra, basedir=basedir, env={"T": server.token}, **kwargs,
    )


def assert_one_clean_error_line(result, *words: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and lines[0].startswith("lm-console: error: ")
    for word in words:
        assert word in lines[0]
    return lines[0]


def is_canonical_uuid4(value: str) -> bool:
    parsed = uuidlib.UUID(value)
    return parsed.version == 4 and str(parsed) == value


def test_must_show_exact_request_url_on_stdout_and_no_token_anywhere(spec_server, basedir):
    spec_server.token = CANARY_TOKEN
    first = launch(spec_server, basedir=basedir)
    second = launch(spec_server, basedir=basedir)

    for result, token in zip((first, second), spec_server.issued_tokens, strict=False):
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"{spec_server.url}/play/index.html?token={token}\n"
        assert result.stderr == ""
    assert len(spec_server.requests) == 2
    uuids = []
    for sent in spec_server.requests:
        assert (sent.method, sent.path) == ("POST", "/api/session")
        assert sent.raw_query == f"MEMB_ID={spec_server.partner_id}&HASH={CANARY_TOKEN}"
        assert sent.headers["content-type"] == "application/json"
        body = json.loads(sent.body)
        assert body == EXPECTED.body(body["uuid"]) and list(body) == ["uuid", "gametype", "gameid", "player"]
        uuids.append(body["uuid"])
    assert all(map(is_canonical_uuid4, uuids)) and uuids[0] != uuids[1]
    for result in (first, second):
        assert CANARY_TOKEN not in result.stdout + result.stderr
    assert files_containing(basedir, CANARY_TOKEN) == []


def test_g01_twice_then_success_exits_0_after_three_attempts(spec_server):
    spec_server.script([(503, {"Retry-After": "0"}, G01)] * 2)
    result = launch(spec_server, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    sent = [json.loads(r.body)["uuid"] for r in spec_server.requests]
    assert len(sent) == 3 and len(set(sent)) == 3 and all(map(is_canonical_uuid4, sent))
    assert [a["uuid"] for a in out["attempts"]] == sent and out["uuid"] == sent[-1]
    assert [a["outcome"] for a in out["attempts"]] == ["api_error", "api_error", "success"]
    assert [a["error_code"] for a in out["attempts"]] == ["G.01", "G.01", None]
    assert [a["http_status"] for a in out["attempts"]] == [503, 503, 200]
    assert out["http_status"] == 200 and out["url"].startswith(f"{spec_server.url}/play/index.html?token=")
    assert out["duration_ms"] > 0


def test_retries_option_limits_attempts(spec_server):
    spec_server.script([(503, {"Retry-After": "0"}, G01)] * 3)
    result = launch(spec_server, "--retries", "0")
    assert result.returncode == 3 and len(spec_server.requests) == 1
    assert_one_clean_error_line(result, "HTTP 503 G.01")


def test_401_g0_exits_3_with_code_and_message(spec_server):
    result = run_cli("launch", "--api-url", spec_server.url, "--partner-id", "P", "--token-env", "T", *FIELDS,
                     env={"T": "wrong-token"})
    assert result.returncode == 3 and result.stdout == ""
    assert_one_clean_error_line(result, "HTTP 401 G.0", "Could not authenticate", "partner ID")
    assert len(spec_server.requests) == 1


@pytest.mark.parametrize(
    "entry, code, words",
    [
        ((502, {"Content-Type": "text/html"}, "<html><title>502 Bad Gateway</title></html>"), 4, "HTML page"),
        ((200, {}, b'{"url": '), 4, "not JSON"),
        ((200, {}, {"status": "ok"}), 4, "no game URL"),
        ((200, {}, {"url": "javascript:alert(document.cookie)"}), 4, "not http/https"),
        (("stream", 200, {}, b"x" * 65536, 800), 4, "size limit"),
        ("drop", 4, "A game session may have been created"),
        ("hang", 4, "deadline"),
    ],
    ids=["html-502", "malformed-json", "no-url", "javascript-url", "50-MB", "dropped", "never-answers"],
)
def test_unusable_answers_exit_with_one_line_and_no_resend(spec_server, entry, code, words):
    spec_server.script([entry])
    started = time.monotonic()
    result = launch(spec_server, "--timeout", "1", "--retries", "3")
    elapsed = time.monotonic() - started
    assert result.returncode == code and result.stdout == ""
    assert_one_clean_error_line(result, words)
    assert len(spec_server.requests) == 1
    # Within the 1 s deadline plus interpreter start-up.
    assert elapsed < 6


def test_json_error_object(spec_server):
    spec_server.script([(400, {}, {"errors": [{"code": "V.3", "message": "bad ip"}]})])
    result = launch(spec_server, "--json")
    assert result.returncode == 3
    out = json.loads(result.stdout)
    error = out["error"]
    assert error["type"] == "ApiError" and error["code"] == "V.3" and error["http_status"] == 400
    assert error["category"] == "V" and error["retryable"] is False and error["maybe_delivered"] is False
    assert "bad ip" in error["message"] and error["next_step"]
    assert [a["outcome"] for a in out["attempts"]] == ["api_error"]
    assert_one_clean_error_line(result, "V.3")


def test_invalid_input_blocks_with_exit_2_and_nothing_sent(spec_server):
    fields = [f if f != "en" else "EN" for f in FIELDS]
    result = launch(spec_server, fields=fields)
    assert result.returncode == 2 and result.stdout == ""
    assert "player.language" in result.stderr and "'en'" in result.stderr and "--allow-invalid" in result.stderr
    assert "Traceback" not in result.stderr
    assert spec_server.requests == []


def test_allow_invalid_sends_as_typed_with_warnings(spec_server):
    fields = [f if f != "en" else "EN" for f in FIELDS]
    result = launch(spec_server, "--allow-invalid", fields=fields)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("lm-console: warning: player.language:")
    assert json.loads(spec_server.requests[0].body)["player"]["language"] == "EN"


def test_warnings_do_not_block(spec_server):
    fields = [f if f != "USD" else "IDX" for f in FIELDS]
    result = launch(spec_server, fields=fields)
    assert result.returncode == 0
    assert result.stderr == "lm-console: warning: player.currency: 'IDX' is not an ISO 4217 code; sent as typed\n"


def test_the_given_uuid_is_sent(spec_server):
    given = str(uuidlib.uuid4())
    result = launch(spec_server, "--uuid", given)
    assert result.returncode == 0
    assert json.loads(spec_server.requests[0].body)["uuid"] == given


@pytest.mark.parametrize(
    "args, env, words",
    [
        (["--token-env", "NOPE"], {}, "NOPE is empty or not set"),
        ([], {}, "--token-env VAR or --token-stdin"),
    ],
)
def test_missing_token_is_one_line_exit_2(spec_server, args, env, words):
    result = run_cli("launch", "--api-url", spec_server.url, "--partner-id", "P", *args, *FIELDS, env=env)
    assert result.returncode == 2
    assert_one_clean_error_line(result, words)
    assert spec_server.requests == []


def test_missing_partner_id_and_fields(spec_server):
    result = run_cli("launch", "--api-url", spec_server.url, "--token-env", "T", *FIELDS, env={"T": "x"})
    assert result.returncode == 2 and "--partner-id" in result.stderr
    result = launch(spec_server, fields=["--game-id", "lm_8_treasureofzeus"])
    assert result.returncode == 2
    assert_one_clean_error_line(result, "missing --player-id, --nickname")
    assert spec_server.requests == []


def test_token_from_stdin(spec_server):
    result = run_cli("launch", "--api-url", spec_server.url, "--partner-id", spec_server.partner_id,
                     "--token-stdin", *FIELDS, input=spec_server.token + "\n")
    assert result.returncode == 0, result.stderr
    assert spec_server.requests[0].query["HASH"] == [spec_server.token]


def test_no_option_takes_the_token_itself():
    result = run_cli("launch", "--help")
    assert result.returncode == 0
    assert "--token " not in result.stdout and "--hash" not in result.stdout.lower()


def test_an_unknown_profile_is_one_line_exit_2():
    result = run_cli("launch", "--profile", "staging", *FIELDS)
    assert result.returncode == 2
    assert_one_clean_error_line(result, "staging")


def test_refused_port_is_retried_then_exits_4():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_cli("launch", "--api-url", f"http://127.0.0.1:{port}", "--partner-id", "P", "--token-env", "T",
                     *FIELDS, "--json", env={"T": "tok-1234"})
    assert result.returncode == 4
    out = json.loads(result.stdout)
    assert out["error"]["type"] == "ConnectionRefusedError_" and out["error"]["maybe_delivered"] is False
    assert [a["outcome"] for a in out["attempts"]] == ["transport_error"] * 3
    assert_one_clean_error_line(result, "Connection refused (nothing was sent)")


def test_without_a_target_the_embedded_sandbox_is_used():
    result = run_cli("launch", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["url"].startswith("http://127.0.0.1:") and "token=" in out["url"]


def test_open_hands_the_url_to_the_system_browser(spec_server, tmp_path):
    opened = tmp_path / "opened.txt"
    script = f"import pathlib, sys; pathlib.Path({str(opened)!r}).write_text(sys.argv[1])"
    browser = f"{shlex.quote(sys.executable)} -c {shlex.quote(script)} %s"
    result = run_cli("launch", "--api-url", spec_server.url, "--partner-id", spec_server.partner_id,
                     "--token-env", "T", *FIELDS, "--open", env={"T": spec_server.token, "BROWSER": browser})
    assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + 10
    done = threading.Event()
    while not opened.exists() and time.monotonic() < deadline:
        done.wait(0.05)  # the browser command runs detached from lm-console
    assert opened.read_text() == result.stdout.strip()


def test_ctrl_c_exits_130_and_warns_about_a_possible_session(spec_server):
    spec_server.script(["hang"])
    env = dict(os.environ, T=spec_server.token)
    child = subprocess.Popen(
        [sys.executable, "-m", "console_app", "launch", "--api-url", spec_server.url, "--partner-id",
         spec_server.partner_id, "--token-env", "T", *FIELDS, "--timeout", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        spec_server.wait_for_requests(1, timeout=20)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130
    assert err.strip() == (
        "lm-console: error: interrupted; a game session may have been created: check before launching again"
    )
    assert out == ""
    spec_server.wait_for_disconnects(1)
