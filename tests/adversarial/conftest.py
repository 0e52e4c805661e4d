"""Fixtures of the adversarial tests: the hostile API server, and the CLI run in-process."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.adversarial.hostile_server import HostileServer


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


@dataclass
class CliRun:
    code: int
    stdout: str
    stderr: str


def run_in_process(argv: list[str], *, basedir: Path, stdin: str = "") -> CliRun:
    """``lm-console --basedir BASEDIR *argv`` through ``console_app.cli.main``, in this
    process (fast enough to run hundreds of times), with its exit code and output."""
    import sys

    from console_app.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--basedir", str(basedir), *argv])
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
    finally:
        sys.stdin = saved_stdin
    return CliRun(int(code), out.getvalue(), err.getvalue())
