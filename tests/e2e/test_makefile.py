"""The README's `make run` works as written (its recipe once broke on a comma)."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_without_a_display_says_what_to_do():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(["make", "--no-print-directory", "run"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "lm-console: error: no display found" in done.stderr
    assert "lm-console capture --out shot.png" in done.stderr
    assert "unexpected EOF" not in done.stderr and "Traceback" not in done.stderr
    if os.geteuid() == 0:  # the root opt-out is announced, never silent
        assert "WITHOUT Chromium's sandbox" in done.stdout and "--no-web-sandbox" in done.stdout
