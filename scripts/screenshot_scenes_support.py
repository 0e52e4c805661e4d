"""Screenshot scenes for history and support tools (called by scripts/screenshots.py).

Each scene runs the real window offscreen, in a temporary basedir, against an embedded
sandbox, and saves a PNG:

- :func:`scene_history`: the History panel filled with varied entries (successes, a
  G.01 retried to success, a G.0, a cancellation, a replay), one selected;
- :func:`scene_snapshot`: a round's snapshot page in a tab beside the game.

Run directly: ``python scripts/screenshot_scenes_support.py OUT_DIR``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from console_app.qtenv import QtOptions, prepare_qt  # noqa: E402

SIZE = (1320, 980)
TIMEOUT_S = 30.0
_loop: Any = None


def _event_loop() -> Any:
    """One QApplication and one qasync loop for every scene of this process."""
    global _loop
    if _loop is None:
        import os

        # A screenshot run, offscreen; as root the game view needs the explicit opt-out.
        plan = prepare_qt(QtOptions(headless=True, no_web_sandbox=hasattr(os, "geteuid") and os.geteuid() == 0))
        if plan.error:
            raise SystemExit(plan.error)
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        import qasync

        from console_app.app import create_application

        app = create_application()
        app.setQuitOnLastWindowClosed(False)
        _loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(_loop)
    return _loop


async def _signal(signal: Any, trigger: Callable[[], Any] | None = None) -> tuple:
    """Wait (bounded) for the next emission of ``signal``, after calling ``trigger``."""
    future: asyncio.Future = asyncio.get_running_loop().create_future()

    def done(*args: Any) -> None:
        if not future.done():
            future.set_result(args)

    signal.connect(done)
    try:
        if trigger is not None:
            trigger()
        return await asyncio.wait_for(future, TIMEOUT_S)
    finally:
        signal.disconnect(done)


def _run(scene: Callable[[Any, Any, Any], Awaitable[None]]) -> None:
    """Build the window as the app does (features included), on a fresh sandbox and
    basedir, run ``scene(window, sandbox, target)`` and shut everything down."""
    loop = _event_loop()
    from console_app.app import Services, _attach_features, _build_window
    from console_app.core.models import ApiTarget, ClientSettings
    from console_app.core.paths import AppPaths
    from console_app.core.redaction import Secret
    from console_app.qtenv import WebSandbox
    from console_app.sandbox.server import SandboxServer

    with tempfile.TemporaryDirectory(prefix="lm-shots-") as basedir:
        paths = AppPaths.from_basedir(Path(basedir)).ensure()
        sandbox = SandboxServer(host="127.0.0.1").start()
        try:
            target = ApiTarget(sandbox.url, sandbox.partner_id, Secret(sandbox.token), "Sandbox", "sandbox")
            services = Services(paths, WebSandbox.OFF_BY_OPTION, time.perf_counter())
            window = _build_window(services, demo=True, remember=False)
            _attach_features(window, services)
            # Quick retries: the scene shows them, it need not wait for real backoff.
            window.controller.client_settings = ClientSettings(deadline=5, retries=2, backoff_base=0.01,
                                                               backoff_max=0.05)
            # The scene is about history, not the (expected) web sandbox warning.
            window.hide_banner("web_sandbox")
            window.sandbox_chip.hide()
            window.resize(*SIZE)
            window.show()

            async def main() -> None:
                if not window.ready:
                    await _signal(window.first_painted)
                window.add_target(target, select=True)
                try:
                    await scene(window, sandbox, target)
                finally:
                    await window.shutdown()

            loop.run_until_complete(main())
            window.close()
            window.deleteLater()
        finally:
            sandbox.stop()


def _features(window: Any) -> tuple[Any, Any]:
    from console_app.ui.history.feature import HistoryFeature
    from console_app.ui.support.feature import SupportFeature

    return window.findChild(HistoryFeature, "historyFeature"), window.findChild(SupportFeature, "supportFeature")


async def _launch(window: Any, request: Any = None, *, failing: bool = False, **kwargs: Any) -> None:
    signal = window.controller.launch_failed if failing else window.controller.launch_finished
    if request is not None:
        window.form.set_request(request)
    await _signal(signal, lambda: window.launch(send_anyway=True, **kwargs))


async def _settle(window: Any, tab: Any) -> None:
    from console_app.cli.gui import wait_for_game_frame

    await wait_for_game_frame(window, tab, until=asyncio.get_running_loop().time() + 5)


def _grab(window: Any, out: Path) -> None:
    # The screenshot machine has no OS keyring; users normally do: not the subject here.
    window.hide_notice("keyring")
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.save_screenshot(out):
        raise SystemExit(f"could not write {out}")


def scene_history(out: Path) -> None:
    """The History panel with varied entries, the G.01 retry selected."""

    async def scene(window: Any, sandbox: Any, target: Any) -> None:
        from console_app.core.models import ApiTarget
        from console_app.core.redaction import Secret
        from console_app.sandbox.faults import Fault
        from console_app.ui.launch.form import DEMO_REQUEST

        history, _support = _features(window)
        if history.panel is None:
            await _signal(history.store_opened)
        await _launch(window)
        sandbox.inject(Fault("g01", count=1, retry_after=0))
        await _launch(window, DEMO_REQUEST.with_changes(gameid="lm_1_pumpkinfarm", player_id="qa-vip-7", nickname="Mika",
                                                        language="ja",
                                                        currency="JPY", session_id="s-7f3a91"))
        window.add_target(ApiTarget(sandbox.url, sandbox.partner_id, Secret("not-the-partner-token"),
                                    "Sub-brand B", "sandbox"), select=True)
        await _launch(window, DEMO_REQUEST.with_changes(gameid="lm_4_egyptianbeauty", player_id="u-1042", nickname="Ann",
                                                  session_id="s-b21c"),
                      failing=True)
        window.environment.setCurrentIndex(window.environment.findText("Sandbox"))
        sandbox.inject(Fault("hang"))
        window.form.set_request(DEMO_REQUEST.with_changes(gameid="lm_3_killerwhale", player_id="load-test-3", nickname="Lee",
                                                          currency="KRW", language="ko", session_id="s-99e0"))
        task = window.launch()
        while not [r for r in sandbox.requests if r.json and r.json.get("player", {}).get("id") == "load-test-3"]:
            await asyncio.sleep(0.02)
        await _signal(window.controller.launch_cancelled, window.cancel)
        await asyncio.gather(task, return_exceptions=True)
        sandbox.clear_faults()
        first = history.store.search(limit=50)[-1]
        history.panel.refresh()
        history.panel.select_entry(first.id)
        (tab, _ok) = await _signal(window.game_area.game_load_finished, history.panel.replay_button.click)
        history.show_history()
        window.vertical_splitter.setSizes([440, 480])
        history.panel.refresh()
        retried = next(e for e in history.store.search(limit=50) if e.error_code == "G.01")
        history.panel.select_entry(retried.id)
        await _settle(window, tab)
        _grab(window, out)

    _run(scene)


def scene_snapshot(out: Path) -> None:
    """A round's snapshot page in a tab beside the game, its entry in History."""

    async def scene(window: Any, sandbox: Any, target: Any) -> None:
        history, support = _features(window)
        if history.panel is None:
            await _signal(history.store_opened)
        (tab, _ok) = await _signal(window.game_area.game_load_finished, window.launch)
        await _settle(window, tab)
        dialog = support.show_snapshot_dialog()
        dialog.transaction_id.setText("tx-demo-20240501-0042")
        (tab, _ok) = await _signal(window.game_area.game_load_finished, dialog.open_button.click)
        dialog.hide()
        history.show_history()
        window.vertical_splitter.setSizes([620, 300])
        history.panel.refresh()
        history.panel.select_entry(history.store.search(limit=1)[0].id)
        await _settle(window, tab)
        _grab(window, out)

    _run(scene)


if __name__ == "__main__":
    target_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
    scene_history(target_dir / "history.png")
    scene_snapshot(target_dir / "snapshot.png")
    print(f"wrote {target_dir / 'history.png'} and {target_dir / 'snapshot.png'}")
