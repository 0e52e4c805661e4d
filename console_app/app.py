"""Composition root of the window: Qt/Chromium settings, the QApplication on a qasync
loop, logging, the exception hooks, the one HTTP client and the embedded sandbox.

Start-up order (the window must paint fast; heavy modules load after first paint):

1. :func:`plan_qt` decides, purely from options and the environment, the variables Qt
   and Chromium read (web sandbox, safe rendering, offscreen) — before Qt is imported.
2. The QApplication (Fusion, OS colour scheme, system font) and the qasync loop.
3. The window shows. Then, on the event loop: the embedded sandbox starts, the
   ``httpx.AsyncClient`` is built (~40 ms) and QtWebEngine is imported in the
   background.

QtWebEngine and the QApplication: PySide6 6.12's ``QtWebEngineWidgets`` imports and
runs fine *after* the QApplication exists (checked offscreen and under Xvfb), as long
as ``Qt.AA_ShareOpenGLContexts`` is set before the application is created, which Qt
documents as the requirement; so QtWebEngine is imported lazily, not at start-up.
"""

from __future__ import annotations

import enum
import logging
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console_app.core.paths import AppPaths

if TYPE_CHECKING:
    import argparse

    from PySide6.QtWidgets import QApplication

    from console_app.core.models import ApiTarget
    from console_app.ui.main_window import MainWindow

log = logging.getLogger("console_app.app")

#: Qt's own switch for running Chromium without its sandbox.
DISABLE_SANDBOX_ENV = "QTWEBENGINE_DISABLE_SANDBOX"
CHROMIUM_FLAGS_ENV = "QTWEBENGINE_CHROMIUM_FLAGS"

NO_DISPLAY_MESSAGE = (
    "no display found (DISPLAY/WAYLAND_DISPLAY unset): use `lm-console capture --out shot.png` "
    "for a screenshot, or set QT_QPA_PLATFORM=offscreen"
)
ROOT_MESSAGE = (
    "running as root, Chromium cannot start its web sandbox: add --no-web-sandbox "
    f"(or set {DISABLE_SANDBOX_ENV}=1) to run the game view without it, or run as a normal user"
)


class WebSandbox(enum.Enum):
    """Whether Chromium's sandbox protects the game view, and why not."""

    ON = "on"
    OFF_BY_OPTION = "off by --no-web-sandbox"
    OFF_BY_ENVIRONMENT = f"off by {DISABLE_SANDBOX_ENV}=1"
    #: Running as root without an opt-in: starting Chromium would exit the process.
    BLOCKED_AS_ROOT = "blocked as root"

    @property
    def can_show_games(self) -> bool:
        return self is not WebSandbox.BLOCKED_AS_ROOT

    @property
    def disabled(self) -> bool:
        return self in (WebSandbox.OFF_BY_OPTION, WebSandbox.OFF_BY_ENVIRONMENT)


@dataclass(frozen=True)
class QtOptions:
    """What the user asked for on the command line."""

    no_web_sandbox: bool = False
    #: Software rendering (``--disable-gpu``): for broken GPU drivers; breaks WebGL.
    safe_rendering: bool = False
    #: A screenshot run (``capture``): without a display, Qt runs offscreen.
    headless: bool = False


@dataclass(frozen=True)
class QtPlan:
    """The result of :func:`plan_qt`: what to put in the environment before Qt starts."""

    env: dict[str, str] = field(default_factory=dict)
    web_sandbox: WebSandbox = WebSandbox.ON
    #: One line saying why the window cannot start at all (then nothing else applies).
    error: str | None = None


def _flag_name(flag: str) -> str:
    return flag.split("=", 1)[0]


def plan_qt(options: QtOptions, environ: Mapping[str, str], *, is_root: bool, system: str) -> QtPlan:
    """Decide the Qt/Chromium environment from the options, the current environment,
    whether the process runs as root and the OS name (``platform.system()``).

    Pure: reads nothing else and changes nothing; the caller applies ``env``.
    The user's own ``QTWEBENGINE_CHROMIUM_FLAGS`` are kept; ours are added once.
    """
    env: dict[str, str] = {}
    platform = environ.get("QT_QPA_PLATFORM", "")
    if system == "Linux" and not platform and not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        if not options.headless:
            return QtPlan(error=NO_DISPLAY_MESSAGE)
        platform = "offscreen"
        env["QT_QPA_PLATFORM"] = platform

    if options.no_web_sandbox:
        web_sandbox = WebSandbox.OFF_BY_OPTION
        env[DISABLE_SANDBOX_ENV] = "1"
    elif DISABLE_SANDBOX_ENV in environ:
        # QtWebEngine only asks whether the variable is set: "0" or "" disable the
        # sandbox just the same, so the window must say so too.
        web_sandbox = WebSandbox.OFF_BY_ENVIRONMENT
    elif is_root:
        web_sandbox = WebSandbox.BLOCKED_AS_ROOT
    else:
        web_sandbox = WebSandbox.ON

    existing = environ.get(CHROMIUM_FLAGS_ENV, "").split()
    wanted: list[str] = []
    if options.safe_rendering:
        wanted.append("--disable-gpu")
    if platform == "offscreen":
        # Containers often have a tiny /dev/shm, which breaks page loads.
        wanted.append("--disable-dev-shm-usage")
    present = {_flag_name(flag) for flag in existing}
    added = [flag for flag in wanted if _flag_name(flag) not in present]
    if added:
        env[CHROMIUM_FLAGS_ENV] = " ".join(existing + added)
    return QtPlan(env=env, web_sandbox=web_sandbox)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def prepare_qt(options: QtOptions) -> QtPlan:
    """Apply :func:`plan_qt` for this process (environment variables) and return it."""
    import platform

    plan = plan_qt(options, os.environ, is_root=_is_root(), system=platform.system())
    if plan.error is None:
        os.environ.update(plan.env)
    return plan


# --------------------------------------------------------------------------- logging


def configure_file_logging(paths: AppPaths) -> Path:
    """Log INFO and above to ``console.log`` in the log folder, redacted."""
    from logging.handlers import RotatingFileHandler

    from console_app.core.redaction import install_log_redaction

    paths.ensure()
    log_file = paths.log_dir / "console.log"
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(log_file) for h in root.handlers):
        handler = RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(min(root.level or logging.INFO, logging.INFO))
    install_log_redaction(root)
    return log_file


# --------------------------------------------------------------------------- Qt set-up


def create_application(argv: list[str] | None = None) -> "QApplication":
    """The QApplication: Fusion style, the OS light/dark scheme, the system font."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from console_app import APP_ID, APP_NAME

    existing = QApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
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

    def excepthook(self, exc_type, exc, tb) -> None:
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

    def _safe_show(self, exc_type, exc, tb) -> None:
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


def _start_embedded_sandbox(services: Services) -> "ApiTarget":
    from console_app.sandbox.server import SandboxServer

    services.sandbox = SandboxServer().start()
    return services.sandbox.api_target()


def _build_window(services: Services, *, demo: bool, remember: bool) -> "MainWindow":
    from console_app.ui.history_feature import HistoryFeature
    from console_app.ui.main_window import MainWindow
    from console_app.ui.support_feature import SupportFeature

    from console_app.ui.catalog_feature import CatalogFeature, picker_factory
    from console_app.ui.profiles_feature import ProfilesFeature

    window = MainWindow(paths=services.paths, web_sandbox=services.web_sandbox, demo=demo, remember=remember,
                        game_picker_factory=picker_factory(services.paths))
    # Owned by the window (Qt parent): history opens its store after first paint.
    SupportFeature(window, history=HistoryFeature(window))
    # Profiles first: the catalog follows the profile it selects. The keyring probe
    # (D-Bus, maybe a locked keyring) waits until the window has painted.
    profiles = ProfilesFeature(window, services.paths)
    CatalogFeature(window, services.paths)
    window.first_painted.connect(profiles.check_keyring)
    return window


def _set_application_version() -> None:
    from PySide6.QtWidgets import QApplication

    from console_app import __version__

    QApplication.setApplicationVersion(__version__)


def _after_first_paint(window: "MainWindow", services: Services, target_factory) -> None:
    """Work deferred until the window has painted: the target and the HTTP client."""
    from PySide6.QtCore import QTimer

    def start_target() -> None:
        window.add_target(target_factory(), select=True)

    QTimer.singleShot(0, start_target)
    QTimer.singleShot(0, window.controller.ensure_http_client)
    QTimer.singleShot(0, _set_application_version)
    # QtWebEngine is not preloaded here: it costs ~30 MB while idle. The window loads
    # it when a launch starts, while the request is on the wire.


def run_window(
    args: "argparse.Namespace",
    *,
    options: QtOptions,
    demo: bool,
    target_factory=None,
    session: Any = None,
    remember: bool = True,
    require_game_view: bool = False,
) -> int:
    """Start Qt, show the window and run until it closes (or ``session`` finishes).

    ``target_factory`` gives the API target (default: the embedded sandbox, started
    after first paint). ``session`` is an optional coroutine function taking the
    window; when given, the app runs until it returns and exits with its result.
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
    log_file = configure_file_logging(paths)

    import asyncio

    import qasync

    app = create_application()
    # The loop below ends the app when the window closes, after a clean shutdown;
    # Qt quitting on its own would stop the loop with tasks still pending.
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    services = Services(paths=paths, web_sandbox=plan.web_sandbox, started_at=started_at)
    window = _build_window(services, demo=demo, remember=remember)
    hooks = ExceptionHooks(window.show_unexpected_error)
    hooks.install(loop)
    log.info("starting; log file %s; web sandbox %s", log_file, plan.web_sandbox.value)
    if target_factory is None:
        target_factory = lambda: _start_embedded_sandbox(services)  # noqa: E731
    window.first_painted.connect(
        lambda: log.info("first paint after %.0f ms", (time.perf_counter() - started_at) * 1000)
    )
    window.first_painted.connect(lambda: _after_first_paint(window, services, target_factory))
    window.show()

    result = 0
    try:
        with loop:
            if session is not None:
                result = loop.run_until_complete(session(window))
                window.close()
            else:
                closed = asyncio.Event()
                window.closed.connect(closed.set)
                loop.run_until_complete(closed.wait())
            loop.run_until_complete(window.shutdown())
    finally:
        hooks.uninstall()
        if services.sandbox is not None:
            services.sandbox.stop()
    return int(result or 0)


def main(argv: list[str] | None = None) -> int:
    """``lm-console-gui``: the same as ``lm-console gui``."""
    from console_app.cli import main as cli_main

    return cli_main(["gui", *(argv if argv is not None else sys.argv[1:])])


__all__ = [
    "ExceptionHooks",
    "QtOptions",
    "QtPlan",
    "WebSandbox",
    "configure_file_logging",
    "create_application",
    "main",
    "plan_qt",
    "prepare_qt",
    "run_window",
]
