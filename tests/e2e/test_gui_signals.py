"""SIGTERM (a logout, ``kill``) and SIGINT (Ctrl+C in the terminal) close the window
as its ✕ does: exit 0, the window's state kept, the sandbox stopped, no traceback.
Before, SIGTERM ended the process on the spot (exit -15, nothing kept) and Ctrl+C
raised KeyboardInterrupt wherever Python happened to be."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_closes_the_window_cleanly(tmp_path, signum):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    child = subprocess.Popen(
        [sys.executable, "-m", "console_app", "--basedir", str(tmp_path), "gui", "--no-web-sandbox"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    log_file = tmp_path / "logs" / "console.log"
    try:
        # Ready once the embedded sandbox listens (after the first paint).
        deadline = time.monotonic() + 60
        pause = threading.Event()
        while child.poll() is None and time.monotonic() < deadline:
            if log_file.exists() and "sandbox listening" in log_file.read_text(encoding="utf-8"):
                break
            pause.wait(0.05)
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        child.send_signal(signum)
        _out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    text = log_file.read_text(encoding="utf-8")
    assert f"{signum.name} received: closing the window" in text
    assert "stopped" in text.split(f"{signum.name} received", 1)[1]  # the sandbox, after it
    assert (tmp_path / "config" / "window.ini").is_file()  # the window's state was kept
