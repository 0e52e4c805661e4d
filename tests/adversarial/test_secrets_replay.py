"""Replay is bound like launch: after a profile is re-created for another host, an
old entry's replay never sends the profile's (new) token to the entry's (old) host."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.common import files_containing, run_cli
from tests.fixtures.spec_server import SpecServer

OLD_TOKEN = "OLD-host-token-9d41+/="
NEW_TOKEN = "NEW-host-token-6b07+/="
PLAYER = ["--game-id", "lm_8_treasureofzeus", "--player-id", "p-1", "--nickname", "N",
          "--language", "en", "--currency", "USD", "--session-id", "s-1", "--ip", "203.0.113.1"]


@pytest.fixture
def old_host():
    server = SpecServer(partner_id="P", token=OLD_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def new_host():
    server = SpecServer(partner_id="P", token=NEW_TOKEN).start()
    yield server
    server.stop()


def _profile_add(url: str, token: str, basedir: Path, env: dict[str, str]) -> None:
    added = run_cli("profile", "add", "moving", "--api-url", url, "--partner-id", "P", "--token-stdin",
                    basedir=basedir, input=token + "\n", env=env)
    assert added.returncode == 0, added.stderr


def test_replay_after_the_profile_moved_host_refuses_then_goes_only_to_the_current_host(
        secret_service, old_host, new_host, basedir: Path) -> None:
    _profile_add(old_host.url, OLD_TOKEN, basedir, secret_service)
    launched = run_cli("launch", "--profile", "moving", *PLAYER, basedir=basedir, env=secret_service)
    assert launched.returncode == 0, launched.stderr
    (entry,) = json.loads(run_cli("history", "--json", basedir=basedir).stdout)
    assert len(old_host.requests_to("/api/session")) == 1

    # The profile is re-created for another host, with that host's token.
    assert run_cli("profile", "remove", "moving", basedir=basedir, env=secret_service).returncode == 0
    _profile_add(new_host.url, NEW_TOKEN, basedir, secret_service)

    refused = run_cli("history", "replay", str(entry["id"]), basedir=basedir, env=secret_service)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in refused.stderr
    old, new = old_host.url.removeprefix("http://"), new_host.url.removeprefix("http://")
    assert f"went to {old}" in lines[0] and f"now points at {new}" in lines[0]
    assert "--to-current-host" in lines[0]
    assert len(old_host.requests_to("/api/session")) == 1 and new_host.requests == []

    # A token given for this run is bound the same way.
    given = run_cli("history", "replay", str(entry["id"]), "--token-stdin", basedir=basedir,
                    input=NEW_TOKEN + "\n", env=secret_service)
    assert given.returncode == 2 and len(old_host.requests_to("/api/session")) == 1

    moved = run_cli("history", "replay", str(entry["id"]), "--to-current-host", "--json",
                    basedir=basedir, env=secret_service)
    assert moved.returncode == 0, moved.stderr
    (sent,) = new_host.requests_to("/api/session")
    assert sent.query["HASH"] == [NEW_TOKEN] and sent.json()["player"]["id"] == "p-1"
    assert len(old_host.requests_to("/api/session")) == 1  # the old host received nothing more
    replayed = json.loads(run_cli("history", "--json", "--limit", "1", basedir=basedir).stdout)[0]
    assert replayed["replay_of"] == entry["id"] and replayed["api_url"] == new_host.url
    for token in (OLD_TOKEN, NEW_TOKEN):
        assert token not in refused.stderr + moved.stdout + moved.stderr
        assert files_containing(basedir, token) == []
    run_cli("profile", "remove", "moving", basedir=basedir, env=secret_service)


def test_replay_of_a_removed_profile_sends_nothing(secret_service, old_host, basedir: Path) -> None:
    _profile_add(old_host.url, OLD_TOKEN, basedir, secret_service)
    assert run_cli("launch", "--profile", "moving", *PLAYER, basedir=basedir, env=secret_service).returncode == 0
    (entry,) = json.loads(run_cli("history", "--json", basedir=basedir).stdout)
    assert run_cli("profile", "remove", "moving", basedir=basedir, env=secret_service).returncode == 0
    done = run_cli("history", "replay", str(entry["id"]), "--token-stdin", basedir=basedir,
                   input=OLD_TOKEN + "\n", env=secret_service)
    assert done.returncode == 2 and "'moving', which no longer exists" in done.stderr
    assert len(old_host.requests_to("/api/session")) == 1
