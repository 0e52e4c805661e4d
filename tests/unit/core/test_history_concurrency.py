"""Two app instances writing at once, and a process killed mid-write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from console_app.core.history import FILE_NAME, HistoryStore

REPO = Path(__file__).resolve().parents[3]

# A child interpreter that writes attempts and prints "committed N" after each commit.
WRITER = textwrap.dedent(
    """
    import sys, time
    from console_app.core.history import HistoryStore
    from console_app.core.models import ApiTarget, Attempt, Exchange
    from console_app.core.redaction import Secret

    data_dir, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    target = ApiTarget("http://127.0.0.1:9", "P", Secret("writer-token-" + tag), tag, "staging")
    store = HistoryStore.open(data_dir)
    i = 0
    while count < 0 or i < count:
        exchange = Exchange("POST", "http://127.0.0.1:9/api/session", {}, '{"uuid": "%s-%d"}' % (tag, i), 200)
        attempt = Attempt(1, f"{tag}-{i}", time.time(), exchange, "success", 1.0)
        store.record_attempt(attempt, target=target)
        i += 1
        print("committed", i, flush=True)
    """
)


def start_writer(data_dir: Path, tag: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir), tag, str(count)],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
    )


def test_two_processes_write_at_once_and_nothing_is_lost(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()  # both children then race on an existing schema
    writers = [start_writer(tmp_path, tag, 500) for tag in ("A", "B")]
    for writer in writers:
        output, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0
        assert output.splitlines()[-1] == "committed 500"
    with HistoryStore.open(tmp_path) as store:
        uuids = {e.uuid for e in store.search(limit=5000)}
        assert store.count() == 1000
    assert uuids == {f"{tag}-{i}" for tag in "AB" for i in range(500)}


def test_two_processes_creating_the_schema_at_once(tmp_path: Path) -> None:
    writers = [start_writer(tmp_path, tag, 20) for tag in ("A", "B")]
    for writer in writers:
        writer.communicate(timeout=120)
        assert writer.returncode == 0
    with HistoryStore.open(tmp_path) as store:
        assert store.count() == 40


def test_a_killed_writer_loses_nothing_it_committed(tmp_path: Path) -> None:
    writer = start_writer(tmp_path, "K", -1)  # writes until killed
    committed = 0
    assert writer.stdout is not None
    for line in writer.stdout:
        committed = int(line.split()[1])
        if committed >= 200:
            break
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    db = sqlite3.connect(tmp_path / FILE_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with HistoryStore.open(tmp_path) as store:
        stored = {e.uuid for e in store.search(limit=100_000)}
    # Everything reported as committed is there (a few more may have landed meanwhile).
    assert {f"K-{i}" for i in range(committed)} <= stored
