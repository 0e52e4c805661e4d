"""``lm-console gui`` (the window) and ``lm-console capture`` (a screenshot of the
window after launching a game, offscreen when there is no display)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from console_app.cli.common import (
    DEMO_PLAYER,
    RETRIES,
    SECONDS,
    add_request_options,
    add_target_options,
    open_target,
    request_from_args,
    settings_from_args,
    uses_sandbox,
)

if TYPE_CHECKING:
    from console_app.core.models import ApiTarget, LaunchRequest
    from console_app.ui.main_window import MainWindow

#: Exit code when the game page does not finish loading in time.
EXIT_PAGE_NOT_LOADED = 5


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


def register(subparsers: argparse._SubParsersAction) -> None:
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
    _add_qt_options(capture)
    capture.set_defaults(handler=run_capture)


def run_gui(args: argparse.Namespace) -> int:
    """``lm-console gui``: the window until it is closed."""
    from console_app.app import QtOptions, run_window

    options = QtOptions(no_web_sandbox=args.no_web_sandbox, safe_rendering=args.safe_rendering)
    return run_window(args, options=options, demo=True)


def run_capture(args: argparse.Namespace) -> int:
    """``lm-console capture``: launch, wait for the page, save the PNG, print title and URL."""
    from console_app.app import QtOptions, run_window
    from console_app.core.errors import InvalidInputError
    from console_app.core.validation import validate

    out = Path(args.out).expanduser()
    if out.parent and not out.parent.is_dir():
        raise InvalidInputError(f"--out: the folder {out.parent} does not exist; create it first")
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
    options = QtOptions(no_web_sandbox=args.no_web_sandbox, safe_rendering=args.safe_rendering, headless=True)
    with open_target(args) as target:
        settings = settings_from_args(argparse.Namespace(retries=args.retries, timeout=None))

        async def session(window: "MainWindow") -> int:
            window.controller.client_settings = settings
            return await capture(window, target, request, out, timeout=args.timeout)

        return run_window(
            args, options=options, demo=False, target_factory=lambda: target, session=session,
            remember=False, require_game_view=True,
        )


async def capture(
    window: "MainWindow", target: "ApiTarget", request: "LaunchRequest", out: Path, *, timeout: float
) -> int:
    """Launch ``request`` in ``window``, wait for the game page, save ``out``.

    Prints the page title and the redacted URL; returns the exit code (errors are
    one line on stderr).
    """
    from console_app.core.messages import one_line
    from console_app.core.redaction import redact

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    window.add_target(target, select=True)
    window.form.set_request(request)
    outcome: asyncio.Future = loop.create_future()
    loaded: asyncio.Future = loop.create_future()

    def settle(future: asyncio.Future, value) -> None:
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
    if not window.save_screenshot(out):
        print(f"lm-console: error: could not write {out}; check the folder is writable", file=sys.stderr)
        return 1
    print(f"page title: {redact(tab.page.title())}")
    print(f"game URL: {answer.redacted_url}")
    print(f"screenshot: {out}")
    return 0


async def wait_for_game_frame(window: "MainWindow", tab, *, until: float) -> None:
    """Wait (bounded by ``until``) until the web view shows a drawn, settled frame.

    Chromium paints a moment after ``loadFinished`` and the demo game lays out its
    reels in script, so an early grab is blank or half drawn: wait until the view
    has some colours and two grabs 100 ms apart are equal (or time runs out).
    """
    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    previous = None
    while loop.time() < until:
        image = tab.view.grab().toImage()
        if distinct_colours(image, limit=8) >= 8:
            if previous is not None and image == previous:
                return
            previous = image
        await asyncio.sleep(0.1)
    window.log_panel.text.appendPlainText(
        f"capture: the game view had not settled after {time.perf_counter() - start:.1f} s"
    )


def distinct_colours(image, *, limit: int = 64, step: int = 7) -> int:
    """How many different colours a sparse grid of ``image``'s pixels has (up to ``limit``)."""
    seen: set[int] = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
            if len(seen) >= limit:
                return len(seen)
    return len(seen)
