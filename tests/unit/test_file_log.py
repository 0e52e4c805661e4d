"""The window's file log (``logs/console.log``) is redacted like stderr, INFO included:
the stderr handler takes WARNING and up, so its filter never sees the INFO lines the
file gets. Run in a fresh process, as ``lm-console gui`` sets logging up: in this one
pytest's own (redacting) capture handlers would change the handler chain."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _log_in_a_fresh_process(basedir: Path, token: str) -> subprocess.CompletedProcess:
    script = textwrap.dedent(f"""
        import logging
        from pathlib import Path
        from console_app.app import configure_file_logging
        from console_app.cli import _configure_logging
        from console_app.core.paths import AppPaths
        paths = AppPaths.from_basedir(Path({str(basedir)!r}))
        _configure_logging(paths)  # what lm-console does first
        path = configure_file_logging(paths)
        log = logging.getLogger("console_app.ui.launch")
        token = {token!r}
        log.info("game page http://127.0.0.1:1/game/index.html?token=%s loaded", token)
        log.info("ENTER /api/session?MEMB_ID=p&HASH=%s", token)
        log.warning('answer {{"url": "http://h/?token=%s"}}', token)
        assert configure_file_logging(paths) == path  # a second call adds nothing
        log.info("again ?token=%s", token)
        logging.shutdown()
    """)
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_info_lines_reach_the_file_log_redacted(tmp_path, canary_token):
    done = _log_in_a_fresh_process(tmp_path, canary_token)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "logs" / "console.log").read_text(encoding="utf-8")
    assert "game page" in text and "ENTER" in text and "answer" in text
    assert canary_token not in text
    assert text.count("•••") == 4 and text.count("again") == 1
    # stderr shows the warning only, redacted too.
    assert "answer" in done.stderr and "game page" not in done.stderr and canary_token not in done.stderr


def test_lines_logged_before_the_file_log_opens_reach_it_in_order_redacted(tmp_path, canary_token):
    # The window opens its file log after the first paint; what was logged before
    # (the start line, the first paint) is held and written first, redacted.
    script = textwrap.dedent(f"""
        import logging
        from pathlib import Path
        from console_app.app import EarlyRecords
        from console_app.cli import _configure_logging
        from console_app.core.paths import AppPaths
        paths = AppPaths.from_basedir(Path({str(tmp_path)!r}))
        _configure_logging(paths)
        early = EarlyRecords.install()
        log = logging.getLogger("console_app.app")
        log.info("held one ?token=%s", {canary_token!r})
        log.info("held two")
        assert not (paths.log_dir / "console.log").exists()  # nothing written before it opens
        assert early.open_file_log(paths) == paths.log_dir / "console.log"
        log.info("after it opened")
        assert not any(isinstance(h, EarlyRecords) for h in logging.getLogger().handlers)
        logging.shutdown()
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "logs" / "console.log").read_text(encoding="utf-8").splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == ["held one ?token=•••", "held two", "after it opened"]
    assert canary_token not in "\n".join(lines) and done.stderr == ""


def test_qt_messages_reach_the_log_redacted_and_only_critical_ones_stderr(tmp_path, canary_token):
    script = textwrap.dedent(f"""
        import logging
        from pathlib import Path
        from console_app.app import configure_file_logging
        from console_app.cli import _configure_logging
        from console_app.core.paths import AppPaths
        from console_app.core.redaction import register_secret
        from console_app.qtenv import route_qt_messages
        paths = AppPaths.from_basedir(Path({str(tmp_path)!r}))
        _configure_logging(paths)
        configure_file_logging(paths)
        register_secret({canary_token!r})
        route_qt_messages()
        from PySide6.QtCore import qCritical, qWarning
        qWarning("a plugin cannot do this with {canary_token}")
        qCritical("a critical Qt line")
        logging.shutdown()
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "logs" / "console.log").read_text(encoding="utf-8")
    assert "console_app.qt: a plugin cannot do this with •••" in text and "a critical Qt line" in text
    assert "plugin" not in done.stderr and "a critical Qt line" in done.stderr
    assert canary_token not in text + done.stderr
