"""``lm-console profile ...`` and ``launch --profile`` as a user runs them: a child
process, a real Secret Service (or none), an independent spec server on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.common import CANARY_TOKEN, files_containing, run_cli
from tests.fixtures.spec_server import SpecServer

PLAYER = ["--game-id", "lm_8_treasureofzeus", "--player-id", "p-1", "--nickname", "Nick",
          "--language", "en", "--currency", "USD", "--session-id", "s-1", "--ip", "203.0.113.9"]


@pytest.fixture
def canary_server():
    """A spec server that accepts partner ``P`` with the canary token."""
    server = SpecServer(partner_id="P", token=CANARY_TOKEN).start()
    try:
        yield server
    finally:
        server.stop()


def _stderr_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("lm-console: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_profile_token_in_keyring_reaches_the_api(secret_service, canary_server, basedir: Path) -> None:
    added = run_cli("profile", "add", "ref", "--api-url", canary_server.url, "--partner-id", "P",
                    "--token-stdin", basedir=basedir, input=CANARY_TOKEN + "\n", env=secret_service)
    assert added.returncode == 0, added.stderr
    assert "token: stored in SecretService" in added.stdout

    shown = run_cli("profile", "show", "ref", basedir=basedir, env=secret_service)
    assert shown.returncode == 0, shown.stderr
    assert "token:           stored in SecretService" in shown.stdout

    launched = run_cli("launch", "--profile", "ref", *PLAYER, basedir=basedir, env=secret_service)
    assert launched.returncode == 0, launched.stderr
    assert launched.stdout.startswith(f"{canary_server.url}/play/index.html?token=")
    (request,) = canary_server.requests_to("/api/session")
    assert request.query["MEMB_ID"] == ["P"]
    assert request.query["HASH"] == [CANARY_TOKEN]
    assert request.json()["player"]["id"] == "p-1"

    outputs = added.stdout + added.stderr + shown.stdout + shown.stderr + launched.stderr
    assert CANARY_TOKEN not in outputs
    assert files_containing(basedir, CANARY_TOKEN) == []

    removed = run_cli("profile", "remove", "ref", basedir=basedir, env=secret_service)
    assert removed.returncode == 0 and "and its token" in removed.stdout
    again = run_cli("launch", "--profile", "ref", *PLAYER, basedir=basedir, env=secret_service)
    assert again.returncode == 2 and "no profile named 'ref'" in again.stderr
    assert len(canary_server.requests_to("/api/session")) == 1


def test_set_token_replaces_and_rebinds(secret_service, canary_server, basedir: Path) -> None:
    run_cli("profile", "add", "ref2", "--api-url", canary_server.url, "--partner-id", "P",
            basedir=basedir, env=secret_service)
    missing = run_cli("launch", "--profile", "ref2", *PLAYER, basedir=basedir, env=secret_service)
    assert missing.returncode == 2
    assert "has no token in the OS keyring" in _stderr_line(missing)

    first = run_cli("profile", "set-token", "ref2", "--token-stdin", basedir=basedir,
                    input="old-token-value\n", env=secret_service)
    assert first.returncode == 0, first.stderr
    replaced = run_cli("profile", "set-token", "ref2", "--token-stdin", basedir=basedir,
                       input=CANARY_TOKEN + "\n", env=secret_service)
    assert replaced.returncode == 0 and "bound to 127.0.0.1:" in replaced.stdout
    launched = run_cli("launch", "--profile", "ref2", *PLAYER, basedir=basedir, env=secret_service)
    assert launched.returncode == 0, launched.stderr
    assert canary_server.requests_to("/api/session")[-1].query["HASH"] == [CANARY_TOKEN]
    run_cli("profile", "remove", "ref2", basedir=basedir, env=secret_service)


def test_token_is_not_sent_after_the_profile_moves_host(secret_service, canary_server, spec_server,
                                                        basedir: Path) -> None:
    run_cli("profile", "add", "moving", "--api-url", canary_server.url, "--partner-id", "P",
            "--token-stdin", basedir=basedir, input=CANARY_TOKEN + "\n", env=secret_service)
    # Someone points the profile at another server (here: by editing the file).
    config = basedir / "config" / "profiles.json"
    config.write_text(config.read_text().replace(canary_server.url, spec_server.url))
    launched = run_cli("launch", "--profile", "moving", *PLAYER, basedir=basedir, env=secret_service)
    assert launched.returncode == 2
    assert "was stored for 127.0.0.1:" in _stderr_line(launched)
    assert spec_server.requests == []
    run_cli("profile", "remove", "moving", basedir=basedir, env=secret_service)


def test_without_keyring_the_token_is_refused_plainly_and_never_written(canary_server, basedir: Path) -> None:
    # The default test environment has keyring.backends.fail.Keyring: no keyring at all.
    added = run_cli("profile", "add", "ref", "--api-url", canary_server.url, "--partner-id", "P",
                    "--token-stdin", basedir=basedir, input=CANARY_TOKEN + "\n")
    assert added.returncode == 2
    line = _stderr_line(added)
    assert "its token was NOT stored: no OS keyring is available on this machine" in line
    assert "profile set-token ref --token-stdin" in line
    assert "saved profile 'ref'" in added.stdout
    assert CANARY_TOKEN not in added.stdout + added.stderr
    assert files_containing(basedir, CANARY_TOKEN) == []

    # The profile still works with the token given for one run.
    launched = run_cli("launch", "--profile", "ref", "--token-stdin", *PLAYER, basedir=basedir,
                       input=CANARY_TOKEN + "\n")
    assert launched.returncode == 0, launched.stderr
    assert canary_server.requests_to("/api/session")[-1].query["HASH"] == [CANARY_TOKEN]
    assert files_containing(basedir, CANARY_TOKEN) == []

    stored = run_cli("launch", "--profile", "ref", *PLAYER, basedir=basedir)
    assert stored.returncode == 2 and "no OS keyring is available" in _stderr_line(stored)
    shown = run_cli("profile", "show", "ref", basedir=basedir)
    assert "token:           unknown: no OS keyring is available" in shown.stdout


def test_list_show_export_import(basedir: Path, tmp_path: Path) -> None:
    added = run_cli("profile", "add", "prod-eu", "--api-url", "https://api.example.com/v3", "--partner-id", "77",
                    "--kind", "production", "--proxy", "http://127.0.0.1:3128", "--retries", "0", basedir=basedir)
    assert added.returncode == 0, added.stderr
    listed = run_cli("profile", "list", basedir=basedir)
    assert listed.stdout.splitlines()[0].split() == ["NAME", "KIND", "API", "URL", "PARTNER", "ID"]
    assert "prod-eu  production  https://api.example.com/v3  77" in listed.stdout
    as_json = json.loads(run_cli("profile", "list", "--json", basedir=basedir).stdout)
    assert [p["name"] for p in as_json] == ["Sandbox", "prod-eu"]

    shown = run_cli("profile", "show", "prod-eu", basedir=basedir).stdout
    assert "proxy:           http://127.0.0.1:3128" in shown
    assert "TLS trust:       OS trust store" in shown

    exported = run_cli("profile", "export", "prod-eu", basedir=basedir)
    document = json.loads(exported.stdout)
    assert document["profile"]["kind"] == "production"
    out = tmp_path / "prod.json"
    assert run_cli("profile", "export", "prod-eu", "--out", str(out), basedir=basedir).returncode == 0
    assert json.loads(out.read_text()) == document

    other = tmp_path / "other"
    imported = run_cli("profile", "import", str(out), basedir=other)
    assert imported.returncode == 0, imported.stderr
    assert "set its token with: lm-console profile set-token prod-eu" in imported.stdout
    assert json.loads(run_cli("profile", "show", "prod-eu", "--json", basedir=other).stdout)["api_url"] == (
        "https://api.example.com/v3")

    document["profile"]["hash"] = CANARY_TOKEN
    leaked = tmp_path / "leaked.json"
    leaked.write_text(json.dumps(document))
    refused = run_cli("profile", "import", str(leaked), "--name", "x", basedir=other)
    assert refused.returncode == 2
    assert "contains a secret (profile.hash): refusing to import it" in _stderr_line(refused)
    assert CANARY_TOKEN not in refused.stderr
    assert files_containing(other, CANARY_TOKEN) == []


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--api-url", "http://api.example.com", "--kind", "production"], "API URL: a production profile must use https"),
        (["--api-url", "https://api.example.com", "--kind", "production", "--no-verify-tls"], "TLS: a production profile"),
        (["--api-url", "api.example.com"], "API URL: 'api.example.com' must start with https://"),
        (["--api-url", "https://api.example.com", "--ca-bundle", "/nope.pem"], "CA bundle: file not found"),
        (["--api-url", "https://api.example.com", "--proxy", "squid"], "proxy: 'squid' is not a proxy URL"),
    ],
)
def test_bad_profiles_get_one_line_naming_the_field(basedir: Path, extra, expected) -> None:
    result = run_cli("profile", "add", "bad", "--partner-id", "1", *extra, basedir=basedir)
    assert result.returncode == 2
    assert expected in _stderr_line(result)
    assert "Traceback" not in result.stderr
    assert not (basedir / "config" / "profiles.json").exists()


def test_builtin_sandbox_is_protected(basedir: Path) -> None:
    removed = run_cli("profile", "remove", "Sandbox", basedir=basedir)
    assert removed.returncode == 2 and "cannot be removed" in _stderr_line(removed)
    token = run_cli("profile", "set-token", "Sandbox", "--token-stdin", basedir=basedir, input="abcdefgh\n")
    assert token.returncode == 2 and "embedded sandbox's own token" in _stderr_line(token)


def test_suggested_commands_quote_a_profile_name_for_the_shell(basedir: Path) -> None:
    """A name with spaces or shell characters is suggested quoted, so pasting it runs
    the command shown (unquoted, ``<b`` was a redirect)."""
    import shlex

    added = run_cli("profile", "add", "evil<b> name", "--api-url", "https://stage.example", "--partner-id", "P",
                    basedir=basedir)
    assert added.returncode == 0, added.stderr
    suggestion = next(line for line in added.stdout.splitlines() if "set-token" in line)
    command = suggestion.split("store it with: ", 1)[1]
    assert shlex.split(command) == ["lm-console", "profile", "set-token", "evil<b> name", "--token-stdin"]
