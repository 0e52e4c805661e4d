"""``lm-console sandbox``: banner, serving, clean Ctrl+C, loopback guard, token from env."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx
import pytest

from console_app.cli.sandbox import is_loopback
from tests.fixtures.common import run_cli
from tests.unit.sandbox.helpers import enter_body


def _serve(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, list[str]]:
    """Start ``lm-console sandbox`` and read its banner up to the faults line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "console_app", "sandbox", *args], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.strip().startswith("Faults:"):
            break
    return process, lines


def _stop(process: subprocess.Popen, sig: int) -> tuple[int, str]:
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=20)
    return process.returncode, stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_serves_until_interrupted_then_exits_cleanly(sig):
    process, lines = _serve("--port", "0")
    try:
        banner = "\n".join(lines)
        url = re.search(r"API URL:\s+(\S+)", banner).group(1)
        assert url.startswith("http://127.0.0.1:")
        assert "Partner ID:  sandbox-partner" in banner
        assert "Token:       sandbox-demo-token" in banner
        assert f"lm-console launch --api-url {url} --partner-id sandbox-partner" in banner
        response = httpx.post(f"{url}/api/session", params={"MEMB_ID": "sandbox-partner",
                              "HASH": "sandbox-demo-token"}, json=enter_body(), timeout=10)
        assert response.status_code == 200
    finally:
        code, stderr = _stop(process, sig)
    assert code == 0
    assert "Traceback" not in stderr
    assert "sandbox stopped" in stderr


def test_token_and_partner_from_options_and_env(canary_token):
    process, lines = _serve("--partner-id", "brand-9", "--token-env", "MY_SANDBOX_TOKEN",
                            env={"MY_SANDBOX_TOKEN": canary_token})
    try:
        banner = "\n".join(lines)
        url = re.search(r"API URL:\s+(\S+)", banner).group(1)
        assert canary_token not in banner
        assert "Token:       (from $MY_SANDBOX_TOKEN)" in banner
        ok = httpx.post(f"{url}/api/session", params={"MEMB_ID": "brand-9", "HASH": canary_token},
                        json=enter_body(), timeout=10)
        assert ok.status_code == 200
        demo = httpx.post(f"{url}/api/session", params={"MEMB_ID": "brand-9", "HASH": "sandbox-demo-token"},
                          json=enter_body(), timeout=10)
        assert demo.status_code == 401
    finally:
        code, stderr = _stop(process, signal.SIGINT)
    assert code == 0 and canary_token not in stderr


def test_refuses_a_non_loopback_host_without_allow_remote(basedir):
    result = run_cli("sandbox", "--host", "0.0.0.0", basedir=basedir)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--allow-remote" in lines[0] and "Traceback" not in result.stderr


def test_empty_token_variable_is_one_line(basedir):
    result = run_cli("sandbox", "--token-env", "LM_TEST_UNSET_VAR", basedir=basedir,
                     env={"LM_TEST_UNSET_VAR": ""})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "lm-console: error: the environment variable LM_TEST_UNSET_VAR is empty or not set; "
        "export LM_TEST_UNSET_VAR with the token first, or leave out --token-env for the demo token"]


def test_busy_port_is_one_line(sandbox, basedir):
    result = run_cli("sandbox", "--port", str(sandbox.port), basedir=basedir)
    assert result.returncode == 2
    assert "cannot listen on 127.0.0.1" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.5.5.5", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("192.168.1.2", False), ("::", False), ("example.com", False)])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback
