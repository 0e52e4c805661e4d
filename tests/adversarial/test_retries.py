"""``--retries`` is capped in every command, and ``Retry-After: 0`` never means "at once"."""

from __future__ import annotations

import asyncio

import pytest

from console_app.core.client import LuckyMonacoClient
from console_app.core.errors import ApiError
from console_app.core.http import make_http_client
from console_app.core.models import MAX_RETRIES, ApiTarget, ClientSettings, LaunchRequest
from console_app.core.redaction import Secret
from tests.adversarial.conftest import run_in_process

TOO_BUSY = {"mode": "answer", "status": 429, "headers": {"Retry-After": "0"},
            "body": b'{"errors": {"code": "G.01", "message": "slow down"}}'}


@pytest.mark.parametrize("command", [
    ["launch"],
    ["capture", "--out", "shot.png"],
    ["profile", "add", "P", "--api-url", "https://api.example.test", "--partner-id", "p"],
])
@pytest.mark.parametrize("retries", ["150", "11", "-1", "two"])
def test_retries_over_the_cap_are_refused_in_every_command(hostile, tmp_path, command, retries):
    argv = [*command, "--retries", retries]
    if command[0] != "profile":
        argv += ["--api-url", hostile.url, "--partner-id", "p", "--token-env", "LM_HOSTILE_TOKEN"]
    run = run_in_process(argv, basedir=tmp_path)
    assert run.code == 2
    assert "--retries" in run.stderr and "Traceback" not in run.stderr
    assert f"from 0 to {MAX_RETRIES}" in run.stderr or "whole number" in run.stderr
    assert hostile.requests == []
    assert not (tmp_path / "config" / "profiles.json").exists()


def test_retries_150_sends_no_request_and_the_cap_sends_eleven(hostile, tmp_path, monkeypatch):
    monkeypatch.setenv("LM_HOSTILE_TOKEN", hostile.token)
    hostile.behave(**TOO_BUSY)
    base = ["launch", "--api-url", hostile.url, "--partner-id", "p", "--token-env", "LM_HOSTILE_TOKEN"]
    assert run_in_process([*base, "--retries", "150"], basedir=tmp_path).code == 2
    assert len(hostile.requests) == 0


def test_retry_after_zero_still_waits_the_backoff(hostile):
    hostile.behave(**TOO_BUSY)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def launch() -> BaseException:
        settings = ClientSettings(retries=MAX_RETRIES, deadline=2.0)
        async with make_http_client(settings) as http:
            client = LuckyMonacoClient(http, settings, sleep=sleep, rng=lambda: 0.0)
            target = ApiTarget(hostile.url, hostile.partner_id, Secret(hostile.token))
            request = LaunchRequest("lm_1_x", "p", "n", "en", "USD", "s", "203.0.113.7")
            try:
                await client.enter(target, request)
            except ApiError as error:
                return error
        raise AssertionError("the launch did not fail")

    error = asyncio.run(launch())
    assert len(hostile.requests) == MAX_RETRIES + 1 == len(error.attempts)
    # The floor of the jittered backoff (rng 0): half of base * 2**n, capped.
    assert waits[:4] == [0.25, 0.5, 1.0, 2.0] and min(waits) > 0
