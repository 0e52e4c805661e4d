"""Copy as cURL: the command is valid shell, hides the token, and really works."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess

import pytest

from console_app.core.curl import to_curl
from console_app.core.history import HistoryStore
from console_app.core.models import LaunchRequest
from console_app.core.prefill import parse_pasted
from console_app.core.redaction import Secret, redact
from tests.fixtures.common import CANARY_TOKEN
from tests.unit.core.test_history import REQUEST, make_attempt, make_target

BODY = REQUEST.body("11111111-2222-4333-8444-555555555555")


def test_the_token_is_a_shell_variable_not_a_value() -> None:
    command = to_curl(("https://api.example/", "P 1&2", BODY))
    words = shlex.split(command)
    assert words[0] == "curl"
    assert "-X" in words and words[words.index("-X") + 1] == "POST"
    assert words[words.index("-H") + 1] == "Content-Type: application/json"
    assert json.loads(words[words.index("--data-raw") + 1]) == BODY
    url = next(w for w in words if w.startswith("https://"))
    assert url == "https://api.example/api/session?MEMB_ID=P%201%262"
    assert words[words.index("--url-query") + 1].startswith("HASH=${LM_TOKEN")


def test_quotes_survive_hostile_values() -> None:
    body = LaunchRequest("lm_1'; rm -rf ~ #", "p\"1", "O'Brien $(id)", "en", "USD", "s`x`", "1.1.1.1").body("u")
    command = to_curl(("https://api.example", "P", body))
    data = shlex.split(command)[shlex.split(command).index("--data-raw") + 1]
    assert json.loads(data) == body


def test_the_token_is_only_written_when_asked_for() -> None:
    token = Secret(CANARY_TOKEN)
    assert CANARY_TOKEN not in to_curl(("https://api.example", "P", BODY))
    revealed = to_curl(("https://api.example", "P", BODY), reveal_token=token)
    assert f"HASH={CANARY_TOKEN}" in "".join(shlex.split(revealed))
    assert "LM_TOKEN" not in revealed


def test_from_a_history_entry_with_its_endpoint(tmp_path) -> None:
    with HistoryStore.open(tmp_path) as store:
        entry = store.get(store.record_attempt(make_attempt(uuid="same-uuid"), target=make_target()))
        snap = make_attempt(uuid="")
        snap.exchange.request_body = '{"transaction_id":"T-77"}'
        snap_entry = store.get(store.record_attempt(snap, target=make_target(), endpoint="snapshot"))
    command = to_curl(entry)
    assert CANARY_TOKEN not in command
    assert "'http://127.0.0.1:9/api/session?MEMB_ID=P-100' \\\n  --url-query HASH=\"$" in command
    assert redact(command) == command  # Copy as cURL redacts: the $LM_TOKEN reference must survive
    assert json.loads(shlex.split(command)[-1])["uuid"] == "same-uuid"
    assert "/api/snapshot.php?MEMB_ID=P-100" in to_curl(snap_entry)


def test_a_token_with_url_special_characters_reaches_the_server_intact(sandbox) -> None:
    # The spec's example token has ^ & @ ! $: curl's --url-query must percent-encode it.
    token = "f8hf^234&@!$22893fhsf"
    sandbox.token = token
    command = to_curl((sandbox.url, sandbox.partner_id, REQUEST.body("aaaaaaaa-2222-4333-8444-555555555555")))
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "LM_TOKEN": token})
    assert done.returncode == 0, done.stderr
    assert sandbox.requests[-1].query["HASH"] == token


def test_a_pasted_url_query_token_is_ignored_and_masked() -> None:
    revealed = to_curl(("https://api.example", "P", BODY), reveal_token=Secret("pasted-secret-9", register=False))
    pasted = parse_pasted(revealed)
    assert pasted.request == REQUEST and pasted.partner_id == "P"
    assert pasted.notes == ["the token in HASH was ignored: the profile's token is used instead"]
    from console_app.core.redaction import redact
    assert "pasted-secret-9" not in redact(revealed)


def test_round_trips_through_paste_to_prefill() -> None:
    pasted = parse_pasted(to_curl(("https://api.example/v3", "P-9", BODY)))
    assert pasted.request == REQUEST
    assert (pasted.api_url, pasted.partner_id, pasted.endpoint) == ("https://api.example/v3", "P-9", "session")
    assert pasted.uuid == BODY["uuid"]
    assert pasted.unknown_fields == [] and pasted.problems == [] and pasted.notes == []


def _run(command: str, token: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LM_TOKEN"}
    if token is not None:
        env["LM_TOKEN"] = token
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=30)


@pytest.fixture
def curl_binary() -> str:
    path = shutil.which("curl")
    assert path, "the curl binary is missing: scripts/bootstrap.sh must install it"
    return path


def test_the_command_runs_against_the_spec_server(spec_server, curl_binary) -> None:
    command = to_curl((spec_server.url, spec_server.partner_id, BODY))
    done = _run(command, spec_server.token)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["url"].startswith(spec_server.url + "/play/index.html?token=")
    sent = spec_server.requests_to("/api/session")[-1]
    assert sent.json() == BODY
    assert sent.query["HASH"] == [spec_server.token]
    assert sent.headers["content-type"] == "application/json"


def test_without_lm_token_the_command_stops_before_sending(spec_server, curl_binary) -> None:
    done = _run(to_curl((spec_server.url, spec_server.partner_id, BODY)), None)
    assert done.returncode != 0
    assert "set LM_TOKEN to the partner token" in done.stderr
    assert spec_server.requests == []


def test_the_command_runs_against_the_sandbox(curl_binary) -> None:
    from console_app.sandbox.server import SandboxServer

    with SandboxServer(partner_id="curl-partner", token=CANARY_TOKEN) as sandbox:
        command = to_curl((sandbox.url, sandbox.partner_id, BODY))
        assert CANARY_TOKEN not in command
        done = _run(command, CANARY_TOKEN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["url"].startswith(sandbox.url)
