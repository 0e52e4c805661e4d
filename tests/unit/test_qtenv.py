"""plan_qt: the one pure function deciding Qt/Chromium flags and the web sandbox."""

from __future__ import annotations

import pytest

from console_app.qtenv import (
    CHROMIUM_FLAGS_ENV,
    DISABLE_SANDBOX_ENV,
    NO_DISPLAY_MESSAGE,
    QtOptions,
    WebSandbox,
    plan_qt,
)

DESKTOP = {"DISPLAY": ":0"}


DEFAULTS = QtOptions()


def plan(options=DEFAULTS, environ=DESKTOP, *, is_root=False, system="Linux"):
    return plan_qt(options, environ, is_root=is_root, system=system)


def test_defaults_on_a_desktop_change_nothing():
    result = plan()
    assert result.env == {} and result.error is None
    assert result.web_sandbox is WebSandbox.ON and result.web_sandbox.can_show_games


def test_root_without_opt_in_blocks_the_game_view_but_never_disables_the_sandbox():
    result = plan(is_root=True)
    assert result.web_sandbox is WebSandbox.BLOCKED_AS_ROOT
    assert not result.web_sandbox.can_show_games
    assert DISABLE_SANDBOX_ENV not in result.env


def test_no_web_sandbox_option_sets_qts_switch_visibly():
    result = plan(QtOptions(no_web_sandbox=True), is_root=True)
    assert result.web_sandbox is WebSandbox.OFF_BY_OPTION and result.web_sandbox.disabled
    assert result.env[DISABLE_SANDBOX_ENV] == "1"


@pytest.mark.parametrize("value", ["1", "true", "0", ""])
def test_environment_switch_counts_as_the_opt_in(value):
    # Qt disables the sandbox whenever the variable is set, whatever its value.
    result = plan(environ={**DESKTOP, DISABLE_SANDBOX_ENV: value}, is_root=True)
    assert result.web_sandbox is WebSandbox.OFF_BY_ENVIRONMENT and result.web_sandbox.can_show_games


def test_no_environment_switch_as_root_is_blocked():
    assert plan(environ=DESKTOP, is_root=True).web_sandbox is WebSandbox.BLOCKED_AS_ROOT


def test_safe_rendering_adds_disable_gpu_only_when_asked():
    assert CHROMIUM_FLAGS_ENV not in plan().env
    assert plan(QtOptions(safe_rendering=True)).env[CHROMIUM_FLAGS_ENV] == "--disable-gpu"


def test_user_flags_are_kept_and_ours_not_duplicated():
    environ = {**DESKTOP, CHROMIUM_FLAGS_ENV: "--lang=ko --disable-gpu"}
    assert CHROMIUM_FLAGS_ENV not in plan(QtOptions(safe_rendering=True), environ).env
    environ = {**DESKTOP, CHROMIUM_FLAGS_ENV: "--lang=ko"}
    assert plan(QtOptions(safe_rendering=True), environ).env[CHROMIUM_FLAGS_ENV] == "--lang=ko --disable-gpu"


def test_no_display_is_an_error_for_the_window():
    result = plan(environ={})
    assert result.error == NO_DISPLAY_MESSAGE
    assert "lm-console capture" in result.error and "QT_QPA_PLATFORM=offscreen" in result.error


def test_no_display_means_offscreen_for_capture():
    result = plan(QtOptions(headless=True), environ={})
    assert result.error is None
    assert result.env["QT_QPA_PLATFORM"] == "offscreen"
    assert result.env[CHROMIUM_FLAGS_ENV] == "--disable-dev-shm-usage --log-level=3"


def test_headless_runs_keep_chromiums_log_to_fatal_unless_the_user_chose_a_level():
    assert plan(QtOptions(headless=True)).env[CHROMIUM_FLAGS_ENV] == "--log-level=3"
    environ = {**DESKTOP, CHROMIUM_FLAGS_ENV: "--log-level=0"}
    assert CHROMIUM_FLAGS_ENV not in plan(QtOptions(headless=True), environ).env


@pytest.mark.parametrize("environ", [{"WAYLAND_DISPLAY": "wayland-0"}, {"QT_QPA_PLATFORM": "xcb"}])
def test_wayland_or_an_explicit_platform_is_a_display(environ):
    result = plan(environ=environ)
    assert result.error is None and "QT_QPA_PLATFORM" not in result.env


def test_other_systems_never_need_display_variables():
    assert plan(environ={}, system="Windows").error is None
    assert plan(environ={}, system="Darwin").error is None


def test_an_offscreen_screen_size_applies_to_plain_offscreen_only():
    options = QtOptions(headless=True, offscreen_screen=(1366, 768))
    assert plan(options, {}).offscreen_screen == (1366, 768)  # no display: offscreen, chosen here
    assert plan(options, {"QT_QPA_PLATFORM": "offscreen"}).offscreen_screen == (1366, 768)
    # A platform with options of its own, or a real display, is left as the user set it.
    assert plan(options, {"QT_QPA_PLATFORM": "offscreen:configfile=/x.json"}).offscreen_screen is None
    assert plan(options, {"DISPLAY": ":0"}).offscreen_screen is None
