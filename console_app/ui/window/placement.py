"""Where the window opens and what it remembers when it closes: the first window is
sized for the screen it opens on, a restored one is clamped to it, the game gets most
of the room and the drawer comes back as it was (:mod:`~console_app.ui.window.fit`
does the arithmetic, :class:`~console_app.ui.window.state.WindowState` the file).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication

from console_app.ui.window import fit

if TYPE_CHECKING:
    from console_app.ui.window.main_window import MainWindow

#: Menu bar, toolbar and status bar take about this much of the window's height.
_CHROME_HEIGHT = 100


def place(window: MainWindow, available: QRect | None = None) -> None:
    """Size ``window`` for its screen (or one whose available area is ``available``),
    with the remembered state clamped to it, and restore the drawer and the device."""
    if available is None:
        screen = window.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)
    state, drawer = window.state, window.drawer
    restored = state is not None and state.restore_geometry(window)
    if not drawer.collapsed:
        drawer.set_open_minimum()
    if restored:
        if not (window.isMaximized() or window.isFullScreen()):
            window.setGeometry(fit.clamp_to_screen(window.geometry(), available))
    else:
        window.setGeometry(fit.centered(fit.initial_size(available), available))
    width = window.width()
    saved_h = state.splitter_sizes("horizontal", 2) if state is not None else None
    if saved_h is not None and saved_h[0] <= sum(saved_h) * fit.FORM_MAX_SHARE:
        window.horizontal_splitter.setSizes(saved_h)
    else:
        window.horizontal_splitter.setSizes([fit.form_width(width), width - fit.form_width(width)])
    collapsed, saved_drawer = state.drawer() if state is not None else (False, None)
    splitter_height = max(200, window.height() - _CHROME_HEIGHT)
    drawer.open_height = fit.drawer_height(splitter_height, saved_drawer)
    window.vertical_splitter.setSizes([splitter_height - drawer.open_height, drawer.open_height])
    # A short window starts with the drawer folded: the game gets the room.
    if collapsed or (saved_drawer is None and window.height() < fit.SHORT_WINDOW):
        drawer.set_collapsed(True)
    if state is not None and state.device_name():
        window.device_selector.set_device_name(state.device_name())


def remember(window: MainWindow) -> None:
    """Write the window's geometry, splitters, drawer, device and form values."""
    state = window.state
    if state is None:
        return
    state.save_window(window, {"horizontal": window.horizontal_splitter, "vertical": window.vertical_splitter},
                      drawer_collapsed=window.drawer.collapsed, drawer_height=window.drawer.height_to_remember(),
                      device=window.device_selector.device().name)
    state.save_form_values(window.form.request())
    state.sync()
