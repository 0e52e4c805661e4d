"""Composition root of the window: Qt/Chromium settings, the QApplication on a qasync
loop, logging, the exception hooks, the one HTTP client and the embedded sandbox.

Start-up order (the window must paint fast; heavy modules load after first paint):

1. :func:`plan_qt` decides, purely from options and the environment, the variables Qt
   and Chromium read (web sandbox, safe rendering, offscreen) — before Qt is imported.
2. The QApplication (Fusion, OS colour scheme, system font) and the qasync loop.
3. The window shows and paints, then asyncio and qasync are imported and the
   features attached (:func:`console_app.ui.compose.attach_features`). Then, on the
   event loop: the embedded sandbox starts, the ``httpx.AsyncClient`` is built
   (~40 ms) and QtWebEngine is imported in the background.

QtWebEngine and the QApplication: PySide6 6.12's ``QtWebEngineWidgets`` imports and
runs fine *after* the QApplication exists (checked offscreen and under Xvfb), as long
as ``Qt.AA_ShareOpenGLContexts`` is set before the application is created, which Qt
documents as the requirement; so QtWebEngine is imported lazily, not at start-up.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console_app.core.paths import AppPaths
from console_app.qtenv import ROOT_MESSAGE, QtOptions, WebSandbox, prepare_qt, route_qt_messages

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from types import TracebackType

    from PySide6.QtCore import QLockFile
    from PySide6.QtWidgets import QApplication

    from console_app.core.models import ApiTarget
    from console_app.ui.window.main_window import MainWindow

log = logging.getLogger("console_app.app")

# --------------------------------------------------------------------------- logging


def configure_file_logging(paths: AppPaths) -> Path | None:
    """Log INFO and above to ``console.log`` in the log folder, redacted; ``None`` (and
    one warning) when the folder cannot be written, for the window runs without it."""
    from logging.handlers import RotatingFileHandler

    from console_app.core import messages
    from console_app.core.redaction import install_log_redaction

    root = logging.getLogger()
    root.setLevel(min(root.level or logging.INFO, logging.INFO))
    log_file = paths.log_dir / "console.log"
    if any(getattr(h, "baseFilename", None) == str(log_file) for h in root.handlers):
        install_log_redaction(root)
        return log_file
    try:
        paths.ensure()
        handler = RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError as exc:
        log.warning("%s", messages.log_not_written(paths.log_dir, exc))
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    # After addHandler: the filter goes on each handler, and this one takes INFO,
    # which the stderr handler's filter (WARNING and up) never sees first.
    install_log_redaction(root)
    return log_file


class EarlyRecords(logging.Handler):
    """Holds the records logged before the file log opens, which it does after the
    first paint (its module, folders and file cost ~8 ms the first paint need not
    wait for); :meth:`open_file_log` writes them to it, redacted like the rest."""

    LIMIT = 1000

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < self.LIMIT:
            self.records.append(record)

    @classmethod
    def install(cls) -> EarlyRecords:
        root = logging.getLogger()
        root.setLevel(min(root.level or logging.INFO, logging.INFO))
        for handler in [h for h in root.handlers if isinstance(h, EarlyRecords)]:
            root.removeHandler(handler)  # a run that ended before its file log opened
        early = cls()
        root.addHandler(early)
        return early

    def open_file_log(self, paths: AppPaths) -> Path | None:
        """Stop holding records, open the file log and write the held ones to it."""
        root = logging.getLogger()
        root.removeHandler(self)
        log_file = configure_file_logging(paths)
        handlers = [h for h in root.handlers if getattr(h, "baseFilename", None) == str(log_file)]
        for record in self.records if handlers else ():
            handlers[0].handle(record)
        self.records.clear()
        return log_file


# --------------------------------------------------------------------------- Qt set-up


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication: Fusion style, the OS light/dark scheme, the system font."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from console_app import APP_ID, APP_NAME

    existing = QApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    route_qt_messages()
    # Qt's documented requirement for loading QtWebEngine after the application exists.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    app.setStyle("Fusion")
    from console_app.ui.theme import apply_theme

    apply_theme(app)
    return app


class ExceptionHooks:
    """The one ``sys.excepthook`` and loop exception handler: log (redacted) and show a
    non-modal dialog; the app keeps running."""

    def __init__(self, show: Any) -> None:
        self._show = show
        self._previous = sys.excepthook

    def install(self, loop: Any) -> None:
        sys.excepthook = self.excepthook
        loop.set_exception_handler(self.loop_exception_handler)

    def uninstall(self) -> None:
        sys.excepthook = self._previous

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous(exc_type, exc, tb)
            return
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        self._safe_show(exc_type, exc, tb)

    def loop_exception_handler(self, loop: Any, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if exc is None:
            log.error("event loop: %s", context.get("message", "unknown problem"))
            return
        log.error("unexpected error in the event loop: %s", context.get("message", ""), exc_info=exc)
        self._safe_show(type(exc), exc, exc.__traceback__)

    def _safe_show(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        try:
            self._show(exc_type, exc, tb)
        except Exception:  # the error dialog itself failed: the log has the details
            log.exception("could not show the error dialog")


# --------------------------------------------------------------------------- running


@dataclass
class Services:
    """What the running window uses that lives longer than any one widget."""

    paths: AppPaths
    web_sandbox: WebSandbox
    started_at: float
    sandbox: Any = None  # console_app.sandbox.server.SandboxServer when embedded


#: Where the embedded sandbox's port is kept, so copied cURL lines and replays of
#: sandbox entries keep working after a restart.
SANDBOX_PORT_FILE = "sandbox.port"


def _start_embedded_sandbox(services: Services) -> ApiTarget:
    """Start the embedded sandbox on the port it had last time in this data folder
    (a new one when that port is taken, remembered from then on)."""
    from console_app.sandbox.server import SandboxServer

    port_file = services.paths.data_dir / SANDBOX_PORT_FILE
    try:
        wanted = int(port_file.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        wanted = 0
    server = None
    if 1024 <= wanted <= 65535:
        try:
            server = SandboxServer(port=wanted).start()
        except OSError as exc:
            log.info("sandbox port %s is taken (%s): using another one", wanted, exc.strerror or exc)
    if server is None:
        server = SandboxServer().start()
    services.sandbox = server
    if server.port != wanted:
        try:
            port_file.write_text(f"{server.port}\n", encoding="ascii")
        except OSError as exc:  # a read-only data folder: the port is new next time, that is all
            log.info("could not remember the sandbox port: %s", exc.strerror or exc)
    return server.api_target()


def _keep_locale_tables(paths: AppPaths) -> None:
    """The form's language and currency tables are kept in the cache folder between
    starts (~100 ms of pycountry and babel at every first paint otherwise)."""
    from console_app.core import locale_data

    locale_data.use_cache(paths.cache_dir / "locale-data.json")


def _build_window(services: Services, *, demo: bool, remember: bool, diagnostics: bool = True) -> MainWindow:
    """The window without its features: :func:`_attach_features` adds them once it
    has painted (their modules and widgets cost ~30 ms the first paint need not wait for)."""
    from console_app.ui.compose import new_window

    return new_window(services.paths, web_sandbox=services.web_sandbox, demo=demo, remember=remember,
                      diagnostics=diagnostics)


def _attach_features(window: MainWindow, services: Services) -> None:
    from console_app.ui.compose import attach_features

    attach_features(window, services.paths)


def _skip_httpx_cli() -> None:
    """httpx imports its own command-line tool (click, rich, pygments: ~100 ms, half
    of importing httpx) whenever those are installed, as import-linter installs them
    in the dev venv and a bundle built from it would carry them. The window never runs
    that tool; marking the module missing makes httpx skip it (documented import
    behaviour: a ``None`` in ``sys.modules`` raises ImportError)."""
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def _after_first_paint(window: MainWindow, services: Services, target_factory: Callable[[], ApiTarget]) -> None:
    """Work deferred until the window has painted: the target and the HTTP client."""
    from PySide6.QtCore import QTimer

    _skip_httpx_cli()

    def start_target() -> None:
        window.add_target(target_factory(), select=True)

    QTimer.singleShot(0, start_target)
    QTimer.singleShot(0, window.controller.ensure_http_client)
    # QtWebEngine is not preloaded here: it costs ~30 MB while idle. The window loads
    # it when a launch starts, while the request is on the wire.


#: How long the start waits for the window's first paint before it starts the loop
#: anyway (a window that is never exposed, say on a hidden workspace, never paints).
FIRST_PAINT_WAIT_MS = 2000


def _wait_for_first_paint(window: MainWindow) -> None:
    """Run Qt's own event loop until ``window`` has painted once (or the wait ends)."""
    from PySide6.QtCore import QEventLoop, QTimer

    if window.first_paint_at is not None:
        return
    waiting = QEventLoop()
    window.painted.connect(waiting.quit)
    QTimer.singleShot(FIRST_PAINT_WAIT_MS, waiting.quit)
    waiting.exec()
    window.painted.disconnect(waiting.quit)


def run_window(
    args: argparse.Namespace,
    *,
    options: QtOptions,
    demo: bool,
    target_factory: Callable[[], ApiTarget] | None = None,
    session: Any = None,
    remember: bool = True,
    require_game_view: bool = False,
    diagnostics: bool = True,
) -> int:
    """Start Qt, show the window and run until it closes (or ``session`` finishes).

    ``target_factory`` gives the API target (default: the embedded sandbox, started
    after first paint). ``session`` is an optional coroutine function taking the
    window; when given, the app runs until it returns and exits with its result.
    ``diagnostics=False`` turns game diagnostics off (``--no-diagnostics``).
    """
    started_at = time.perf_counter()
    plan = prepare_qt(options)
    if plan.error:
        print(f"lm-console: error: {plan.error}", file=sys.stderr)
        return 1
    if require_game_view and not plan.web_sandbox.can_show_games:
        print(f"lm-console: error: {ROOT_MESSAGE}", file=sys.stderr)
        return 2
    paths: AppPaths = args.paths
    early_records = EarlyRecords.install()
    _keep_locale_tables(paths)
    lock: QLockFile | None = None
    if remember:
        # One window per data folder: two would both write history and window state.
        held = _lock_data_folder(paths)
        if isinstance(held, str):
            print(f"lm-console: error: {held}", file=sys.stderr)
            early_records.open_file_log(paths)
            return 2  # local state in use: as the README's exit codes say
        lock = held

    app = create_application()
    # The loop below ends the app when the window closes, after a clean shutdown;
    # Qt quitting on its own would stop the loop with tasks still pending.
    app.setQuitOnLastWindowClosed(False)
    services = Services(paths=paths, web_sandbox=plan.web_sandbox, started_at=started_at)
    window = _build_window(services, demo=demo, remember=remember, diagnostics=diagnostics)
    hooks = ExceptionHooks(window.show_unexpected_error)
    log.info("starting; web sandbox %s", plan.web_sandbox.value)
    if target_factory is None:
        target_factory = lambda: _start_embedded_sandbox(services)  # noqa: E731
    window.first_painted.connect(
        lambda: log.info("first paint after %.0f ms", (time.perf_counter() - started_at) * 1000)
    )
    window.first_painted.connect(lambda: _after_first_paint(window, services, target_factory))
    # Paint first, then start asyncio (its import and qasync's: ~30 ms the first
    # paint need not wait for); the first-paint work runs once the loop exists.
    window.hold_first_paint = True
    window.show()
    _wait_for_first_paint(window)
    log_file = early_records.open_file_log(paths)
    if log_file is not None:
        log.info("log file %s", log_file)

    import asyncio

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    hooks.install(loop)
    # The features (profiles, catalog, history, …) join before the first-paint work,
    # which they take part in; their menus, buttons and tabs show a frame later.
    _attach_features(window, services)
    window.release_first_paint()

    result = 0
    restore_signals = _close_on_signals(window)
    try:
        with loop:
            if session is not None:
                result = loop.run_until_complete(session(window))
                window.close()
            else:
                closed = asyncio.Event()
                window.closed.connect(closed.set)
                try:
                    loop.run_until_complete(closed.wait())
                except RuntimeError:
                    if closed.is_set():
                        raise
                    # Qt was told to quit without the window closing (QtWebEngine's
                    # Chromium answers SIGTERM so): close it as its ✕ does.
                    log.info("asked to quit: closing the window")
                    window.close()
            loop.run_until_complete(window.shutdown())
    finally:
        restore_signals()
        hooks.uninstall()
        if services.sandbox is not None:
            services.sandbox.stop()
        if lock is not None:
            lock.unlock()
    return int(result or 0)


def _close_on_signals(window: MainWindow) -> Callable[[], None]:
    """SIGTERM (a logout, ``kill``) and SIGINT (Ctrl+C in the terminal) close the
    window as its ✕ does: window state kept, a launch in flight recorded as abandoned.
    Without this SIGTERM ended the process on the spot and Ctrl+C raised
    KeyboardInterrupt wherever Python was. Qt's loop runs no Python while it waits, so
    the signal also writes to a socket Qt watches (``signal.set_wakeup_fd``). Returns
    what puts the previous handlers back."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier, QTimer

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    try:
        previous_fd = signal.set_wakeup_fd(writer.fileno())
    except ValueError:  # not the main thread: leave the signals alone
        reader.close()
        writer.close()
        return lambda: None
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, window)

    def drain() -> None:
        try:
            reader.recv(512)
        except OSError:
            pass

    notifier.activated.connect(drain)

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("%s received: closing the window", signal.Signals(signum).name)
        QTimer.singleShot(0, window.close)

    signals = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, on_signal) for sig in signals}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(previous_fd)
        notifier.setEnabled(False)
        reader.close()
        writer.close()

    return restore


#: The lock file that keeps a second window off the same data folder.
WINDOW_LOCK = "window.lock"


def _lock_data_folder(paths: AppPaths) -> QLockFile | str | None:
    """The held :class:`QLockFile` of ``paths``' data folder, the one line saying
    why another window has it (a lock left by a killed process is taken over), or
    ``None`` when the folder cannot be written at all (nothing to guard)."""
    from PySide6.QtCore import QLockFile

    from console_app.core import messages

    try:
        paths.ensure()
    except OSError:
        pass  # the lock below fails too, and says so
    lock = QLockFile(str(paths.data_dir / WINDOW_LOCK))
    lock.setStaleLockTime(0)  # stale only when its process is gone
    if lock.tryLock(100):
        return lock
    if lock.error() != QLockFile.LockError.LockFailedError:
        # Not held by another window: the folder cannot be written (read-only, full).
        # Nothing is saved there, so two windows cannot clash: run without the lock.
        log.warning("%s", messages.data_folder_not_locked(paths.data_dir))
        return None
    # PySide6 answers (pid, host name, app name); an empty tuple when it cannot read them.
    info = lock.getLockInfo()
    pid = info[0] if info else "?"
    return (f"another console window (pid {pid}) already has the data folder {paths.data_dir} open; "
            "switch to it, or start this one with --basedir DIR for a separate folder")


__all__ = [
    "ExceptionHooks",
    "configure_file_logging",
    "create_application",
    "run_window",
]
