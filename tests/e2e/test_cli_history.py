"""``lm-console history`` / ``snapshot`` end to end: real launches against the
independent spec server, then list, replay, cURL and export from the history."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.common import CANARY_TOKEN, files_containing, run_cli
from tests.fixtures.spec_server import AUTH_MESSAGE, SpecServer

TOKEN_ENV = {"LM_TEST_TOKEN": CANARY_TOKEN}
PLAYER = ["--game-id", "lm_8_treasureofzeus", "--player-id", "player-77", "--nickname", "Kelly",
          "--language", "en", "--currency", "USD", "--session-id", "sess-77", "--ip", "203.0.113.9"]


@pytest.fixture
def server():
    """A spec server whose partner token is the canary."""
    started = SpecServer(partner_id="partner-e2e", token=CANARY_TOKEN).start()
    try:
        yield started
    finally:
        started.stop()


def target(server: SpecServer) -> list[str]:
    return ["--api-url", server.url, "--partner-id", server.partner_id, "--token-env", "LM_TEST_TOKEN"]


def cli(*args: str, basedir: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    done = run_cli(*args, basedir=basedir, env=TOKEN_ENV, input=input)
    assert CANARY_TOKEN not in done.stdout + done.stderr
    return done


def history(basedir: Path, *args: str) -> list[dict]:
    done = cli("history", "--json", *args, basedir=basedir)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def three_launches(server: SpecServer, basedir: Path) -> list[dict]:
    """One success, one G.0 (401), one G.01 retried to success: four attempts."""
    assert cli("launch", *target(server), *PLAYER, basedir=basedir).returncode == 0
    server.script([(401, {}, {"errors": {"code": "G.0", "message": AUTH_MESSAGE}})])
    assert cli("launch", *target(server), *PLAYER, basedir=basedir).returncode == 3
    server.script([(500, {}, {"errors": {"code": "G.01", "message": "System error"}})])
    assert cli("launch", *target(server), *PLAYER, basedir=basedir).returncode == 0
    return history(basedir)


def test_history_lists_every_attempt_and_the_token_is_nowhere(three_launches, server, basedir) -> None:
    entries = three_launches
    assert [e["outcome"] for e in entries] == ["success", "api_error", "api_error", "success"]
    assert [e["error_code"] for e in entries] == [None, "G.01", "G.0", None]
    assert [e["http_status"] for e in entries] == [200, 500, 401, 200]
    sent_uuids = [r.json()["uuid"] for r in server.requests_to("/api/session")]
    assert [e["uuid"] for e in reversed(entries)] == sent_uuids
    assert len(set(sent_uuids)) == 4
    for entry in entries:
        assert {"id", "time", "profile", "api_url", "uuid", "game_id", "player_id", "outcome",
                "http_status", "error_code", "duration_ms"} <= entry.keys()
        assert entry["api_url"] == server.url and entry["game_id"] == "lm_8_treasureofzeus"
        assert entry["player_id"] == "player-77" and entry["duration_ms"] > 0
    retried, first_try = entries[0], entries[1]
    assert retried["launch_id"] == first_try["launch_id"] and (first_try["attempt"], retried["attempt"]) == (1, 2)
    # Nothing under the basedir holds the partner token, nor any player token issued.
    assert files_containing(basedir, CANARY_TOKEN) == []
    for issued in server.issued_tokens:
        assert files_containing(basedir, issued) == []


def test_history_search_limit_and_table(three_launches, basedir) -> None:
    assert [e["error_code"] for e in history(basedir, "--search", "G.01")] == ["G.01"]
    assert [e["error_code"] for e in history(basedir, "--search", "g.0")] == ["G.01", "G.0"]  # substring
    assert len(history(basedir, "--search", "player-77")) == 4
    assert len(history(basedir, "--limit", "2")) == 2
    assert [e["outcome"] for e in history(basedir, "--outcome", "success")] == ["success", "success"]
    table = cli("history", basedir=basedir)
    assert table.returncode == 0 and table.stdout.count("lm_8_treasureofzeus") == 4
    assert "G.01" in table.stdout


def test_replay_sends_a_new_uuid_and_same_uuid_sends_the_old_one(three_launches, server, basedir) -> None:
    original = three_launches[-1]
    before = len(server.requests_to("/api/session"))
    done = cli("history", "replay", str(original["id"]), "--token-env", "LM_TEST_TOKEN", basedir=basedir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(server.url + "/play/index.html?token=")
    same = cli("history", "replay", str(original["id"]), "--same-uuid", "--token-stdin",
               basedir=basedir, input=CANARY_TOKEN + "\n")
    assert same.returncode == 0, same.stderr
    new, again = [r.json() for r in server.requests_to("/api/session")[before:]]
    assert new["uuid"] != original["uuid"] and again["uuid"] == original["uuid"]
    assert {k: v for k, v in new.items() if k != "uuid"} == {k: v for k, v in again.items() if k != "uuid"}
    assert new["player"]["id"] == "player-77"
    replays = history(basedir, "--limit", "2")
    assert [e["replay_of"] for e in replays] == [original["id"], original["id"]]
    assert [e["uuid"] for e in replays] == [again["uuid"], new["uuid"]]
    assert files_containing(basedir, CANARY_TOKEN) == []


def test_replay_needs_a_token_for_a_command_line_entry(three_launches, basedir) -> None:
    done = cli("history", "replay", str(three_launches[0]["id"]), basedir=basedir)
    assert done.returncode == 2
    assert "--token-env" in done.stderr and "Traceback" not in done.stderr


def test_curl_reproduces_the_request(three_launches, server, basedir) -> None:
    original = three_launches[-1]
    done = cli("history", "curl", str(original["id"]), basedir=basedir)
    assert done.returncode == 0 and "LM_TOKEN" in done.stdout
    sent_before = server.requests_to("/api/session")[0]
    env = dict(os.environ, LM_TOKEN=CANARY_TOKEN)
    ran = subprocess.run(["bash", "-c", done.stdout], capture_output=True, text=True, env=env, timeout=30)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["url"].startswith(server.url)
    replayed = server.requests_to("/api/session")[-1]
    assert replayed.json() == sent_before.json()
    assert replayed.query == sent_before.query
    assert replayed.headers["content-type"] == "application/json"


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_export_a_report(three_launches, basedir, tmp_path, fmt) -> None:
    failed = next(e for e in three_launches if e["error_code"] == "G.0")
    out = tmp_path / f"report.{fmt}"
    done = cli("history", "export", str(failed["id"]), "--format", fmt, "--out", str(out), basedir=basedir)
    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    assert CANARY_TOKEN not in text and "G.0" in text and failed["uuid"] in text
    if fmt == "json":
        assert json.loads(text)["error"]["meaning"].startswith("Authentication failed")
    else:
        assert "## Environment" in text and "HASH=•••" in text
    to_stdout = cli("history", "export", str(failed["id"]), "--format", fmt, basedir=basedir)
    # The two exports differ only in their generation time (they run a second apart).
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    assert stamp.sub("<time>", to_stdout.stdout) == stamp.sub("<time>", text)


def test_export_into_a_missing_folder_is_refused_and_makes_no_folder(three_launches, basedir, tmp_path) -> None:
    out = tmp_path / "no-such-folder" / "report.md"
    done = cli("history", "export", str(three_launches[0]["id"]), "--out", str(out), basedir=basedir)
    assert done.returncode == 2
    assert done.stderr.strip().endswith(f"--out: the folder {out.parent} does not exist; create it first")
    assert not out.parent.exists()


def test_show_an_entry(three_launches, basedir) -> None:
    entry = three_launches[1]
    done = cli("history", "show", str(entry["id"]), basedir=basedir)
    assert done.returncode == 0 and '"code": "G.01"' in done.stdout and entry["uuid"] in done.stdout
    as_json = json.loads(cli("history", "show", str(entry["id"]), "--json", basedir=basedir).stdout)
    assert as_json["id"] == entry["id"] and json.loads(as_json["request_json"])["uuid"] == entry["uuid"]
    missing = cli("history", "show", "999", basedir=basedir)
    assert missing.returncode != 0 and "no history entry 999" in missing.stderr
    assert missing.stderr.count("\n") == 1


def test_snapshot_prints_the_url_and_is_recorded(server, basedir) -> None:
    done = cli("snapshot", "--transaction-id", "TX-123", *target(server), basedir=basedir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{server.url}/snapshot/TX-123.html"
    assert server.requests_to("/api/snapshot.php")[-1].json() == {"transaction_id": "TX-123"}
    (entry,) = history(basedir)
    assert (entry["endpoint"], entry["outcome"], entry["http_status"]) == ("snapshot", "success", 200)
    assert history(basedir, "--search", "TX-123") == [entry]
    assert files_containing(basedir, CANARY_TOKEN) == []


def test_a_failed_snapshot_is_recorded_too(server, basedir) -> None:
    server.script([(404, {}, {"errors": {"code": "V.7", "message": "unknown transaction"}})],
                  path="/api/snapshot.php")
    done = cli("snapshot", "--transaction-id", "TX-9", *target(server), basedir=basedir)
    assert done.returncode == 3 and "V.7" in done.stderr
    (entry,) = history(basedir)
    assert (entry["endpoint"], entry["error_code"]) == ("snapshot", "V.7")


def test_a_sandbox_entry_replays_against_a_fresh_sandbox(basedir) -> None:
    assert cli("launch", basedir=basedir).returncode == 0
    (first,) = history(basedir)
    assert first["profile_kind"] == "sandbox"
    done = cli("history", "replay", str(first["id"]), basedir=basedir)
    assert done.returncode == 0, done.stderr
    replay, _ = history(basedir)
    assert replay["replay_of"] == first["id"] and replay["outcome"] == "success"
    assert replay["uuid"] != first["uuid"]


def test_a_launch_killed_while_it_waits_stays_in_history_as_unanswered(basedir) -> None:
    """kill -9 while the API has the request and has not answered: history still has
    it, with its uuid, saying a game session may exist (the answer never came)."""
    import sys

    from console_app.core.history import HistoryStore
    from console_app.core.paths import AppPaths
    from console_app.sandbox.faults import Fault
    from console_app.sandbox.server import SandboxServer

    with SandboxServer(token=CANARY_TOKEN) as sandbox:
        sandbox.inject(Fault("hang"))
        argv = [sys.executable, "-m", "console_app", "--basedir", str(basedir), "launch", "--api-url", sandbox.url,
                "--partner-id", sandbox.partner_id, "--token-env", "LM_TEST_TOKEN", *PLAYER]
        proc = subprocess.Popen(argv, env={**os.environ, **TOKEN_ENV}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            assert sandbox.wait_for_requests(1, timeout=30)
            # Kept before the request's bytes left: once the API has it, history has it.
            with HistoryStore.open(AppPaths.from_basedir(basedir).data_dir) as store:
                assert [e.outcome for e in store.search()] == ["unanswered"]
        finally:
            proc.kill()
            proc.wait(timeout=30)
        sent_uuid = sandbox.requests[-1].json["uuid"]
    (entry,) = history(basedir)
    assert entry["outcome"] == "unanswered" and entry["uuid"] == sent_uuid
    assert entry["player_id"] == "player-77" and entry["http_status"] is None
    assert "a game session may have been created" in entry["error_message"]
    assert files_containing(basedir, CANARY_TOKEN) == []
    (row,) = [line for line in cli("history", basedir=basedir).stdout.splitlines() if sent_uuid in line]
    assert "unanswered" in row and "  -  " in row  # no answer: no answer time either
    shown = cli("history", "show", str(entry["id"]), basedir=basedir).stdout
    assert "outcome:       unanswered" in shown and "duration_ms" not in shown


def test_an_answered_launch_leaves_one_entry_not_its_unanswered_one_too(server, basedir) -> None:
    assert cli("launch", *target(server), *PLAYER, basedir=basedir).returncode == 0
    (entry,) = history(basedir)
    assert entry["outcome"] == "success" and entry["error_message"] is None
