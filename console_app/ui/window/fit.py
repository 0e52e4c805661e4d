"""How big the window and its parts are on the screen it opens on: pure geometry,
unit-tested, so the window fits a 1280×720 laptop as well as a 4K monitor.

- The first window takes at most :data:`SCREEN_SHARE` of the screen's available
  geometry (task bars excluded), up to a comfortable :data:`PREFERRED` size.
- A remembered geometry is moved and shrunk onto the current screen (it may have
  been saved on a bigger monitor).
- The game is the hero: the bottom drawer gets at most :data:`DRAWER_SHARE` of the
  height by default and never more than :data:`DRAWER_MAX_SHARE` after a restart.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize

#: The most of a screen's available area the first window takes.
SCREEN_SHARE = 0.9
#: The window's size when the screen is big enough.
PREFERRED = QSize(1440, 900)
#: The form's width, and its share of a narrow window.
FORM_WIDTH = 380
FORM_MIN_WIDTH = 300
#: A remembered form wider than this share of the window is not restored.
FORM_MAX_SHARE = 0.6
#: The drawer's default share of the main splitter's height, and its limit after a restart.
DRAWER_SHARE = 0.2
DRAWER_MAX_SHARE = 0.4
#: The least an open drawer shows under its tab bar (its pages scroll).
DRAWER_MIN_CONTENT = 60
#: A first window shorter than this starts with the drawer folded to its tab bar.
SHORT_WINDOW = 600
#: The drawer's default height is capped, so a tall screen gives the game the room.
DRAWER_MAX_DEFAULT = 260


def initial_size(available: QRect) -> QSize:
    """The first window's size on a screen with ``available`` geometry."""
    return QSize(min(PREFERRED.width(), int(available.width() * SCREEN_SHARE)),
                 min(PREFERRED.height(), int(available.height() * SCREEN_SHARE)))


def centered(size: QSize, available: QRect) -> QRect:
    """``size`` centred in ``available``."""
    return QRect(available.x() + (available.width() - size.width()) // 2,
                 available.y() + (available.height() - size.height()) // 2, size.width(), size.height())


def clamp_to_screen(geometry: QRect, available: QRect) -> QRect:
    """``geometry`` shrunk to fit ``available`` and moved fully onto it."""
    width = min(geometry.width(), available.width())
    height = min(geometry.height(), available.height())
    x = min(max(geometry.x(), available.x()), available.x() + available.width() - width)
    y = min(max(geometry.y(), available.y()), available.y() + available.height() - height)
    return QRect(x, y, width, height)


def form_width(window_width: int) -> int:
    """The form column's width in a window ``window_width`` wide (the game gets the rest)."""
    return max(FORM_MIN_WIDTH, min(FORM_WIDTH, window_width // 3))


def drawer_height(splitter_height: int, saved: int | None = None) -> int:
    """The drawer's height in a main splitter ``splitter_height`` tall: the saved
    height if it leaves the game its share, else the default."""
    limit = int(splitter_height * DRAWER_MAX_SHARE)
    if saved is not None and 0 < saved <= limit:
        return saved
    return min(DRAWER_MAX_DEFAULT, int(splitter_height * DRAWER_SHARE))
