"""Canary tokens against a server that echoes the request back in every encoding:
nothing the console stores, prints or exports holds a token in any of them.

The partner token and every player token the echo server issues are base64-like
(``+ / =``), the common case. Each launch runs in its own process (as a user runs
them); the reads and exports run in a separate process that never loaded a token, so
what they print is only as safe as what was stored. The test holds the history open
throughout, so the SQLite ``-wal`` file is still there to grep."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from console_app.core.history import FILE_NAME, HistoryStore
from tests.adversarial.echo_server import ENCODINGS, EchoServer, encoded_forms
from tests.fixtures.common import run_cli

PARTNER_TOKEN = "Cnry+7f3a/9cQ=do+not/leak=="
PLAYER = ["--game-id", "lm_8_treasureofzeus", "--player-id", "p-echo", "--nickname", "N", "--language", "en",
          "--currency", "USD", "--session-id", "s-echo", "--ip", "203.0.113.5", "--retries", "0"]
CASES = ([("ok", e) for e in ENCODINGS] + [("error", e) for e in ENCODINGS]
         + [("html", e) for e in ("literal", "quote", "quote-plus", "html-named", "html-decimal", "json-u")])
EXPECTED_EXIT = {"ok": 0, "error": 3, "html": 4}

# Every read and export of every entry, in one process that loads no token.
_READ_ALL = """
import sys
from console_app.cli import main
base, out, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
for i in ids:
    for argv in (["history", "show", i], ["history", "show", i, "--json"], ["history", "curl", i],
                 ["history", "export", i, "--format", "md"], ["history", "export", i, "--format", "json"],
                 ["history", "export", i, "--format", "md", "--out", f"{out}/{i}.md"],
                 ["history", "export", i, "--format", "json", "--out", f"{out}/{i}.json"]):
        assert main(["--basedir", base, *argv]) == 0, argv
for argv in (["history"], ["history", "--json", "--limit", "500"], ["history", "--search", "rejected"]):
    assert main(["--basedir", base, *argv]) == 0, argv
"""


@pytest.fixture
def echo():
    server = EchoServer().start()
    yield server
    server.stop()


def _leaks(text: str, secrets: list[str]) -> list[tuple[str, str]]:
    return [(secret, form) for secret in secrets for form in encoded_forms(secret) if form in text]


def _files_leaking(root: Path, secrets: list[str]) -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found += [(path.name, s, f) for s in secrets for f in encoded_forms(s) if f.encode() in data]
    return found


def test_no_token_in_any_encoding_reaches_a_file_or_an_output(echo, basedir: Path, tmp_path: Path) -> None:
    # Held open so that the other processes' commits stay in the -wal to be grepped.
    keeper = HistoryStore.open(basedir / "data")

    def launch(case: tuple[str, str]) -> tuple[tuple[str, str], subprocess.CompletedProcess[str]]:
        answer, encoding = case
        return case, run_cli("launch", "--api-url", echo.api_url(answer, encoding), "--partner-id", "P",
                             "--token-env", "LM_CANARY", "--json", *PLAYER, basedir=basedir,
                             env={"LM_CANARY": PARTNER_TOKEN})

    with ThreadPoolExecutor(max_workers=3) as pool:
        launches = list(pool.map(launch, CASES))
    secrets = [PARTNER_TOKEN, *echo.game_tokens]
    assert len(echo.game_tokens) == len(ENCODINGS)  # one per "ok" launch
    for (answer, encoding), done in launches:
        assert done.returncode == EXPECTED_EXIT[answer], (answer, encoding, done.stderr)
        printed = json.loads(done.stdout)
        printed.pop("url", None)  # a launch's one output IS the game URL, on purpose
        assert _leaks(json.dumps(printed) + done.stderr, secrets) == [], (answer, encoding)

    wal = basedir / "data" / (FILE_NAME + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    assert keeper.count() == len(CASES)
    # The hostile echoes are stored (redacted), not dropped.
    assert all("•••" in e.response_body for e in keeper.search(limit=500))

    exports = tmp_path / "exports"
    exports.mkdir()
    ids = [str(e.id) for e in keeper.search(limit=500)]
    read = subprocess.run([sys.executable, "-c", _READ_ALL, str(basedir), str(exports), *ids],
                          capture_output=True, text=True, timeout=300)
    assert read.returncode == 0, read.stderr[-2000:]
    assert len(list(exports.iterdir())) == 2 * len(ids)
    assert _leaks(read.stdout + read.stderr, secrets) == []
    assert _files_leaking(basedir, secrets) == []  # history.sqlite3, its -wal and -shm, logs
    assert _files_leaking(exports, secrets) == []
    keeper.close()


@pytest.mark.parametrize("encoding", ["quote", "json-u", "html-hex"])
def test_the_answer_body_kept_for_display_hides_the_player_token_it_just_carried(echo, encoding) -> None:
    # The body is read before the URL in it is decoded (which registers the player
    # token): what the Answer panel shows must be redacted again after that.
    import asyncio

    from console_app.core.client import LuckyMonacoClient
    from console_app.core.http import make_http_client
    from console_app.core.models import ApiTarget, ClientSettings, LaunchRequest
    from console_app.core.redaction import Secret

    settings = ClientSettings(retries=0)
    target = ApiTarget(echo.api_url("ok", encoding), "P", Secret(PARTNER_TOKEN), "command line", "adhoc")
    request = LaunchRequest("lm_8_treasureofzeus", "p-1", "N", "en", "USD", "s-1", "203.0.113.5")

    async def launch():
        async with make_http_client(settings) as http:
            return await LuckyMonacoClient(http, settings).enter(target, request)

    result = asyncio.run(launch())
    (game_token,) = echo.game_tokens
    body = result.attempts[-1].exchange.response_body
    assert "•••" in body and _leaks(body, [game_token, PARTNER_TOKEN]) == []
