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


def test_a_read_only_basedir_still_opens_the_window_and_refuses_profile_changes_in_one_line(tmp_path: Path) -> None:
    """The whole folder read-only (logs, config and data): the window starts and shows
    its game with one warning per thing not saved; ``profile add`` says what failed."""
    from PySide6.QtGui import QImage

    with small_tmpfs(tmp_path / "base", size="20m") as basedir:
        assert _launch(basedir).returncode == 0  # the folders exist, then become read-only
        remount_read_only(basedir)
        shot = tmp_path / "shot.png"
        captured = run_cli("capture", "--out", str(shot), basedir=basedir, timeout=120)
        assert captured.returncode == 0, captured.stderr
        assert "Traceback" not in captured.stderr and "unexpected" not in captured.stderr
        assert f"no log file this run: cannot write to {basedir / 'logs'}" in captured.stderr
        assert "history not saved: history not saved" not in captured.stderr
        assert not QImage(str(shot)).isNull()
        added = run_cli("profile", "add", "stage", "--api-url", "https://stage.example", "--partner-id", "P",
                        basedir=basedir)
        assert added.returncode == 2
        assert added.stderr.strip().splitlines() == [
            f"lm-console: error: profiles not saved: cannot write {basedir / 'config' / 'profiles.json'} "
            "(Read-only file system); nothing was changed: make the folder writable or use --basedir DIR"]


def test_the_window_runs_without_its_folder_lock_when_the_folder_cannot_be_written(tmp_path: Path) -> None:
    """The one-window lock guards writers; on a read-only folder there are none, so the
    window goes on (it said "another window has it" and stopped)."""
    from console_app.app import _lock_data_folder, configure_file_logging
    from console_app.core.paths import AppPaths

    with small_tmpfs(tmp_path / "base") as basedir:
        paths = AppPaths.from_basedir(basedir).ensure()
        remount_read_only(basedir)
        assert _lock_data_folder(paths) is None
        assert configure_file_logging(paths) is None
