"""The window fits the screen it opens on: first size, restored geometry, the game's
share of the height, and the bottom drawer that folds to its tab bar."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QRect, QSize

from console_app.ui.window import fit
from console_app.ui.window.main_window import MainWindow


@pytest.mark.parametrize(("screen", "expected"), [
    (QRect(0, 0, 1366, 768 - 32), QSize(1229, 662)),     # a common laptop, task bar excluded
    (QRect(0, 0, 1280, 720), QSize(1152, 648)),
    (QRect(0, 0, 1280, 720), QSize(1152, 648)),          # 1920x1080 at 150 % scale
    (QRect(0, 0, 3840, 2160), fit.PREFERRED),
])
def test_the_first_window_takes_at_most_90_percent_of_the_screen(screen, expected):
    assert fit.initial_size(screen) == expected


def test_a_remembered_geometry_is_moved_and_shrunk_onto_the_current_screen():
    laptop = QRect(0, 0, 1280, 720)
    assert fit.clamp_to_screen(QRect(1500, 900, 1980, 1260), laptop) == laptop
    assert fit.clamp_to_screen(QRect(-50, 600, 800, 400), laptop) == QRect(0, 320, 800, 400)
    assert fit.clamp_to_screen(QRect(100, 50, 800, 400), laptop) == QRect(100, 50, 800, 400)


def test_the_drawer_never_squeezes_the_game():
    assert fit.drawer_height(500) == 100                  # 20 % by default
    assert fit.drawer_height(1400) == fit.DRAWER_MAX_DEFAULT
    assert fit.drawer_height(500, saved=150) == 150       # a remembered height that leaves the game 60 %
    assert fit.drawer_height(500, saved=420) == 100       # one that would squeeze it is not restored


def test_the_game_gets_most_of_the_window_and_the_drawer_folds(qtbot, window_factory):
    window = window_factory(demo=True)
    top, bottom = window.vertical_splitter.sizes()
    assert top >= 0.6 * window.height() and top > 2 * bottom
    window.drawer_action.trigger()  # Ctrl+J
    assert window.drawer_collapsed
    bar = window.bottom_tabs.tabBar().height()
    qtbot.waitUntil(lambda: window.vertical_splitter.sizes()[1] <= bar + 4)
    # A click on a tab opens it again; a double-click folds it.
    window.bottom_tabs.tabBarClicked.emit(1)
    assert not window.drawer_collapsed and window.vertical_splitter.sizes()[1] > bar + 40
    window.bottom_tabs.tabBarDoubleClicked.emit(1)
    assert window.drawer_collapsed


def test_a_failure_opens_the_folded_drawer_on_the_answer(qtbot, window_factory, sandbox):
    from console_app.sandbox.faults import Fault
    from tests.fixtures.qt import sandbox_target

    window = window_factory(target=sandbox_target(sandbox), demo=True)
    window.set_drawer_collapsed(True)
    sandbox.inject(Fault("html502", count=10))
    with qtbot.waitSignal(window.controller.launch_failed, timeout=30_000):
        window.launch()
    assert not window.drawer_collapsed and window.bottom_tabs.currentWidget() is window.answer_scroll


def test_a_window_saved_on_a_big_monitor_opens_inside_this_screen(qtbot, qasync_loop, app_paths):
    first = MainWindow(paths=app_paths)
    first.setGeometry(QRect(0, 0, 3000, 2000))  # bigger than the offscreen screen
    first.set_drawer_collapsed(True)
    first.close()
    second = MainWindow(paths=app_paths)
    qtbot.addWidget(second)
    available = second.screen().availableGeometry()
    assert available.contains(second.geometry())
    assert second.drawer_collapsed  # remembered
    task = asyncio.ensure_future(asyncio.gather(first.shutdown(), second.shutdown()))
    qtbot.waitUntil(task.done, timeout=10_000)
