"""``lm-console launch`` against an API that misbehaves on purpose: every answer ends
in one line and exit 4 within the deadline, is never resent when it may have been
delivered, and a 10 GB body is never read past the cap."""

from __future__ import annotations

import pytest

from tests.adversarial.conftest import run_in_process

PLAYER = ["--game-id", "lm_8_treasureofzeus", "--player-id", "p1", "--nickname", "Ann", "--language", "en",
          "--currency", "USD", "--session-id", "s1", "--ip", "203.0.113.7"]


def launch(hostile, tmp_path, monkeypatch, *extra: str):
    monkeypatch.setenv("LM_HOSTILE_TOKEN", hostile.token)
    return run_in_process(["launch", "--api-url", hostile.url, "--partner-id", hostile.partner_id,
                           "--token-env", "LM_HOSTILE_TOKEN", *PLAYER, "--timeout", "1", *extra],
                          basedir=tmp_path)


@pytest.mark.parametrize("mode, options, says", [
    ("drip", {"interval": 0.2}, "deadline"),
    ("slow_headers", {"interval": 0.2}, "deadline"),
    ("hang", {}, "deadline"),
    ("bomb", {}, "larger than the size limit"),
    ("lie_short", {}, "connection"),
    ("lie_long", {}, "not json"),
])
def test_a_misbehaving_api_gets_one_line_and_exit_4(hostile, tmp_path, monkeypatch, mode, options, says):
    hostile.behave(mode, **options)
    run = launch(hostile, tmp_path, monkeypatch)
    assert run.code == 4, run.stderr
    lines = [line for line in run.stderr.splitlines() if "error" in line]
    assert len(lines) == 1 and says in lines[0].lower(), run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    # It may have reached the API: never sent again.
    assert len(hostile.requests) == 1


def test_an_echoing_api_sees_the_token_only_where_the_spec_puts_it(hostile, tmp_path, monkeypatch):
    hostile.behave("echo")
    run = launch(hostile, tmp_path, monkeypatch)
    assert run.code == 0 and run.stdout.startswith("http://127.0.0.1:9/game/index.html?token=echo")
    (request,) = hostile.requests
    assert f"HASH={hostile.token}" in request["line"] and hostile.token not in request["body"]
    assert hostile.token not in run.stderr
