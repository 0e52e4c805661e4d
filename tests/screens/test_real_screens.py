"""The real app on real X screens (Xvfb, QT_QPA_PLATFORM=xcb) at the sizes our users
have: the window fits the screen and every main control can be reached — the Launch
button, the status line, the drawer's tabs, the toolbar buttons and the game's own
SPIN button — including at 150 % and 200 % scale."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from console_app import APP_NAME

SCRIPT = textwrap.dedent(
    """
    import argparse, asyncio, json, sys
    from console_app.app import run_window
    from console_app.core.paths import AppPaths
    from console_app.qtenv import QtOptions

    def rect(widget):
        top_left = widget.mapToGlobal(widget.rect().topLeft())
        return [top_left.x(), top_left.y(), widget.width(), widget.height()]

    async def session(window):
        from PySide6.QtWidgets import QToolButton
        loop = asyncio.get_running_loop()
        while window.environment.current_target() is None or "127.0.0.1" not in window.environment.current_target().api_url:
            await asyncio.sleep(0.05)
        # The user reads the notices (no keyring, web sandbox off as root) and closes them.
        from PySide6.QtWidgets import QToolButton as _Button
        while not window.features.profiles.keyring_known:
            await asyncio.sleep(0.05)
        for button in window.banner_box.findChildren(_Button):
            if button.isVisible():
                button.click()
        loaded = loop.create_future()
        window.game_area.game_load_finished.connect(lambda tab, ok: loaded.done() or loaded.set_result(ok))
        window.launch()
        assert await asyncio.wait_for(loaded, 60), "the game did not load"
        tab = window.game_area.current_game()
        spin = None
        for _ in range(100):
            result = loop.create_future()
            tab.page.runJavaScript(
                "(() => { const b = [...document.querySelectorAll('button')].find(e => /spin/i.test(e.id + e.className));"
                " if (!b) return ''; const r = b.getBoundingClientRect();"
                " return JSON.stringify([r.left, r.top, r.width, r.height]); })()",
                0, lambda value: result.done() or result.set_result(value))
            # Arrays do not cross runJavaScript's callback: JSON text does.
            text = await result
            spin = json.loads(text) if text else None
            if spin and spin[2] > 0:
                break
            await asyncio.sleep(0.05)
        zoom = tab.view.zoomFactor()
        view = rect(tab.view)
        screen = window.screen().availableGeometry()
        form = window.form
        controls = {}
        for name, widget in (("launch", form.launch_button), ("cancel", form.cancel_button)):
            window.form_scroll.ensureWidgetVisible(widget)
            await asyncio.sleep(0)
            controls[name] = rect(widget)
        controls["status"] = rect(window.status_label)
        controls["drawer tabs"] = rect(window.bottom_tabs.tabBar())
        for button in window.toolbar.findChildren(QToolButton):
            if button.objectName().endswith("ActionButton") and button.isVisible():
                controls[button.objectName()] = rect(button)
        controls["game view"] = view
        if spin:
            controls["SPIN"] = [view[0] + spin[0] * zoom, view[1] + spin[1] * zoom, spin[2] * zoom, spin[3] * zoom]
        # The title as the X server has it (Qt's xcb plugin may append the app's name).
        import subprocess
        x_title = subprocess.run(["xprop", "-id", str(int(window.winId())), "_NET_WM_NAME"],
                                 capture_output=True, text=True, check=True).stdout
        print(json.dumps({"x title": x_title, "screen": [screen.x(), screen.y(), screen.width(), screen.height()],
                          "window": [window.x(), window.y(), window.width(), window.height()],
                          "frame": [window.frameGeometry().width(), window.frameGeometry().height()],
                          "controls": controls, "hidden toolbar actions": window.toolbar.isVisible() and sum(
                              1 for a in window.toolbar.actions() if window.toolbar.widgetForAction(a) is not None
                              and not window.toolbar.widgetForAction(a).isVisible())}), flush=True)
        return 0

    args = argparse.Namespace(paths=AppPaths.from_basedir(sys.argv[1]))
    sys.exit(run_window(args, options=QtOptions(no_web_sandbox=True), demo=True, session=session))
    """
)

SCREENS = [
    pytest.param(1366, 768, "1", id="laptop-1366x768"),
    pytest.param(1280, 720, "1", id="1280x720"),
    pytest.param(1920, 1080, "1.5", id="1920x1080@150%"),
    pytest.param(1920, 1080, "2", id="1920x1080@200%"),
]


@contextmanager
def xvfb(width: int, height: int) -> Iterator[str]:
    """A fresh X server (Xvfb) with one screen ``width`` x ``height``; its DISPLAY."""
    assert shutil.which("Xvfb"), "Xvfb is missing: make test installs xvfb"
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def inside(rect: list[float], screen: list[int], slack: float = 1.0) -> bool:
    x, y, w, h = rect
    sx, sy, sw, sh = screen
    return w > 0 and h > 0 and x >= sx - slack and y >= sy - slack and x + w <= sx + sw + slack \
        and y + h <= sy + sh + slack


@pytest.mark.parametrize(("width", "height", "scale"), SCREENS)
def test_every_main_control_is_on_the_screen(tmp_path, width, height, scale):
    with xvfb(width, height) as display:
        env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR=scale,
                   XDG_CACHE_HOME=str(tmp_path / "cache"))
        result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "basedir")], capture_output=True,
                                text=True, env=env, timeout=180, cwd=os.getcwd())
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("{")))
    print(json.dumps(report, indent=1))  # shown when the test fails
    screen = report["screen"]
    assert report["x title"].count(APP_NAME) == 1, report["x title"]
    logical = (round(width / float(scale)), round(height / float(scale)))
    assert screen[2:] == list(logical) or screen[2] <= logical[0]
    assert inside(report["window"], screen), report["window"]
    missing = {name: r for name, r in report["controls"].items() if not inside(r, screen)}
    assert missing == {}, f"off the {width}x{height}@{scale} screen: {missing}"
    assert {"launch", "status", "drawer tabs", "game view", "SPIN", "historyActionButton",
            "profilesActionButton"} <= set(report["controls"])
    # The game is the hero: its view takes at least 60 % of the window's height... unless
    # the screen is tiny (200 %: 540 px), where half is the most a readable form allows.
    share = report["controls"]["game view"][3] / report["window"][3]
    assert share >= (0.5 if logical[1] < 600 else 0.6), share
