"""``lm-console --self-check``: is this installation (source tree or frozen bundle) able
to run the console?

It prints the app, Python, Qt, QtWebEngine and Chromium versions, the keyring backend,
the folders in use and whether Chromium's sandbox is on, then loads the embedded
sandbox's demo game in an offscreen web view. Each check ends in one line,
``OK``/``WARN``/``FAIL``/``SKIP`` + name + detail; the exit code is 0 when no check
failed, else 1 (a WARN, such as no keyring backend, leaves the app usable).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from console_app import APP_NAME, __version__
from console_app.core.paths import AppPaths, resources_dir

if TYPE_CHECKING:
    from console_app.qtenv import QtPlan
    from console_app.sandbox.server import SandboxServer

#: How long the keyring may take to answer one read before it counts as stuck.
KEYRING_DEADLINE_S = 5.0
#: How long the demo game page may take to load in the offscreen view.
PAGE_LOAD_DEADLINE_S = 30.0
#: A game every sandbox serves (it is in the bundled sample catalog).
PROBE_GAME_ID = "lm_8_treasureofzeus"


@dataclass(frozen=True)
class Check:
    """The outcome of one check: ``status`` is OK, WARN, FAIL or SKIP."""

    name: str
    status: str
    detail: str

    @property
    def failed(self) -> bool:
        return self.status == "FAIL"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """--self-check is a global flag; nothing to add here."""


def run_self_check(args: argparse.Namespace) -> int:
    """Run every check, print the report on stdout and return the exit code."""
    from console_app.qtenv import QtOptions, prepare_qt

    # Never show a window: the check must work over SSH, in CI and with no display.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    plan = prepare_qt(QtOptions(headless=True))  # the window's own sandbox/flags decision
    print(f"{APP_NAME} self-check")
    versions = _check_versions()
    checks = [versions, _check_paths(args.paths), _check_keyring()]
    sandbox = _check_web_sandbox(plan)
    checks.append(sandbox)
    if versions.failed:
        checks.append(_report(Check("web view", "SKIP", "not started: QtWebEngine is incomplete (see versions)")))
    elif sandbox.failed:
        checks.append(_report(Check("web view", "SKIP", "not started: see the web sandbox check")))
    else:
        checks.append(_check_web_view())
    failed = [check for check in checks if check.failed]
    if failed:
        print(f"self-check: {len(failed)} check(s) failed: {', '.join(c.name for c in failed)}",
              file=sys.stderr)
        return 1
    print("self-check: everything needed works")
    return 0


def _section(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n[{title}]")
    for label, value in rows:
        print(f"  {label:<16} {value}")


def _report(check: Check) -> Check:
    print(f"{check.status:<4} {check.name}: {check.detail}")
    return check


def _check_versions() -> Check:
    from console_app.webengine.probe import engine_files, engine_versions

    if getattr(sys, "frozen", False):
        install = f"PyInstaller bundle in {Path(sys.executable).parent}"
    else:
        install = f"Python package in {Path(__file__).resolve().parents[1]}"
    try:
        versions = engine_versions()
    except ImportError as exc:
        _section("versions", [("app", f"lm-console {__version__} ({install})")])
        return _report(Check("versions", "FAIL", f"cannot load Qt/QtWebEngine ({exc}); reinstall the app"))
    files = engine_files()
    _section("versions", [
        ("app", f"lm-console {__version__} ({install})"),
        ("python", f"{platform.python_version()} ({platform.python_implementation()}, {sys.executable})"),
        ("platform", platform.platform()),
        ("qt", f"{versions.qt} (PySide6 {versions.pyside})"),
        ("qtwebengine", versions.webengine),
        ("chromium", f"{versions.chromium} (security patches {versions.chromium_security_patch})"),
        *files.items(),
    ])
    missing = [f"{label} ({path})" for label, path in files.items() if not os.path.exists(path)]
    if missing:
        return _report(Check("versions", "FAIL", f"QtWebEngine files missing: {'; '.join(missing)}; reinstall the app"))
    return _report(Check("versions", "OK", f"Qt {versions.qt}, QtWebEngine {versions.webengine}"))


def _check_paths(paths: AppPaths) -> Check:
    folders = [
        ("config", paths.config_dir),
        ("data", paths.data_dir),
        ("cache", paths.cache_dir),
        ("logs", paths.log_dir),
    ]
    try:
        resources = str(resources_dir())
    except FileNotFoundError as exc:
        resources = f"missing: {exc}"
    _section("paths", [*((label, str(path)) for label, path in folders), ("resources", resources)])
    if resources.startswith("missing"):
        return _report(Check("paths", "FAIL", "the bundled resources folder is missing; reinstall the app"))
    try:
        paths.ensure()
    except OSError as exc:
        return _report(Check("paths", "FAIL", f"cannot create {exc.filename}: {exc.strerror}; "
                                              "choose writable folders with --basedir DIR"))
    unwritable = [str(path) for _label, path in folders if not os.access(path, os.W_OK)]
    if unwritable:
        return _report(Check("paths", "FAIL", f"not writable: {', '.join(unwritable)}; "
                                              "fix the permissions or use --basedir DIR"))
    return _report(Check("paths", "OK", "all folders exist and are writable"))


def _check_keyring() -> Check:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    kind = type(backend)
    _section("keyring", [
        ("backend", f"{backend.name} ({kind.__module__}.{kind.__qualname__})"),
        ("priority", str(backend.priority)),
    ])
    no_store = "partner tokens can be used for one run but not remembered"
    if isinstance(backend, fail.Keyring):
        return _report(Check("keyring", "WARN", f"no keyring backend found: {no_store}; "
                                                "start a Secret Service (e.g. gnome-keyring) or see the README"))
    answered, error = _within_deadline(
        lambda: backend.get_password("luckymonaco-console", "self-check"), KEYRING_DEADLINE_S
    )
    if not answered:
        return _report(Check("keyring", "WARN", f"the keyring did not answer within {KEYRING_DEADLINE_S:g} s "
                                                f"(locked?): {no_store} until it is unlocked"))
    if error is not None:
        return _report(Check("keyring", "WARN", f"the keyring failed to answer ({type(error).__name__}: "
                                                f"{error}): {no_store}"))
    return _report(Check("keyring", "OK", f"{backend.name} answers"))


def _within_deadline(call: Callable[[], object], deadline: float) -> tuple[bool, BaseException | None]:
    """Run ``call`` on a daemon thread (keyring calls have no timeout of their own):
    (finished in time, the exception it raised or None)."""
    done = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # reported to the user, not swallowed
            errors.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name="self-check-keyring", daemon=True).start()
    finished = done.wait(deadline)
    return finished, (errors[0] if errors else None)


def _check_web_sandbox(plan: QtPlan) -> Check:
    from console_app.qtenv import DISABLE_SANDBOX_ENV, WebSandbox

    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    _section("web sandbox", [
        ("running as root", "yes" if as_root else "no"),
        ("sandbox", plan.web_sandbox.value),
    ])
    if plan.web_sandbox is WebSandbox.BLOCKED_AS_ROOT:
        return _report(Check(
            "web sandbox", "FAIL",
            "running as root: Chromium will not start sandboxed as root, so the game view cannot "
            "start; run the console as a normal user, or (containers/CI only) opt out openly with "
            f"{DISABLE_SANDBOX_ENV}=1 (lm-console gui --no-web-sandbox for the window)",
        ))
    if plan.web_sandbox.disabled and not as_root:
        return _report(Check("web sandbox", "WARN",
                             f"Chromium's sandbox is OFF ({plan.web_sandbox.value}) although not running "
                             "as root; unset it unless you need it"))
    if plan.web_sandbox.disabled:
        return _report(Check("web sandbox", "OK", f"{plan.web_sandbox.value} (explicit opt-in, running as root)"))
    return _report(Check("web sandbox", "OK", "on"))


def _check_web_view() -> Check:
    """Start the embedded sandbox, ENTER the demo game and load it offscreen."""
    from console_app.sandbox.server import SandboxServer
    from console_app.webengine.probe import probe_page_load

    with SandboxServer() as server:
        _section("web view", [("sandbox API", server.url), ("page", "demo game, offscreen")])
        try:
            game_url = _enter_demo_game(server)
        except Exception as exc:  # whatever went wrong is this check's one-line reason
            return _report(Check("web view", "FAIL", f"the embedded sandbox gave no game URL "
                                                     f"({type(exc).__name__}: {exc})"))
        result = probe_page_load(game_url, timeout=PAGE_LOAD_DEADLINE_S)
    if not result.loaded:
        return _report(Check("web view", "FAIL", result.problem))
    return _report(Check("web view", "OK", f"demo game loaded in {result.seconds:.2f} s, title {result.title!r}"))


def _enter_demo_game(server: SandboxServer) -> str:
    """The game URL from ENTER on ``server``, through the console's own API client."""
    from console_app.cli.common import call_api
    from console_app.core.models import ApiTarget, ClientSettings, LaunchRequest, new_uuid
    from console_app.core.redaction import Secret

    target = ApiTarget(api_url=server.url, partner_id=server.partner_id, token=Secret(server.token))
    request = LaunchRequest(
        gameid=PROBE_GAME_ID, player_id="self-check", nickname="Self-check", language="en",
        currency="EUR", session_id=f"self-check-{new_uuid()}", ip="127.0.0.1",
    )
    result = call_api(ClientSettings(proxy="", retries=0), lambda session: session.client.enter(target, request))
    return result.game_url.reveal()
