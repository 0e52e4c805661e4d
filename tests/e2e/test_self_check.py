"""`lm-console --self-check` run as a user runs it: a child process, offscreen, with the
real embedded sandbox and a real QtWebEngine page load."""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.fixtures.common import run_cli

SECTIONS = ("[versions]", "[paths]", "[keyring]", "[web sandbox]", "[web view]")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def test_self_check_passes_and_reports_every_section(basedir: Path) -> None:
    result = run_cli("--self-check", basedir=basedir)

    assert result.returncode == 0, result.stdout + result.stderr
    for section in SECTIONS:
        assert section in result.stdout
    assert "OK   versions: Qt " in result.stdout
    assert "chromium" in result.stdout
    assert str(basedir / "config") in result.stdout
    assert "OK   paths:" in result.stdout
    # tests/conftest.py selects keyring's "fail" backend: usable app, no stored tokens
    assert "keyring.backends.fail.Keyring" in result.stdout
    assert "WARN keyring: no keyring backend found" in result.stdout
    assert "OK   web view: demo game loaded in" in result.stdout
    assert "self-check: everything needed works" in result.stdout
    assert "Traceback" not in result.stderr
    assert "FAIL" not in result.stdout


def test_self_check_as_root_without_opt_in_explains_instead_of_crashing(
    basedir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QTWEBENGINE_DISABLE_SANDBOX", raising=False)

    result = run_cli("--self-check", basedir=basedir)

    if IS_ROOT:
        assert result.returncode == 1
        assert "FAIL web sandbox: running as root" in result.stdout
        assert "QTWEBENGINE_DISABLE_SANDBOX=1" in result.stdout
        assert "SKIP web view" in result.stdout
        assert "self-check: 1 check(s) failed: web sandbox" in result.stderr
        assert "Traceback" not in result.stderr
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "OK   web sandbox: on" in result.stdout
        assert "OK   web view:" in result.stdout


def test_self_check_names_missing_webengine_files_instead_of_letting_qt_abort(basedir: Path) -> None:
    # What a bundle that lost QtWebEngineProcess looks like: Qt would abort the process.
    result = run_cli("--self-check", basedir=basedir,
                     env={"QTWEBENGINEPROCESS_PATH": str(basedir / "gone" / "QtWebEngineProcess")})

    assert result.returncode == 1
    assert "FAIL versions: QtWebEngine files missing: helper process" in result.stdout
    assert str(basedir / "gone" / "QtWebEngineProcess") in result.stdout
    assert "SKIP web view" in result.stdout
    assert "Traceback" not in result.stderr


def test_self_check_reports_unwritable_folders(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")

    result = run_cli("--self-check", basedir=blocker / "sub")

    assert result.returncode == 1
    assert "FAIL paths: cannot create" in result.stdout
    assert "--basedir DIR" in result.stdout


class _PageHandler(BaseHTTPRequestHandler):
    """/titled: a page with a title; /untitled: one without; anything else: 404."""

    pages = {"/titled": b"<html><head><title>Probe page</title></head><body>x</body></html>",
             "/untitled": b"<html><body>no title here</body></html>"}

    def do_GET(self) -> None:
        body = self.pages.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            self.wfile.write(body or b"<html><head><title>Not found</title></head></html>")
        except ConnectionError:
            pass  # the probe may close its page (and the favicon request) before this lands

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def page_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize(("path", "loaded", "problem"), [
    ("/titled", True, ""),
    ("/untitled", False, "the page loaded but has no title"),
    ("/missing", False, "the page failed to load: HTTP status 404"),
])
def test_probe_reports_each_outcome_in_one_line(qapp, page_server: str, path: str, loaded: bool,
                                                problem: str) -> None:
    from console_app.webengine.probe import probe_page_load

    result = probe_page_load(page_server + path, timeout=30)

    assert (result.loaded, result.problem) == (loaded, problem)
    assert result.title == ("Probe page" if loaded else "")


def test_probe_gives_up_at_its_deadline(qapp, page_server: str) -> None:
    from console_app.webengine.probe import probe_page_load

    result = probe_page_load(page_server + "/titled", timeout=0.001)

    assert not result.loaded
    assert result.problem == "the page did not finish loading within 0.001 s"
