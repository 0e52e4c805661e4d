"""Game diagnostics against the sandbox's real demo game in QtWebEngine: the
``page_errors`` fault's console error and missing image reach the tab's record, its
amber badge, the Diagnostics panel, the history entry and the exported report, with
the player's token nowhere."""

from __future__ import annotations

import pytest

from console_app.sandbox.faults import Fault
from tests.fixtures.common import CANARY_TOKEN
from tests.fixtures.qt import sandbox_target

LOAD_TIMEOUT_MS = 30_000
MISSING = "/game/static/missing-symbol-atlas.png"


@pytest.fixture
def window(window_factory, sandbox):
    sandbox.token = CANARY_TOKEN
    return window_factory(target=sandbox_target(sandbox, token=CANARY_TOKEN), demo=True)


def launch_game(qtbot, window):
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=LOAD_TIMEOUT_MS) as loaded:
        assert window.launch() is not None
    tab, ok = loaded.args
    assert ok
    return tab


def broken(record) -> bool:
    return (any(m.level == "error" and "page_errors fault" in m.message for m in record.console)
            and any(f.url.endswith(MISSING) for f in record.failed_loads))


def test_a_quiet_game_has_no_badge_and_a_broken_one_shows_its_errors(qtbot, window, sandbox):
    quiet = launch_game(qtbot, window)
    diagnostics = quiet.page.diagnostics
    qtbot.waitUntil(lambda: diagnostics.record.timings.get("load", 0) > 0, timeout=10_000)
    record = diagnostics.record
    assert not record.has_problems and record.console == [] and record.failed_loads == []
    assert record.url.startswith("http://127.0.0.1:") and "?" not in record.url
    assert record.webgl is not None and record.user_agent and "×" in record.viewport
    tabs = window.game_area.tabs
    assert tabs.tabIcon(tabs.indexOf(quiet)).isNull()

    sandbox.inject(Fault("page_errors", endpoint="game"))
    tab = launch_game(qtbot, window)
    qtbot.waitUntil(lambda: broken(tab.page.diagnostics.record), timeout=10_000)
    record = tab.page.diagnostics.record
    (missing,) = [f for f in record.failed_loads if f.url.endswith(MISSING)]
    assert (missing.kind, missing.status) == ("img", 404)
    (error,) = [m for m in record.console if m.level == "error"]
    assert error.source.endswith(".js") and error.line > 0
    assert not tabs.tabIcon(tabs.indexOf(tab)).isNull()
    assert CANARY_TOKEN not in repr(record.to_dict())
