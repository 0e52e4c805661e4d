"""The issue-5 canary: with CANARY_TOKEN as a profile's token (in the real OS keyring),
run every flow in the window — launch, API error, deadline, cancel, game-list fetch,
history export, copy actions, screen-share, the unexpected-error dialog — and check
that the token appears in no file under the base directory (history, catalog,
settings, the log file, the export), no clipboard text and no widget text."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from console_app.app import ExceptionHooks, configure_file_logging
from console_app.core.credentials import RunCredentials
from console_app.core.profiles import Profile, ProfileStore, api_host
from tests.fixtures.common import CANARY_TOKEN, files_containing
from tests.fixtures.qt import sandbox_target
from tests.fixtures.spec_server import SpecServer
from tests.gui.test_profiles_in_window import featured, select

TIMEOUT_MS = 30_000


@pytest.fixture
def canary_server() -> Iterator[SpecServer]:
    """A spec server that accepts CANARY_TOKEN as its partner token."""
    server = SpecServer(token=CANARY_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def log_file(app_paths):
    """The app's redacted file log under the base directory, for this test only."""
    path = configure_file_logging(app_paths)
    yield path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "baseFilename", None) == str(path)]:
        root.removeHandler(handler)
        handler.close()


def widget_texts(widget: QWidget) -> list[str]:
    """Every text a widget shows or announces."""
    texts = [widget.windowTitle(), widget.toolTip(), widget.statusTip(), widget.whatsThis(), widget.accessibleName(),
             widget.accessibleDescription()]
    if isinstance(widget, QLineEdit):
        texts += [widget.text(), widget.displayText(), widget.placeholderText()]
    if isinstance(widget, QLabel):
        texts.append(widget.text())
    if isinstance(widget, QAbstractButton):
        texts.append(widget.text())
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        texts.append(widget.toPlainText())
    if isinstance(widget, QTabBar):
        for index in range(widget.count()):
            texts += [widget.tabText(index), widget.tabToolTip(index)]
    if isinstance(widget, QComboBox):
        texts += [widget.itemText(i) for i in range(widget.count())] + [widget.currentText()]
    if isinstance(widget, QMessageBox):
        texts += [widget.text(), widget.informativeText(), widget.detailedText()]
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        try:
            columns = model.columnCount()
        except TypeError:  # a list model: one column (its columnCount is not public)
            columns = 1
        for row in range(min(model.rowCount(), 200)):
            for column in range(columns):
                index = model.index(row, column)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = index.data(role)
                    if value is not None:
                        texts.append(str(value))
    return texts


def assert_no_canary_in_view(window) -> None:
    leaks = [
        f"{type(w).__name__}#{w.objectName()}"
        for w in QApplication.allWidgets()
        if any(CANARY_TOKEN in text for text in widget_texts(w))
    ]
    assert leaks == []
    assert CANARY_TOKEN not in window.windowTitle()
    assert CANARY_TOKEN not in window.statusBar().currentMessage()


def assert_clipboard_clean() -> None:
    text = QGuiApplication.clipboard().text()
    assert text and CANARY_TOKEN not in text


def launch_and_wait(qtbot, window, signal) -> None:
    with qtbot.waitSignal(signal, timeout=TIMEOUT_MS):
        window.launch()
    assert_no_canary_in_view(window)


def test_canary_token_never_leaves_the_keyring(
    qtbot, window_factory, app_paths, basedir, sandbox, canary_server, keyring_in_process, log_file
):
    ProfileStore(app_paths).add(Profile(
        name="Canary", api_url=canary_server.url, partner_id=canary_server.partner_id, kind="staging",
        retries=0, deadline=1.0))
    credentials = RunCredentials()
    credentials.set("Canary", CANARY_TOKEN)
    ProfileStore(app_paths).set_token_host("Canary", api_host(canary_server.url))
    assert credentials.persistent

    window, _profiles, catalog = featured(window_factory, app_paths, sandbox_target(sandbox), RunCredentials())
    history = window.features.history
    assert history.open_store()
    select(window, "Canary")

    # Launch succeeds: the canary really was the token sent.
    launch_and_wait(qtbot, window, window.controller.launch_finished)
    assert canary_server.requests_to("/api/session")[-1].query["HASH"] == [CANARY_TOKEN]
    qtbot.waitUntil(lambda: window.game_area.current_game() is not None)

    # API error (the server refuses), deadline, cancel.
    canary_server.script([(401, {}, {"error": {"code": "G.0", "message": "Could not authenticate"}})])
    launch_and_wait(qtbot, window, window.controller.launch_failed)
    canary_server.script(["hang"])
    launch_and_wait(qtbot, window, window.controller.launch_failed)
    assert "deadline" in window.status_label.text().lower() or "did not answer" in window.status_label.text().lower()
    canary_server.script(["hang"])
    sent = len(canary_server.requests_to("/api/session"))
    with qtbot.waitSignal(window.controller.launch_cancelled, timeout=TIMEOUT_MS):
        window.launch()
        qtbot.waitUntil(lambda: len(canary_server.requests_to("/api/session")) > sent, timeout=TIMEOUT_MS)
        window.cancel()
    assert_no_canary_in_view(window)

    # The live game list with the same token.
    with qtbot.waitSignal(catalog.catalog_replaced, timeout=TIMEOUT_MS):
        catalog.fetch()
    assert canary_server.requests_to("/api/gamelist")[-1].query["HASH"] == [CANARY_TOKEN]
    assert_no_canary_in_view(window)
    catalog.result_box.close()

    # Copy actions: request preview, history (request, cURL without token), game URL.
    window.preview.copy_button.click()
    assert_clipboard_clean()
    entries = history.store.search()
    assert len(entries) >= 4 and history.panel.select_entry(entries[-1].id)
    for button in (history.panel.copy_request_button, history.panel.curl_button, history.panel.copy_response_button):
        QGuiApplication.clipboard().clear()
        button.click()
        assert_clipboard_clean()
    window.game_area.current_game().copy_button.click()
    assert_clipboard_clean()

    # History export (Markdown and JSON), into the base directory so the scan sees it.
    for name in ("report.md", "report.json"):
        assert history.export_entry(entries[-1].id, basedir / name) is not None
    assert_no_canary_in_view(window)

    # Screen-share on and off.
    window.screen_share_action.trigger()
    assert_no_canary_in_view(window)
    window.screen_share_action.trigger()

    # An unexpected error that carries the token in its message and traceback.
    hooks = ExceptionHooks(window.show_unexpected_error)
    hooks.install(asyncio.get_event_loop())
    try:
        try:
            raise RuntimeError(f"boom while using {CANARY_TOKEN}")
        except RuntimeError as exc:
            hooks.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        hooks.uninstall()
        asyncio.get_event_loop().set_exception_handler(None)
    dialog = window._error_dialog
    assert dialog.isVisible() and "boom while using" in dialog.text()
    assert_no_canary_in_view(window)
    dialog.close()

    # Files: history database, catalog, profiles, window state, the log, the exports.
    window.close()
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert log_file.read_text(encoding="utf-8").count("launch") >= 4  # the log did see every flow
    assert (basedir / "report.md").is_file() and list(basedir.rglob("*.sqlite3"))
    assert files_containing(basedir, CANARY_TOKEN) == []
