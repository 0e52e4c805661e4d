"""A read-only or full data folder never stops a command: ``launch`` goes on with one
warning, ``history`` lists read-only, ``profile add`` is untouched. Real failures: a
tmpfs remounted read-only, a tmpfs filled up (see tests/fixtures/filesystems.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.common import run_cli
from tests.fixtures.filesystems import fill, remount_read_only, small_tmpfs


def _launch(basedir: Path):
    return run_cli("launch", "--json", basedir=basedir)  # the built-in sandbox and demo player


def test_a_read_only_data_folder_warns_once_and_everything_else_works(tmp_path: Path) -> None:
    basedir = tmp_path / "base"
    with small_tmpfs(basedir / "data") as data:
        assert _launch(basedir).returncode == 0
        remount_read_only(data)
        launched = _launch(basedir)
        assert launched.returncode == 0, launched.stderr
        assert json.loads(launched.stdout)["url"].startswith("http://127.0.0.1:")
        assert launched.stderr.splitlines() == [
            f"lm-console: warning: history not saved: the data folder is read-only ({data})"]
        listed = run_cli("history", "--json", basedir=basedir)
        assert listed.returncode == 0 and listed.stderr == ""
        assert [e["outcome"] for e in json.loads(listed.stdout)] == ["success"]
        added = run_cli("profile", "add", "stage", "--api-url", "https://stage.example", "--partner-id", "P",
                        basedir=basedir)
        assert added.returncode == 0 and "Traceback" not in added.stderr


def test_a_full_disk_says_disk_full_and_the_launch_goes_on(tmp_path: Path) -> None:
    basedir = tmp_path / "base"
    with small_tmpfs(basedir / "data", size="512k") as data:
        assert _launch(basedir).returncode == 0
        fill(data)
        launched = _launch(basedir)
        assert launched.returncode == 0, launched.stderr
        assert launched.stderr.splitlines() == [
            f"lm-console: warning: history not saved: disk full ({data}); free some space"]
        listed = run_cli("history", "--json", basedir=basedir)
        assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 1
