"""``lm-console gui`` (the window) and ``lm-console capture`` (a screenshot of the
window after launching a game, offscreen when there is no display)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, overload

from console_app.cli.common import (
    RETRIES,
    SECONDS,
    add_request_options,
    add_target_options,
    open_target,
    request_from_args,
    settings_from_args,
    uses_sandbox,
)
from console_app.core.models import DEMO_PLAYER

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QWidget

    from console_app.core.devices import Device
    from console_app.core.errors import ConsoleError
    from console_app.core.models import ApiTarget, LaunchRequest, LaunchResult
    from console_app.ui.window.main_window import MainWindow
    from console_app.webengine.game_view import GameTab

#: Exit code when the game page does not finish loading in time.
EXIT_PAGE_NOT_LOADED = 5
#: The screen ``capture`` pretends to be on without a display (a common laptop).
DEFAULT_SCREEN = "1366x768"
#: The bottom panels ``capture --panel`` can show.
PANELS = ("request", "answer", "log", "history", "diagnostics")
#: Where ``capture --devtools`` docks DevTools (a window of its own is not in the shot).
DOCKED_DEVTOOLS = ("beside", "below")


def _add_qt_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-web-sandbox",
        action="store_true",
        help="run the game view without Chromium's sandbox (needed as root, e.g. in containers); "
        "a warning stays visible",
    )
    parser.add_argument(
        "--safe-rendering",
        action="store_true",
        help="software rendering (--disable-gpu) for broken graphics drivers; WebGL games may not work",
    )
    parser.add_argument(
        "--no-diagnostics",
        action="store_true",
        help="do not record game diagnostics (no script in the page, no reads of it); DevTools still works",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gui`` and ``capture`` to the ``lm-console`` parser."""
    gui = subparsers.add_parser(
        "gui",
        help="open the console window (embedded sandbox, demo player filled in)",
        description="Open the LuckyMonaco Test Console window against the embedded sandbox.",
    )
    _add_qt_options(gui)
    gui.set_defaults(handler=run_gui)

    capture = subparsers.add_parser(
        "capture",
        help="launch a game in the window and save a screenshot (works without a display)",
        description=(
            "Open the window (offscreen when there is no display), launch with the same options as "
            "'lm-console launch', wait until the game page has loaded, save a PNG of the whole "
            "window, and print the page title and the game URL (token hidden)."
        ),
    )
    capture.add_argument("--out", metavar="FILE.png", required=True, help="where to save the screenshot")
    add_target_options(capture)
    add_request_options(capture, required=False)
    capture.add_argument("--retries", metavar="N", type=RETRIES, help="retries for retryable failures (default 2)")
    capture.add_argument("--allow-invalid", action="store_true", help="send even when validation finds errors")
    capture.add_argument(
        "--timeout", metavar="S", type=SECONDS, default=30.0,
        help="seconds to wait for the answer and the game page together (default 30)",
    )
    capture.add_argument(
        "--screen-share", action="store_true",
        help="turn screen-share on first: player, session and partner IDs are masked in every view",
    )
    capture.add_argument(
        "--screen", metavar="WxH", default=None,
        help="size the window as on a screen this big (default: the display's screen; without a display "
             f"a {DEFAULT_SCREEN} laptop)",
    )
    capture.add_argument(
        "--presenter", action="store_true",
        help="presenter mode: only the game, full screen, IDs masked (as in a demo)",
    )
    capture.add_argument(
        "--device", metavar="NAME", default="desktop",
        help="show the game as on a device: desktop, phone-portrait, phone-landscape, tablet or WIDTHxHEIGHT",
    )
    capture.add_argument(
        "--panel", choices=PANELS, default="answer",
        help="the bottom panel to show in the screenshot (default answer)",
    )
    capture.add_argument(
        "--diagnostics", metavar="FILE.json", default=None,
        help="also write the game page's diagnostics (console, failed loads, timings, WebGL; URLs without "
             "their query, token hidden) as JSON",
    )
    capture.add_argument(
        "--devtools", choices=DOCKED_DEVTOOLS, default=None,
        help="open Chromium DevTools for the game, docked beside or below it, before the screenshot",
    )
    _add_qt_options(capture)
    capture.set_defaults(handler=run_capture)


def run_gui(args: argparse.Namespace) -> int:
    """``lm-console gui``: the window until it is closed."""
    from console_app.app import run_window
    from console_app.qtenv import QtOptions

    options = QtOptions(no_web_sandbox=args.no_web_sandbox, safe_rendering=args.safe_rendering)
    return run_window(args, options=options, demo=True, diagnostics=not args.no_diagnostics)


def run_capture(args: argparse.Namespace) -> int:
    """``lm-console capture``: launch, wait for the page, save the PNG, print title and URL."""
    from console_app.app import run_window
    from console_app.core import messages
    from console_app.core.devices import device_named
    from console_app.core.errors import InvalidInputError
    from console_app.core.validation import validate
    from console_app.qtenv import QtOptions

    try:
        device = device_named(args.device)
    except InvalidInputError as exc:
        raise InvalidInputError(f"--device: {exc}") from exc
    screen = _screen_size(args.screen)
    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".png":  # it is always a PNG: a .jpg or .txt name would lie
        raise InvalidInputError(f"--out: {out.name} is not a .png file name; the screenshot is a PNG")
    if out.parent and not out.parent.is_dir():
        raise InvalidInputError(f"--out: the folder {out.parent} does not exist; create it first")
    diagnostics = Path(args.diagnostics).expanduser() if args.diagnostics else None
    if diagnostics is not None and args.no_diagnostics:
        raise InvalidInputError("--diagnostics needs diagnostics on: drop --no-diagnostics or --diagnostics")
    if diagnostics is not None and diagnostics.parent and not diagnostics.parent.is_dir():
        raise InvalidInputError(f"--diagnostics: the folder {diagnostics.parent} does not exist; create it first")
    if args.devtools and (args.screen_share or args.presenter):
        # Chromium's DevTools cannot be masked: a masked shot never shows them.
        flag = "--screen-share" if args.screen_share else "--presenter"
        raise InvalidInputError(f"--devtools: {messages.DEVTOOLS_NOT_WHILE_SHARING} (drop --devtools or {flag})")
    request = request_from_args(args, defaults=DEMO_PLAYER if uses_sandbox(args) else None)
    problems = validate(request)
    for problem in problems:
        severity = "warning" if problem.severity == "warning" or args.allow_invalid else "error"
        print(f"lm-console: {severity}: {problem.field}: {problem.message}", file=sys.stderr)
    errors = [p for p in problems if p.severity == "error"]
    if errors and not args.allow_invalid:
        raise InvalidInputError(
            f"{len(errors)} field(s) invalid, nothing sent; fix them or add --allow-invalid to send anyway"
        )
    options = QtOptions(no_web_sandbox=args.no_web_sandbox, safe_rendering=args.safe_rendering, headless=True,
                        offscreen_screen=screen or _screen_size(DEFAULT_SCREEN))
    with open_target(args) as target:
        settings = settings_from_args(argparse.Namespace(retries=args.retries, timeout=None))

        async def session(window: MainWindow) -> int:
            window.controller.client_settings = settings
            return await capture(window, target, request, out, timeout=args.timeout,
                                 screen_share=args.screen_share, panel=args.panel, presenter=args.presenter,
                                 device=device, screen=screen, diagnostics=diagnostics, devtools=args.devtools)

        return run_window(
            args, options=options, demo=False, target_factory=lambda: target, session=session,
            remember=False, require_game_view=True, diagnostics=not args.no_diagnostics,
        )


async def capture(
    window: MainWindow, target: ApiTarget, request: LaunchRequest, out: Path, *, timeout: float,
    screen_share: bool = False, panel: str = "answer", presenter: bool = False, device: Device | None = None,
    screen: tuple[int, int] | None = None, diagnostics: Path | None = None, devtools: str | None = None,
) -> int:
    """Launch ``request`` in ``window``, wait for the game page, show ``panel``
    (under screen-share when asked) and DevTools docked at ``devtools`` (when given),
    save ``out`` (and the page's ``diagnostics``).

    Prints the page title and the redacted URL; returns the exit code (errors are
    one line on stderr).
    """
    import asyncio

    from console_app.core.messages import one_line
    from console_app.core.redaction import redact

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    if screen is not None or os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        from PySide6.QtCore import QRect

        width, height = screen or _screen_size(DEFAULT_SCREEN)
        window.fit_to(QRect(0, 0, width, height))
    window.add_target(target, select=True)
    window.form.set_request(request)
    window.set_screen_share(screen_share)
    if device is not None:
        window.device_selector.set_device(device)
    if presenter:
        window.presenter_mode.enter()
    outcome: asyncio.Future[LaunchResult | ConsoleError] = loop.create_future()
    loaded: asyncio.Future[tuple[GameTab, bool]] = loop.create_future()

    def settle[T](future: asyncio.Future[T], value: T) -> None:
        if not future.done():
            future.set_result(value)

    window.controller.launch_finished.connect(lambda result: settle(outcome, result))
    window.controller.launch_failed.connect(lambda error: settle(outcome, error))
    window.game_area.game_load_finished.connect(lambda tab, ok: settle(loaded, (tab, ok)))
    if window.launch(send_anyway=True) is None:
        print("lm-console: error: the window did not send the request (see the log)", file=sys.stderr)
        return 1
    try:
        answer = await asyncio.wait_for(outcome, max(0.1, deadline - loop.time()))
    except TimeoutError:
        window.cancel()
        print(f"lm-console: error: no answer within {timeout:g} s (--timeout); nothing captured", file=sys.stderr)
        return EXIT_PAGE_NOT_LOADED
    if isinstance(answer, Exception):
        print(f"lm-console: error: {one_line(answer)}", file=sys.stderr)
        return getattr(answer, "exit_code", 1)
    try:
        tab, ok = await asyncio.wait_for(loaded, max(0.1, deadline - loop.time()))
    except TimeoutError:
        print(
            f"lm-console: error: the game page did not finish loading within {timeout:g} s (--timeout); "
            "check that the game URL opens in a browser",
            file=sys.stderr,
        )
        return EXIT_PAGE_NOT_LOADED
    if not ok:
        print(
            f"lm-console: error: the game page failed to load ({redact(tab.url_field.text())}); "
            "check that the game server is reachable",
            file=sys.stderr,
        )
        return EXIT_PAGE_NOT_LOADED
    await wait_for_game_frame(window, tab, until=min(deadline, loop.time() + 5))
    if not presenter:
        if panel == "diagnostics" and tab.page.diagnostics is not None:
            await read_diagnostics(tab, until=deadline)  # the panel shows the page as it is now
        await show_panel(window, panel, until=deadline)
    if devtools is not None:
        await wait_for_frame(window, tab.open_devtools(devtools), until=min(deadline, loop.time() + 10),
                             what="DevTools")
    if not window.save_screenshot(out):
        print(f"lm-console: error: could not write {out}; check the folder is writable", file=sys.stderr)
        return 1
    print(f"page title: {redact(tab.page.title())}")
    print(f"game URL: {answer.redacted_url}")
    print(f"screenshot: {out}")
    if diagnostics is not None:
        if not await write_diagnostics(tab, diagnostics, until=deadline + 5):
            print(f"lm-console: error: could not write {diagnostics}; check the folder is writable", file=sys.stderr)
            return 1
        print(f"diagnostics: {diagnostics}")
    return 0


async def write_diagnostics(tab, path: Path, *, until: float) -> bool:
    """Read the page once more (bounded by ``until``), then write its diagnostics."""
    from console_app.core.paths import write_atomically

    collector = await read_diagnostics(tab, until=until)
    try:
        write_atomically(path, json.dumps(collector.record.to_dict(), indent=2, ensure_ascii=False) + "\n")
    except OSError:
        return False
    return True


async def read_diagnostics(tab, *, until: float):
    """Read ``tab``'s page once more (bounded by ``until``: what was collected so far
    stands); its diagnostics collector."""
    import asyncio

    collector = tab.page.diagnostics
    loop = asyncio.get_running_loop()
    read: asyncio.Future = loop.create_future()

    def on_read() -> None:
        if not read.done():
            read.set_result(None)

    collector.page_read.connect(on_read)
    collector.read_page()
    try:
        await asyncio.wait_for(read, max(0.1, until - loop.time()))
    except TimeoutError:
        pass  # what was collected so far is still worth writing
    finally:
        collector.page_read.disconnect(on_read)
    return collector


@overload
def _screen_size(text: str) -> tuple[int, int]: ...
@overload
def _screen_size(text: None) -> None: ...
def _screen_size(text: str | None) -> tuple[int, int] | None:
    """``"1366x768"`` as ``(1366, 768)``; None for None; one line for anything else."""
    from console_app.core.errors import InvalidInputError

    if text is None:
        return None
    width, sep, height = text.lower().replace("×", "x").partition("x")
    if not (sep and width.isdigit() and height.isdigit() and 320 <= int(width) <= 10000 and 240 <= int(height) <= 10000):
        raise InvalidInputError(f"--screen {text!r}: give WIDTHxHEIGHT in pixels, e.g. 1366x768")
    return int(width), int(height)


async def show_panel(window: MainWindow, panel: str, *, until: float) -> None:
    """Bring ``panel`` to the front of the drawer (History: with the newest entry open)."""
    import asyncio

    widgets = {"request": window.preview, "answer": window.answer_scroll, "log": window.log_panel}
    if panel == "diagnostics" and window.features is not None:
        window.features.diagnostics.diagnostics_action.trigger()
        return
    if panel != "history":
        window.show_panel(widgets[panel])
        return
    history = window.features.history if window.features is not None else None
    loop = asyncio.get_running_loop()
    while history is not None and history.panel is None and loop.time() < until:
        await asyncio.sleep(0.05)
    if history is None or history.panel is None:
        print("lm-console: warning: history is not available; showing the answer instead", file=sys.stderr)
        window.show_panel(window.answer_scroll)
        return
    history.panel.refresh()
    newest = history.panel.model.entry_at(0)
    if newest is not None:
        history.panel.select_entry(newest.id)
    history.show_history()


async def wait_for_game_frame(window: MainWindow, tab: GameTab, *, until: float) -> None:
    """Wait (bounded by ``until``) until the game's web view shows a drawn, settled frame."""
    await wait_for_frame(window, tab.view, until=until, what="the game view")


async def wait_for_frame(window: MainWindow, view: QWidget, *, until: float, what: str) -> None:
    """Wait (bounded by ``until``) until ``view`` shows a drawn, settled frame.

    Chromium paints a moment after ``loadFinished`` and the demo game lays out its
    reels in script, so an early grab is blank or half drawn: wait until the view
    has some colours and two grabs 100 ms apart are equal (or time runs out).
    """
    import asyncio

    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    previous = None
    while loop.time() < until:
        image = view.grab().toImage()
        if distinct_colours(image, limit=8) >= 8:
            if previous is not None and image == previous:
                return
            previous = image
        await asyncio.sleep(0.1)
    window.log_panel.text.appendPlainText(
        f"capture: {what} had not settled after {time.perf_counter() - start:.1f} s"
    )


def distinct_colours(image: QImage, *, limit: int = 64, step: int = 7) -> int:
    """How many different colours a sparse grid of ``image``'s pixels has (up to ``limit``)."""
    seen: set[int] = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
            if len(seen) >= limit:
                return len(seen)
    return len(seen)


def main(argv: list[str] | None = None) -> int:
    """``lm-console-gui``: the same as ``lm-console gui``."""
    from console_app.cli import main as cli_main

    return cli_main(["gui", *(argv if argv is not None else sys.argv[1:])])
