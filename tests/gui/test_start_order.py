"""The window paints before asyncio starts: ``run_window`` shows the window, waits for
its first paint on Qt's own loop, then imports asyncio and qasync and runs the first-
paint work (``first_painted``) on the asyncio loop. Run in a child process through
``lm-console gui`` itself, since this test process has asyncio imported already."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    import console_app.app as app
    from console_app.cli import main
    from console_app.ui.window.main_window import MainWindow

    seen = {}
    original = MainWindow.paintEvent

    def paint_event(self, event):
        if "at_paint" not in seen:
            seen["at_paint"] = sorted(m for m in ("asyncio", "qasync") if m in sys.modules)
        original(self, event)

    MainWindow.paintEvent = paint_event

    async def session(window):
        import asyncio
        if not window.ready:  # the first-paint work runs on this loop
            first = asyncio.get_running_loop().create_future()
            window.first_painted.connect(lambda: first.done() or first.set_result(True))
            await asyncio.wait_for(first, 30)
        print("at paint:", ",".join(seen["at_paint"]) or "none", flush=True)
        print("ready:", window.ready, "validation on:", window.form.validation_enabled, flush=True)
        return 0

    real_run_window = app.run_window

    def run_window(args, **kwargs):
        kwargs["session"] = session
        kwargs["target_factory"] = lambda: None
        return real_run_window(args, **kwargs)

    # The user's own entry point: ``lm-console gui`` (argument parsing and the
    # command's module included), with the session added.
    app.run_window = run_window
    sys.exit(main(["--basedir", sys.argv[1], "gui", "--no-web-sandbox"]))
    """
)


def test_the_window_paints_before_asyncio_is_imported(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "at paint: none" in proc.stdout, proc.stdout
    assert "ready: True validation on: True" in proc.stdout, proc.stdout
