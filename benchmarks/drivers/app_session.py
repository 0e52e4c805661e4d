"""Run the real ``lm-console --basedir DIR gui`` with a scripted session.

``run_window``'s own ``session`` (and, for launches, ``target_factory``) parameters
carry the script, so everything else is the user's entry point: argument parsing,
logging, plan_qt, the QApplication, qasync, the window, the deferred start-up work.

Scenarios (first argument):

- ``startup``: report first paint and event-loop idle (after the deferred start-up
  work: sandbox, HTTP client, QtWebEngine import), both from the parent's spawn
  time, and the RSS at idle; then quit.
- ``launch``: launch overhead against raw httpx on the same loop, and the largest
  tick gap with 50 launches in flight and while a 5 MB answer is shown.
- ``memory``: PSS with one game open, and RSS/PSS after each of N launches.
- ``frames``: launch -> first frame of the game tab, interleaved with headless
  Chromium (``--chromium PATH``) loading a fresh URL of the same sandbox game; with
  ``--no-diagnostics`` the pages record no diagnostics.

"First frame", the same for both: the demo page (served by the sandbox with one
extra same-origin script, :data:`FRAME_SCRIPT`) asks for a second
``requestAnimationFrame`` inside its first one, i.e. once the first frame with the
page's content has been produced, and then POSTs :data:`FRAME_PATH`; the sandbox
stamps its arrival. App: Launch triggered -> that arrival. Chromium: its process
spawned -> that arrival.
"""

from __future__ import annotations

import time

DRIVER_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks.drivers.protocol import report, rss_mb_of_self, spawn_time, web_sandbox_args  # noqa: E402

T0 = spawn_time()


# --------------------------------------------------------------------------- start-up


async def startup_session(window: Any, options: argparse.Namespace) -> int:
    from benchmarks.drivers.qt_tools import signal_future, until, zero_tick

    first_paint = window.first_paint_at
    if first_paint is None:
        await signal_future(window.first_painted)
        first_paint = window.first_paint_at
    # The deferred start-up work (app._after_first_paint) is queued at once, the
    # target first: once it is there, two more turns of the queue pass the rest.
    await until(lambda: window.environment.current_target() is not None)
    await zero_tick()
    await zero_tick()
    idle = time.perf_counter()
    report({
        "first_paint_s": first_paint - T0,
        "idle_s": idle - T0,
        "interpreter_s": DRIVER_START - T0,
        "rss_mb": rss_mb_of_self(),
        "modules": len(sys.modules),
        "webengine_loaded": "PySide6.QtWebEngineWidgets" in sys.modules,
    })
    return 0


# --------------------------------------------------------------------------- launches


#: The beacon the game page sends once its first frame is out, and the script that sends it.
FRAME_PATH = "/bench/frame"
FRAME_SCRIPT = "bench-frame.js"
_FRAME_JS = ("requestAnimationFrame(function () { requestAnimationFrame(function () {"
             f" fetch('{FRAME_PATH}', {{method: 'POST'}}).catch(function () {{}}); }}); }});")


def _serve_frame_beacon() -> None:
    """Game pages end with ``<script src=FRAME_SCRIPT>`` (same origin, so the page's
    CSP allows it), served from the sandbox's static files."""
    from console_app.sandbox import pages

    if getattr(pages.game_page, "_bench_frame", False):
        return
    original_page, original_static = pages.game_page, pages.static_file

    def game_page(*args, **kwargs):
        html = original_page(*args, **kwargs)
        return html.replace("</body>", f'<script src="/game/static/{FRAME_SCRIPT}"></script></body>', 1)

    def static_file(name):
        if name == FRAME_SCRIPT:
            return _FRAME_JS.encode(), "text/javascript; charset=utf-8"
        return original_static(name)

    game_page._bench_frame = True  # type: ignore[attr-defined]
    pages.game_page, pages.static_file = game_page, static_file


class TimedSandbox:
    """The reference sandbox with server-side timestamps: when each request was read
    (``arrivals``) and when each answer finished writing (``sent``)."""

    def __init__(self) -> None:
        from console_app.sandbox import server as server_module

        _serve_frame_beacon()

        class _Sandbox(server_module.SandboxServer):
            def _record(inner, request) -> None:  # noqa: N805
                inner.arrivals.append((time.perf_counter(), request.path))
                super()._record(request)

        handler = server_module._Handler
        original_send = handler._send
        if not getattr(original_send, "_bench_timed", False):
            def timed_send(self, response, *, drip=None):
                original_send(self, response, drip=drip)
                sent = getattr(self.sandbox, "sent", None)
                if sent is not None:
                    sent.append((time.perf_counter(), self.path.split("?", 1)[0]))

            timed_send._bench_timed = True  # type: ignore[attr-defined]
            handler._send = timed_send
        self.server = _Sandbox()
        self.server.arrivals = []
        self.server.sent = []
        self.server.start()

    def target(self):
        from console_app.core.models import ApiTarget
        from console_app.core.redaction import Secret

        return ApiTarget(api_url=self.server.url, partner_id=self.server.partner_id,
                         token=Secret(self.server.token), profile_name="Sandbox", profile_kind="sandbox")

    def arrival_after(self, t: float, path: str = "/api/session") -> float:
        return next(at for at, p in self.server.arrivals if at >= t and p == path)

    async def frame_after(self, t: float, timeout: float = 30) -> float:
        """When the first frame beacon after ``t`` arrived (waiting for it)."""
        from benchmarks.drivers.qt_tools import until

        await until(lambda: any(at >= t and p == FRAME_PATH for at, p in self.server.arrivals), timeout=timeout)
        return self.arrival_after(t, FRAME_PATH)

    def last_sent_before(self, t: float, path: str = "/api/session") -> float:
        return max(at for at, p in self.server.sent if at <= t and p == path)


class RawClient:
    """The baseline: a plain ``httpx.AsyncClient`` POSTing the same ENTER body."""

    def __init__(self, sandbox: TimedSandbox, request: Any) -> None:
        import httpx

        self.http = httpx.AsyncClient(timeout=30)
        self.sandbox = sandbox
        self.request = request

    async def post(self) -> dict:
        from console_app.core.models import new_uuid

        server = self.sandbox.server
        response = await self.http.post(
            f"{server.url}/api/session",
            params={"MEMB_ID": server.partner_id, "HASH": server.token},
            content=json.dumps(self.request.body(new_uuid())).encode(),
            headers={"Content-Type": "application/json", "Accept-Encoding": "identity"},
        )
        return response.json()


async def app_launch(window: Any, sandbox: TimedSandbox, *, close: bool = True) -> dict[str, float]:
    """One launch through the window's Launch action; times from click to the request
    arriving, and from the answer sent to the game tab created."""
    import asyncio

    from benchmarks.drivers.qt_tools import signal_future, until

    finished = asyncio.get_running_loop().create_future()

    # Connected after the window's own slot, so it runs once the tab exists.
    def on_finished(result: Any) -> None:
        if not finished.done():
            finished.set_result(time.perf_counter())

    def on_failed(error: Any) -> None:
        if not finished.done():
            finished.set_exception(RuntimeError(f"launch failed: {error}"))

    window.controller.launch_finished.connect(on_finished)
    window.controller.launch_failed.connect(on_failed)
    loaded = signal_future(window.game_area.game_load_finished)
    try:
        click = time.perf_counter()
        window.launch_action.trigger()
        tab_created = await asyncio.wait_for(finished, 30)
    finally:
        window.controller.launch_finished.disconnect(on_finished)
        window.controller.launch_failed.disconnect(on_failed)
    await until(lambda: not window.controller.busy)
    times = {
        "to_request_ms": (sandbox.arrival_after(click) - click) * 1000,
        "to_tab_ms": (tab_created - sandbox.last_sent_before(tab_created)) * 1000,
    }
    await asyncio.wait_for(loaded, 30)
    if close:
        window.game_area.close_current()
        await asyncio.sleep(0.05)
    return times


async def raw_launch(raw: RawClient, sandbox: TimedSandbox) -> dict[str, float]:
    start = time.perf_counter()
    answer = await raw.post()
    done = time.perf_counter()
    assert "url" in answer, answer
    return {
        "to_request_ms": (sandbox.arrival_after(start) - start) * 1000,
        "to_tab_ms": (done - sandbox.last_sent_before(done)) * 1000,
    }


async def ready(window: Any) -> None:
    from benchmarks.drivers.qt_tools import signal_future, until, zero_tick

    if window.first_paint_at is None:
        await signal_future(window.first_painted)
    await until(lambda: window.environment.current_target() is not None)
    await zero_tick()


async def concurrent_app_launches(window: Any, sandbox: TimedSandbox, n: int, delay: float) -> dict[str, float]:
    """``n`` launches in flight at once on the window's loop and HTTP client. The
    window sends one launch at a time, so each runs on its own LaunchController (the
    window's launch path) and its answer is shown in the window's answer panel."""
    import asyncio

    from benchmarks.drivers.qt_tools import TickRecorder
    from console_app.sandbox.faults import Fault
    from console_app.ui.api import Launch
    from console_app.ui.launch.controller import LaunchController

    target = window.environment.current_target()
    request = window.form.request()
    http = window.controller.ensure_http_client()
    controllers = []
    for _ in range(n):
        controller = LaunchController(window, client_settings=window.controller.client_settings)
        controller.set_http_client(http)
        controller.launch_finished.connect(window.answer.show_result)
        controllers.append(controller)
    sandbox.server.inject(Fault("delay", delay=delay, count=n))
    ticks = TickRecorder(window)
    ticks.start()
    tasks = [controller.launch(Launch(target, request)) for controller in controllers]
    await asyncio.gather(*tasks)
    ticks.stop()
    for controller in controllers:
        controller.deleteLater()
    sandbox.server.clear_faults()
    return {"max_gap_ms": ticks.max_gap_ms(), "ticks": len(ticks.ticks)}


async def concurrent_raw(raw: RawClient, sandbox: TimedSandbox, n: int, delay: float) -> dict[str, float]:
    import asyncio

    from benchmarks.drivers.qt_tools import TickRecorder
    from console_app.sandbox.faults import Fault

    sandbox.server.inject(Fault("delay", delay=delay, count=n))
    ticks = TickRecorder()
    ticks.start()
    await asyncio.gather(*(raw.post() for _ in range(n)))
    ticks.stop()
    sandbox.server.clear_faults()
    return {"max_gap_ms": ticks.max_gap_ms(), "ticks": len(ticks.ticks)}


async def big_answer_app(window: Any, sandbox: TimedSandbox, size: int) -> dict[str, float]:
    """Launch against a ``size``-byte answer (the client's cap raised above it so the
    whole body is read, parsed and shown) with the Answer tab visible."""
    import asyncio
    import dataclasses

    from benchmarks.drivers.qt_tools import TickRecorder, signal_future
    from console_app.sandbox.faults import Fault

    settings = window.controller.client_settings
    window.controller.client_settings = dataclasses.replace(settings, max_body_bytes=2 * size)
    window.bottom_tabs.setCurrentWidget(window.answer)
    sandbox.server.inject(Fault("huge_body", size=size))
    finished = signal_future(window.controller.launch_finished)
    failed = signal_future(window.controller.launch_failed)
    ticks = TickRecorder(window)
    ticks.start()
    window.launch_action.trigger()
    done, _ = await asyncio.wait({finished, failed}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    await asyncio.sleep(0.3)  # the answer panel and the new tab paint
    ticks.stop()
    outcome = "finished" if finished in done else "failed" if failed in done else "timeout"
    for future in (finished, failed):
        future.cancel()
    window.controller.client_settings = settings
    shown = len(window.answer.raw_body.toPlainText())
    window.game_area.close_all()
    await asyncio.sleep(0.1)
    return {"max_gap_ms": ticks.max_gap_ms(), "outcome": outcome, "shown_chars": shown}


async def big_answer_raw(raw: RawClient, sandbox: TimedSandbox, size: int) -> dict[str, float]:
    import asyncio

    from benchmarks.drivers.qt_tools import TickRecorder
    from console_app.sandbox.faults import Fault

    sandbox.server.inject(Fault("huge_body", size=size))
    ticks = TickRecorder()
    ticks.start()
    answer = await raw.post()
    await asyncio.sleep(0.3)
    ticks.stop()
    return {"max_gap_ms": ticks.max_gap_ms(), "body_chars": len(answer.get("padding", ""))}


def launch_session_factory(sandbox: TimedSandbox, options: argparse.Namespace):
    async def session(window: Any) -> int:
        try:
            await ready(window)
            raw = RawClient(sandbox, window.form.request())
            # Warm-up: first tab (QtWebEngine start), first connections.
            for _ in range(2):
                await app_launch(window, sandbox)
                await raw_launch(raw, sandbox)
            app_runs, raw_runs = [], []
            for _ in range(options.launches):
                app_runs.append(await app_launch(window, sandbox))
                raw_runs.append(await raw_launch(raw, sandbox))
            concurrent = [await concurrent_app_launches(window, sandbox, options.concurrent, options.delay)]
            concurrent_base = [await concurrent_raw(raw, sandbox, options.concurrent, options.delay)]
            concurrent.append(await concurrent_app_launches(window, sandbox, options.concurrent, options.delay))
            concurrent_base.append(await concurrent_raw(raw, sandbox, options.concurrent, options.delay))
            big = await big_answer_app(window, sandbox, options.big)
            big_base = await big_answer_raw(raw, sandbox, options.big)
            await raw.http.aclose()
            report({"app": app_runs, "raw": raw_runs, "concurrent": concurrent, "concurrent_raw": concurrent_base,
                    "big": big, "big_raw": big_base})
            return 0
        finally:
            sandbox.server.stop()

    return session


# --------------------------------------------------------------------------- first frames


async def app_first_frame(window: Any, sandbox: TimedSandbox) -> float:
    """Launch through the window's Launch action: ms from the click to the first
    frame of the game tab."""
    import asyncio

    click = time.perf_counter()
    window.launch_action.trigger()
    frame = await sandbox.frame_after(click)
    await until_idle(window)
    window.game_area.close_all()
    await asyncio.sleep(0.2)  # page and profile deletion, renderer exit
    return (frame - click) * 1000


async def until_idle(window: Any) -> None:
    from benchmarks.drivers.qt_tools import until

    await until(lambda: not window.controller.busy)


async def chromium_first_frame(chromium: str, raw: RawClient, sandbox: TimedSandbox, profile_dir: str) -> float:
    """Headless Chromium (the app's Chromium flags) loading a fresh game URL of the
    same sandbox: ms from spawning it to the first frame."""
    import os
    import shlex
    import signal
    import subprocess

    from benchmarks.drivers.protocol import chromium_command

    url = (await raw.post())["url"]
    flags = shlex.split(os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", ""))
    command = chromium_command(chromium, url, profile_dir, flags)
    spawned = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        frame = await sandbox.frame_after(spawned)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return (frame - spawned) * 1000


def frames_session_factory(sandbox: TimedSandbox, options: argparse.Namespace):
    """The window's first launch (QtWebEngine imported and started by it, as Chromium
    starts from nothing), then ``options.launches`` more, each followed by one
    Chromium load when ``options.chromium`` is given."""
    async def session(window: Any) -> int:
        try:
            await ready(window)
            raw = RawClient(sandbox, window.form.request())
            chromium_runs = []
            if options.chromium:  # unrecorded: Chromium's files into the disk cache
                await chromium_first_frame(options.chromium, raw, sandbox, options.chromium_profile)
            cold = await app_first_frame(window, sandbox)
            await app_first_frame(window, sandbox)  # unrecorded: the second page's profile, connections
            warm = []
            for _ in range(options.launches):
                warm.append(await app_first_frame(window, sandbox))
                if options.chromium:
                    chromium_runs.append(
                        await chromium_first_frame(options.chromium, raw, sandbox, options.chromium_profile))
            await raw.http.aclose()
            report({"cold": cold, "warm": warm, "chromium": chromium_runs, "diagnostics": not options.no_diagnostics})
            return 0
        finally:
            sandbox.server.stop()

    return session


# --------------------------------------------------------------------------- memory


def memory_session_factory(sandbox: TimedSandbox, options: argparse.Namespace):
    import asyncio

    async def session(window: Any) -> int:
        from benchmarks.drivers.qt_tools import memory_mb

        try:
            await ready(window)
            await asyncio.sleep(0.3)
            idle = memory_mb()
            await app_launch(window, sandbox, close=False)
            await asyncio.sleep(1.0)  # the renderer settles after the first frames
            one_game = memory_mb()
            window.game_area.close_all()
            await asyncio.sleep(0.5)
            samples = []
            for _ in range(options.launches):
                await app_launch(window, sandbox, close=True)
                await asyncio.sleep(0.4)  # page and profile deletion, renderer exit
                samples.append(memory_mb())
            report({"idle": idle, "one_game": one_game, "samples": samples})
            return 0
        finally:
            sandbox.server.stop()

    return session


# --------------------------------------------------------------------------- main


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="app_session")
    parser.add_argument("scenario", choices=("startup", "launch", "memory", "frames"))
    parser.add_argument("--basedir", required=True)
    parser.add_argument("--launches", type=int, default=20)
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.25)
    parser.add_argument("--big", type=int, default=5_000_000)
    parser.add_argument("--chromium", default=None, help="headless Chromium to compare first frames with")
    parser.add_argument("--chromium-profile", default=None, help="Chromium's --user-data-dir")
    parser.add_argument("--no-diagnostics", action="store_true")
    options = parser.parse_args(argv)

    import console_app.app as app_module
    from console_app.cli import main as cli_main

    real_run_window = app_module.run_window

    def run_window(args: Any, **kwargs: Any) -> int:
        if options.scenario == "startup":
            kwargs["session"] = lambda window: startup_session(window, options)
        else:
            sandbox = TimedSandbox()
            kwargs["target_factory"] = sandbox.target
            factories = {"launch": launch_session_factory, "memory": memory_session_factory,
                         "frames": frames_session_factory}
            kwargs["session"] = factories[options.scenario](sandbox, options)
        return real_run_window(args, **kwargs)

    app_module.run_window = run_window
    gui_args = web_sandbox_args()
    if options.no_diagnostics:
        gui_args.append("--no-diagnostics")  # the app's own switch
    return cli_main(["--basedir", options.basedir, "gui", *gui_args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
