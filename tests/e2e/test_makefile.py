"""The README's `make run` works as written (its recipe once broke on a comma)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The venv running this suite (.venv, or .venv-3.13 under `make test VENV=.venv-3.13`).
VENV = Path(sys.prefix).relative_to(ROOT).as_posix()


def test_make_run_without_a_display_says_what_to_do():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(["make", "--no-print-directory", "run", f"VENV={VENV}"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "no display found" in done.stderr
    # The command it names runs as written from the clone: the venv's launcher, not a bare
    # `lm-console` (not on PATH), with the root opt-out when root.
    root_opt = " --no-web-sandbox" if os.geteuid() == 0 else ""
    assert f"'make capture' (= {VENV}/bin/lm-console capture --out shot.png{root_opt})" in done.stderr
    assert "unexpected EOF" not in done.stderr and "Traceback" not in done.stderr
    if os.geteuid() == 0:  # the root opt-out is announced, never silent
        assert "WITHOUT Chromium's sandbox" in done.stdout and "--no-web-sandbox" in done.stdout


def test_make_capture_runs_the_launcher_named_in_the_hint():
    done = subprocess.run(["make", "--no-print-directory", "-n", "capture", "SHOT=/tmp/x.png", f"VENV={VENV}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    root_opt = " --no-web-sandbox" if os.geteuid() == 0 else ""
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"{VENV}/bin/lm-console capture --out /tmp/x.png{root_opt}"
