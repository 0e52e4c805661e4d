"""``make screenshots``: regenerate every picture in README.md, offscreen.

- ``window.png``, ``presenter.png`` (``--presenter``) and ``phone.png`` (``--device
  phone-portrait``, an Arabic player: right to left) are made by ``lm-console capture``
  itself (a user's own command), on the embedded sandbox;
- the other scenes run the real window in this process (see the scene modules):
  ``error.png`` (G.01 until the retries run out), ``production.png``, ``picker.png``,
  ``history.png`` and ``snapshot.png``.

As root, the game view runs without Chromium's sandbox, openly (``--no-web-sandbox``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.screenshot_scenes import scene_picker, scene_production  # noqa: E402
from scripts.screenshot_scenes_support import _event_loop, _grab, _run, _settle, _signal, scene_history, scene_snapshot  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def capture_window(out: Path, *extra: str, language: str = "ko", currency: str = "KRW") -> None:
    """A picture made the way a user would make it: ``lm-console capture`` (``extra``:
    its options, e.g. ``--presenter`` or ``--device phone-portrait``)."""
    args = [sys.executable, "-m", "console_app", "capture", "--out", str(out),
            "--game-id", "lm_8_treasureofzeus", "--player-id", "qa-7", "--nickname", "Kim",
            "--language", language, "--currency", currency, "--session-id", "demo-session", "--ip", "203.0.113.7",
            *extra]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-web-sandbox")
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"capture failed: {done.stderr.strip()}")


def scene_error(out: Path) -> None:
    """A game is open; the next launch meets G.01 until the retries run out: amber
    status, the decoded error, the Retry button."""
    from console_app.sandbox.server import Fault

    async def scene(window: Any, sandbox: Any, _target: Any) -> None:
        await _signal(window.controller.launch_finished, lambda: window.launch(send_anyway=True))
        await _settle(window, window.game_area.current_game())
        sandbox.inject(Fault("g01", count=3))
        await _signal(window.controller.launch_failed, lambda: window.launch(send_anyway=True))
        _grab(window, out)

    _run(scene)


def main() -> int:
    import qasync

    OUT.mkdir(parents=True, exist_ok=True)
    # asyncio.to_thread (keyring, catalog) runs on QThreads: shut them down at the end,
    # or Qt aborts the process at exit ("QThread: Destroyed while thread is running").
    executor = qasync.QThreadExecutor()
    _event_loop().set_default_executor(executor)
    capture_window(OUT / "window.png")
    capture_window(OUT / "presenter.png", "--presenter", "--screen", "1366x768")
    capture_window(OUT / "phone.png", "--device", "phone-portrait", "--screen", "1366x768", language="ar",
                   currency="USD")
    scene_error(OUT / "error.png")
    scene_production(OUT / "production.png")
    scene_picker(OUT / "picker.png")
    scene_history(OUT / "history.png")
    scene_snapshot(OUT / "snapshot.png")
    executor.shutdown()
    for name in ("window", "presenter", "phone", "error", "production", "picker", "history", "snapshot"):
        print(OUT / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
