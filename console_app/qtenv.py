"""The Qt/Chromium environment of this process, decided by one pure function.

A leaf module: it imports nothing of the console's and nothing of Qt, so the app,
the CLI's self-check and the window can all use it without import cycles. The plan
must be applied before Qt is imported (Qt and Chromium read these variables once).
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

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
    #: The size of the screen Qt shows when it runs offscreen (``capture --screen``;
    #: Qt's own offscreen screen is 800×800, which no laptop has).
    offscreen_screen: tuple[int, int] | None = None


@dataclass(frozen=True)
class QtPlan:
    """The result of :func:`plan_qt`: what to put in the environment before Qt starts."""

    env: dict[str, str] = field(default_factory=dict)
    web_sandbox: WebSandbox = WebSandbox.ON
    #: One line saying why the window cannot start at all (then nothing else applies).
    error: str | None = None
    #: The offscreen screen's size, which :func:`prepare_qt` gives Qt in a config file.
    offscreen_screen: tuple[int, int] | None = None


#: Chromium's ``--log-level``: 3 is LOG_FATAL (0 info, 1 warning, 2 error).
CHROMIUM_LOG_LEVEL = 3


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
    if options.headless:
        # Chromium's own log lines (no D-Bus, WebGL blocklisted, …) go to stderr
        # unredacted and read like failures in what a capture, a suite or a self-check
        # prints: fatal ones only. A --log-level of the user's wins.
        wanted.append(f"--log-level={CHROMIUM_LOG_LEVEL}")
    present = {_flag_name(flag) for flag in existing}
    added = [flag for flag in wanted if _flag_name(flag) not in present]
    if added:
        env[CHROMIUM_FLAGS_ENV] = " ".join(existing + added)
    # Plain "offscreen" only: a platform string with options of its own is the user's.
    screen = options.offscreen_screen if platform == "offscreen" else None
    return QtPlan(env=env, web_sandbox=web_sandbox, offscreen_screen=screen)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def prepare_qt(options: QtOptions) -> QtPlan:
    """Apply :func:`plan_qt` for this process (environment variables) and return it."""
    import platform

    plan = plan_qt(options, os.environ, is_root=_is_root(), system=platform.system())
    if plan.error is None:
        os.environ.update(plan.env)
        if plan.offscreen_screen is not None:
            os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_offscreen_config(*plan.offscreen_screen)}"
    return plan


def _offscreen_config(width: int, height: int) -> str:
    """A config file for Qt's offscreen platform with one ``width`` × ``height``
    screen at 96 dpi; removed when the process exits."""
    import atexit
    import json
    import tempfile

    screen = {"name": "lm-console", "x": 0, "y": 0, "width": width, "height": height,
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    fd, path = tempfile.mkstemp(prefix="lm-console-screen-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"screens": [screen]}, handle)
    def remove() -> None:
        if os.path.exists(path):
            os.remove(path)

    atexit.register(remove)
    return path


def route_qt_messages() -> None:
    """Send Qt's own messages (qWarning and the like: "This plugin does not support
    propagateSizeHints()", "QRhiGles2: Failed to create context", …) to the
    ``console_app.qt`` logger instead of raw to stderr: into the file log and the Log
    tab, redacted like every other line; only Qt's critical and fatal ones reach
    stderr (as warnings and errors). Call before the QApplication exists."""
    import logging

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    log = logging.getLogger("console_app.qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.INFO,
        QtMsgType.QtCriticalMsg: logging.WARNING,
        QtMsgType.QtFatalMsg: logging.ERROR,
    }

    def handle(kind: QtMsgType, _context: object, message: str) -> None:
        log.log(levels.get(kind, logging.INFO), "%s", message)

    qInstallMessageHandler(handle)

