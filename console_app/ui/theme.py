"""Look and feel: Fusion with the OS light/dark scheme, the system font, a monospace
font for JSON/URLs and one small style sheet for severity colours.

Widgets opt in through dynamic properties instead of hard-coded colours:
``severity`` = ``success`` / ``warning`` / ``error`` / ``info`` on banners, chips and
messages; ``problem`` = ``warning`` / ``error`` on form fields; ``role`` = ``primary``
for the Launch button (``heading`` and ``hint`` are a font and a palette, see
:func:`console_app.qtstyle.set_role`). The sheet goes only on the widgets that use it
(:func:`console_app.qtstyle.themed`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from console_app.qtstyle import set_theme_sheet

_LIGHT = {
    "success": ("#1f7a3a", "#e6f4ea"),
    "warning": ("#8a5300", "#fff4e0"),
    "error": ("#b3261e", "#fdecea"),
    "info": ("#3c4650", "#eef1f4"),
    "accent": "#2f6fde",
}
_DARK = {
    "success": ("#7fd49b", "#1d3325"),
    "warning": ("#ffc266", "#3a2c12"),
    "error": ("#ff9a92", "#3f1d1b"),
    "info": ("#c9d1d9", "#262c33"),
    "accent": "#6ea2ff",
}


def is_dark(app: QGuiApplication | None = None) -> bool:
    """True when the OS (or, failing that, the palette) asks for a dark scheme."""
    if app is None:
        running = QGuiApplication.instance()
        assert isinstance(running, QGuiApplication)  # the window's application is running
        app = running
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def style_sheet(dark: bool) -> str:
    """The application style sheet for a light or dark scheme."""
    c = _DARK if dark else _LIGHT
    rules = []
    for severity in ("success", "warning", "error", "info"):
        fg, bg = c[severity]
        rules.append(
            f'QFrame[severity="{severity}"], QLabel[severity="{severity}"] '
            f"{{ color: {fg}; background: {bg}; border: 1px solid {fg}; border-radius: 4px; }}"
        )
        rules.append(f'QLabel[severity="{severity}"][chip="false"] {{ border: none; background: transparent; }}')
        rules.append(f'QFrame[severity="{severity}"] QLabel {{ color: {fg}; background: transparent; border: none; }}')
    for problem in ("warning", "error"):
        fg, _bg = c[problem]
        rules.append(f'QLineEdit[problem="{problem}"], QComboBox[problem="{problem}"] {{ border: 1px solid {fg}; }}')
    rules += [
        f'QPushButton[role="primary"] {{ background: {c["accent"]}; color: white; font-weight: 600; '
        "padding: 5px 14px; border-radius: 4px; border: 1px solid transparent; }",
        'QPushButton[role="primary"]:disabled { background: palette(mid); color: palette(window); }',
        # A styled button loses Fusion's focus frame: keyboard users must see where Tab went.
        'QPushButton[role="primary"]:focus { border: 2px solid palette(highlighted-text); '
        "outline: 2px solid palette(highlight); }",
        "QToolButton:focus { border: 1px solid palette(highlight); border-radius: 3px; }",
        'QLabel#emptyGameState { font-size: 15px; color: palette(placeholder-text); }',
        "QStatusBar QLabel { padding: 1px 6px; }",
    ]
    return "\n".join(rules)


def apply_theme(app: QApplication) -> None:
    """Use the style sheet for the themed widgets (:func:`console_app.qtstyle.themed`)
    now and again whenever the OS scheme changes. Not on the application: that would
    put every widget under the style-sheet style (see :mod:`console_app.qtstyle`)."""
    set_theme_sheet(style_sheet(is_dark(app)))
    app.styleHints().colorSchemeChanged.connect(lambda *_: set_theme_sheet(style_sheet(is_dark(app))))


def monospace_font() -> QFont:
    """The system's fixed-width font, for JSON, URLs and logs."""
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
