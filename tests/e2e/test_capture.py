"""``lm-console capture`` and ``lm-console gui`` as a user runs them (child process)."""

from __future__ import annotations

import os

import pytest
from PySide6.QtGui import QImage

from tests.fixtures.common import run_cli

TIMEOUT = 120


def distinct_colours(path, limit: int = 200) -> int:
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable image"
    seen = set()
    for y in range(0, image.height(), 5):
        for x in range(0, image.width(), 5):
            seen.add(image.pixel(x, y))
            if len(seen) >= limit:
                return len(seen)
    return len(seen)


def test_capture_writes_a_real_png_of_the_window_with_the_demo_game(tmp_path, basedir):
    out = tmp_path / "shot.png"
    result = run_cli("capture", "--out", str(out), basedir=basedir, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "page title: Treasure of Zeus — LuckyMonaco demo"
    assert lines[1].startswith("game URL: http://127.0.0.1:") and lines[1].endswith("/game/index.html?token=•••")
    assert lines[2] == f"screenshot: {out}"
    image = QImage(str(out))
    # Without a display the window is sized as on a 1366x768 laptop (90 % of it).
    assert (image.width(), image.height()) == (1229, 691)
    assert distinct_colours(out) >= 200  # the form, text and the drawn game, not a blank frame
    # The right half (the game) is drawn too, not only the form.
    game = image.copy(image.width() // 2, 150, image.width() // 2 - 20, 300)
    assert len({game.pixel(x, y) for x in range(0, game.width(), 6) for y in range(0, game.height(), 6)}) > 30
    assert not (basedir / "config" / "window.ini").exists()  # a capture leaves user state alone


def test_capture_against_an_independent_spec_server_prints_its_title(tmp_path, basedir, spec_server):
    out = tmp_path / "spec.png"
    result = run_cli(
        "capture", "--out", str(out), "--api-url", spec_server.url, "--partner-id", spec_server.partner_id,
        "--token-env", "LM_SPEC_TOKEN", "--game-id", "lm_8_treasureofzeus", "--player-id", "u1",
        "--nickname", "Ann", "--language", "en", "--currency", "USD", "--session-id", "s-1", "--ip", "203.0.113.7",
        basedir=basedir, env={"LM_SPEC_TOKEN": spec_server.token}, timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    assert "page title: Spec Server Game" in result.stdout
    assert spec_server.token not in result.stdout + result.stderr
    issued = spec_server.issued_tokens
    assert issued and all(token not in result.stdout + result.stderr for token in issued)
    (enter,) = spec_server.requests_to("/api/session")
    assert enter.json()["player"]["id"] == "u1"
    assert QImage(str(out)).width() > 0


def test_capture_reports_an_api_error_in_one_line(tmp_path, basedir, spec_server):
    result = run_cli(
        "capture", "--out", str(tmp_path / "x.png"), "--api-url", spec_server.url, "--partner-id", "wrong",
        "--token-env", "LM_SPEC_TOKEN", "--game-id", "lm_8_treasureofzeus", "--player-id", "u1",
        "--nickname", "Ann", "--language", "en", "--currency", "USD", "--session-id", "s-1", "--ip", "203.0.113.7",
        basedir=basedir, env={"LM_SPEC_TOKEN": spec_server.token}, timeout=TIMEOUT,
    )
    assert result.returncode == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("lm-console: error:")]
    assert len(errors) == 1 and "G.0" in errors[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_a_presenter_capture_fills_the_screen_it_is_given_on_a_dark_stage(tmp_path, basedir):
    out = tmp_path / "presenter.png"
    result = run_cli("capture", "--out", str(out), "--presenter", "--screen", "1366x768", "--device", "phone-landscape",
                     basedir=basedir, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    # Full screen on a 1366x768 laptop (not on Qt's own 800x800 offscreen screen).
    assert (image.width(), image.height()) == (1366, 768)
    # The phone, at 1:1 (844x390), is centred on the dark stage, not on the window colour.
    assert image.pixelColor(20, 400).name() == "#1b1e24"
    assert distinct_colours(out) >= 200


def test_capture_sets_offscreen_itself_when_there_is_no_display(tmp_path, basedir):
    out = tmp_path / "auto.png"
    env = {"QT_QPA_PLATFORM": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    result = run_cli("capture", "--out", str(out), basedir=basedir, env=env, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000


@pytest.mark.skipif(os.geteuid() != 0, reason="the root check only applies when running as root")
def test_capture_as_root_needs_the_explicit_opt_in(tmp_path, basedir):
    result = run_cli("capture", "--out", str(tmp_path / "x.png"), basedir=basedir,
                     unset=("QTWEBENGINE_DISABLE_SANDBOX",), timeout=TIMEOUT)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--no-web-sandbox" in result.stderr and "QTWEBENGINE_DISABLE_SANDBOX=1" in result.stderr


def test_gui_without_a_display_says_what_to_do_in_one_line(basedir):
    result = run_cli("gui", basedir=basedir, env={"QT_QPA_PLATFORM": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "lm-console capture" in result.stderr and "QT_QPA_PLATFORM=offscreen" in result.stderr


def test_capture_diagnostics_writes_the_broken_pages_console_error_and_missing_image(tmp_path, basedir, sandbox):
    import json

    from console_app.core.diagnostics import Diagnostics
    from console_app.sandbox.faults import Fault
    from tests.fixtures.common import CANARY_TOKEN

    sandbox.token = CANARY_TOKEN
    sandbox.inject(Fault("page_errors", endpoint="game"))
    out, diagnostics = tmp_path / "shot.png", tmp_path / "diagnostics.json"
    result = run_cli(
        "capture", "--out", str(out), "--diagnostics", str(diagnostics), "--panel", "diagnostics", "--api-url", sandbox.url,
        "--partner-id", sandbox.partner_id, "--token-env", "LM_CANARY", "--game-id", "lm_8_treasureofzeus",
        "--player-id", "u1", "--nickname", "Ann", "--language", "en", "--currency", "USD", "--session-id", "s-1",
        "--ip", "203.0.113.7",
        basedir=basedir, env={"LM_CANARY": CANARY_TOKEN}, timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"diagnostics: {diagnostics}"
    text = diagnostics.read_text(encoding="utf-8")
    record = Diagnostics.from_dict(json.loads(text))
    (error,) = [m for m in record.console if m.level == "error"]
    assert "page_errors fault" in error.message and error.source == f"{sandbox.url}/game/static/game.js"
    assert [(f.url, f.kind, f.status) for f in record.failed_loads] == [
        (f"{sandbox.url}/game/static/missing-symbol-atlas.png", "img", 404)]
    assert record.url == f"{sandbox.url}/game/index.html" and record.timings["load"] > 0
    assert CANARY_TOKEN not in text + result.stdout + result.stderr
    assert "token=" not in text
    assert sandbox.faults == []


def test_capture_diagnostics_into_a_missing_folder_is_one_line(tmp_path, basedir):
    result = run_cli("capture", "--out", str(tmp_path / "shot.png"), "--diagnostics", str(tmp_path / "no" / "d.json"),
                     basedir=basedir, timeout=TIMEOUT)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"lm-console: error: --diagnostics: the folder {tmp_path / 'no'} does not exist; create it first"]


def test_capture_measures_launch_to_first_frame_with_devtools_docked_below(tmp_path, basedir):
    import json

    from console_app.core.diagnostics import Diagnostics

    out, diagnostics = tmp_path / "shot.png", tmp_path / "diagnostics.json"
    result = run_cli("capture", "--out", str(out), "--diagnostics", str(diagnostics), "--devtools", "below",
                     basedir=basedir, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    record = Diagnostics.from_dict(json.loads(diagnostics.read_text(encoding="utf-8")))
    assert record.first_paint_ms is not None and record.launch_to_first_frame_ms is not None
    assert 0 < record.first_paint_ms <= record.launch_to_first_frame_ms
    assert distinct_colours(out) >= 200


def test_capture_with_diagnostics_off_still_captures_and_inspects(tmp_path, basedir):
    out = tmp_path / "shot.png"
    result = run_cli("capture", "--out", str(out), "--no-diagnostics", "--devtools", "beside", "--panel", "diagnostics",
                     basedir=basedir, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"screenshot: {out}"
    assert distinct_colours(out) >= 200


def test_capture_diagnostics_with_diagnostics_off_is_one_line(tmp_path, basedir):
    result = run_cli("capture", "--out", str(tmp_path / "shot.png"), "--no-diagnostics",
                     "--diagnostics", str(tmp_path / "d.json"), basedir=basedir, timeout=TIMEOUT)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "lm-console: error: --diagnostics needs diagnostics on: drop --no-diagnostics or --diagnostics"]


def test_capture_refuses_an_out_name_that_is_not_png(tmp_path, basedir):
    out = tmp_path / "shot.txt"
    result = run_cli("capture", "--out", str(out), basedir=basedir, timeout=TIMEOUT)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "lm-console: error: --out: shot.txt is not a .png file name; the screenshot is a PNG"]
    assert not out.exists()


@pytest.mark.parametrize("masked", ["--screen-share", "--presenter"])
def test_a_masked_capture_refuses_devtools_in_one_line(tmp_path, basedir, masked):
    """DevTools is Chromium's own view (the token in clear): never in a masked shot."""
    shot = tmp_path / "shot.png"
    result = run_cli("capture", "--out", str(shot), masked, "--devtools", "beside", basedir=basedir, timeout=TIMEOUT)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "lm-console: error: --devtools: DevTools shows tokens and IDs unmasked, so a masked capture cannot "
        f"show them (drop --devtools or {masked})"]
    assert not shot.exists()


@pytest.mark.parametrize("command", ["gui", "capture"])
def test_gui_and_capture_can_switch_diagnostics_off(command):
    from console_app.cli import build_parser

    required = ["--out", "x.png"] if command == "capture" else []
    parser = build_parser(full=True)
    assert parser.parse_args([command, *required, "--no-diagnostics"]).no_diagnostics is True
    assert parser.parse_args([command, *required]).no_diagnostics is False
