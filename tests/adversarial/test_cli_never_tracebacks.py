"""Every ``lm-console`` command, with generated arguments and generated local state
(profiles, history, catalogs, import files), run in-process: the exit code is one
the README documents, stderr never holds a traceback, and nothing already saved is
lost (except what the command was asked to remove or replace, and did).

The commands that open a window (``gui``, ``capture``), run until Ctrl+C
(``sandbox``) or open a browser (``--open``) are left out. Requests only reach
loopback: the embedded sandbox, the hostile server, or a dead port; a dead proxy
on loopback catches anything else.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console_app.cli import build_parser
from console_app.core.catalog import CatalogStore
from console_app.core.history import FILE_NAME as HISTORY_FILE
from console_app.core.paths import AppPaths
from tests.adversarial import hostile_files
from tests.adversarial.conftest import run_in_process

EXIT_CODES = {0, 2, 3, 4}
LEFT_OUT = {("gui",), ("capture",), ("sandbox",)}
LEFT_OUT_OPTIONS = {"--open", "--version", "--self-check", "--basedir"}
PATH_OPTIONS = {"--out", "--screenshot", "--ca-bundle", "file"}
KEEP = "Keep"


def _commands() -> list[tuple[tuple[str, ...], list[argparse.Action]]]:
    """Each runnable command path with its options and positionals, from the real parser."""
    found = []

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        actions = [a for a in parser._actions if not isinstance(a, (argparse._SubParsersAction, argparse._HelpAction))
                   and not set(a.option_strings) & LEFT_OUT_OPTIONS]
        if path and path not in LEFT_OUT and (not subs or path == ("history",)):
            found.append((path, actions))
        for sub in subs:
            for name, child in sub.choices.items():
                walk(child, path + (name,))

    walk(build_parser(full=True), ())
    return found


COMMANDS = _commands()
WORDS = ["Keep", "Sandbox", "nope", "0", "1", "2", "-1", "10", "11", "150", "1e309", "nan", "inf", "", " ",
         "\x00", "ko", "EN", "KRW", "lm_8_treasureofzeus", "Im_60_x", "slot", "table", "203.0.113.7", "::1",
         "http://127.0.0.1:9", "http://[::1", "http://127.0.0.1:99999", "https://127.0.0.1:9",
         "system", "none", "production", "staging", "sandbox", "md", "json", "success", "LM_TOKEN",
         "99999999999999999999", "tx-demo-1", "--json", "--", "-x"]
values = st.one_of(st.sampled_from(WORDS), st.text(max_size=24))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """``base``, a basedir with saved state (profile Keep, two history entries, Keep's
    catalog), and ``in``, files for path options (see :func:`_prepared_files`)."""
    root = tmp_path_factory.mktemp("template")
    _prepared_files(root / "in")
    base = root / "base"
    good = root / "good.csv"
    good.write_text("Game ID,Game Name,Language,Currency\nlm_8_treasureofzeus,Zeus,en,USD\n")
    for argv in (["profile", "add", KEEP, "--api-url", "http://127.0.0.1:9", "--partner-id", "p"],
                 ["catalog", "import", str(good), "--profile", KEEP],
                 ["launch"], ["launch", "--language", "xx", "--allow-invalid"]):
        assert run_in_process(argv, basedir=base).code in (0, 3), argv
    good.unlink()
    return root


_FILES = ("good.csv", "random.bin", "export.json", "far.xlsx", "entity.xlsx", "missing.csv", "out.md")


def _prepared_files(folder: Path) -> None:
    """Files (and non-files) a path option may name: good, hostile, missing, a folder."""
    folder.mkdir()
    (folder / "good.csv").write_text("Game ID,Name\nlm_1_a,A\n")
    (folder / "random.bin").write_bytes(os.urandom(256))
    (folder / "export.json").write_text('{"format": 1, "kind": "luckymonaco-console-profile", "profile": '
                                        '{"name": "Imported", "api_url": "http://127.0.0.1:9", "partner_id": "p"}}')
    hostile_files.far_cell(folder / "far.xlsx")
    hostile_files.entity_cell(folder / "entity.xlsx")


def _file_choices(folder: Path) -> list[str]:
    return [str(folder / name) for name in _FILES] + [str(folder), "/dev/null"]


def _saved(paths: AppPaths) -> dict[str, object]:
    """What is saved now: profile names, history entry IDs, catalog files' bytes."""
    profiles_file = paths.config_dir / "profiles.json"
    history_file = paths.data_dir / HISTORY_FILE
    ids: object = None
    if history_file.exists():
        db = sqlite3.connect(history_file)
        try:
            ids = {row[0] for row in db.execute("SELECT id FROM history")}
        except sqlite3.DatabaseError:  # damaged on purpose
            ids = history_file.read_bytes()
        finally:
            db.close()
    catalogs = {p.name: p.read_bytes() for p in (paths.data_dir / "catalogs").glob("*.json")}
    return {"profiles": profiles_file.read_bytes() if profiles_file.exists() else None,
            "history": ids, "catalogs": catalogs}


def _damage(paths: AppPaths, which: str, noise: bytes) -> None:
    target = {"profiles": paths.config_dir / "profiles.json", "history": paths.data_dir / HISTORY_FILE,
              "catalog": CatalogStore(paths).path_for(KEEP)}[which]
    target.write_bytes(noise)


@st.composite
def invocations(draw, files: list[str]):
    path, actions = draw(st.sampled_from(COMMANDS))
    argv = list(path)
    for action in actions:
        path_like = action.dest in PATH_OPTIONS or set(action.option_strings) & PATH_OPTIONS
        value = st.sampled_from(files) if path_like else values
        if not action.option_strings:  # a positional: mostly given
            if draw(st.integers(0, 9)):
                argv.append(draw(value))
        elif draw(st.booleans()):
            argv.append(action.option_strings[0])
            if action.nargs != 0:
                argv.append(draw(value))
    if draw(st.integers(0, 9)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), draw(values))
    return argv


@settings(max_examples=int(os.environ.get("LM_ADVERSARIAL_EXAMPLES", "120")), deadline=None,
          derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_command_tracebacks_or_loses_saved_state(template, monkeypatch, data):
    monkeypatch.setenv("LM_TOKEN", "generated-token")
    # Nothing may leave loopback: a dead proxy catches any other host.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,::1")
    work = Path(tempfile.mkdtemp(dir=template.parent))
    try:
        monkeypatch.chdir(work)
        shutil.copytree(template, work, dirs_exist_ok=True)
        basedir = work / "base"
        paths = AppPaths.from_basedir(basedir)
        damaged = data.draw(st.sampled_from([None, "profiles", "history", "catalog"]), label="damaged")
        if damaged:
            noise = data.draw(st.one_of(st.binary(max_size=64), st.sampled_from(
                [b"{}", b"[]", b'{"format": 1, "profiles": [{"name": 1}]}', b"[" * 5000])), label="noise")
            _damage(paths, damaged, noise)
        files = _file_choices(work / "in")
        argv = data.draw(invocations(files), label="argv")
        stdin = data.draw(st.sampled_from(["", "generated-token\n", "\n", "x" * 5000]), label="stdin")
        before = _saved(paths)

        run = run_in_process(argv, basedir=basedir, stdin=stdin)

        assert run.code in EXIT_CODES, (run.code, run.stderr)
        assert "Traceback" not in run.stderr + run.stdout
        after = _saved(paths)
        removed = argv[2] if argv[:2] == ["profile", "remove"] and run.code == 0 else None
        _assert_nothing_lost(before, after, argv, run.code, removed)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _assert_nothing_lost(before, after, argv, code, removed) -> None:
    import json

    def names(raw):
        try:
            return {p["name"] for p in json.loads(raw)["profiles"]}
        except Exception:  # damaged on purpose: then it must stay byte for byte
            return raw

    if before["profiles"] is not None:
        old, new = names(before["profiles"]), names(after["profiles"])
        if isinstance(old, set):
            assert isinstance(new, set) and old - {removed} <= new
        else:
            assert after["profiles"] == before["profiles"]
    if isinstance(before["history"], set):
        assert isinstance(after["history"], set) and before["history"] <= after["history"]
    elif before["history"]:  # an empty file held nothing: SQLite may make it a database
        assert after["history"] == before["history"]
    replaced = code == 0 and argv[:2] in (["catalog", "import"], ["catalog", "fetch"])
    if not replaced:
        assert after["catalogs"] == before["catalogs"]
