"""Messages across the window that are not the answer to a launch.

- **Banners** stand full width above the form and the game: the production profile
  (solid, cannot be dismissed), the web sandbox switched off. They are shown while the
  window is built, before its first paint.
- **Notices** stand in the status bar, in a slot that is there from the start: what
  is only known after the first paint (no OS keyring) appears without moving the
  form or the game by a pixel.

Both are redacted and can be dismissed (the state stays in the status bar).
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from console_app.core.redaction import redact
from console_app.qtstyle import named, set_severity, themed


def _strip(kind: str, key: str, margins: tuple[int, int, int, int]) -> QFrame:
    """A ``<kind>_<key>`` frame with its text label and a ✕ button that hides it."""
    strip = named(QFrame(), f"{kind}_{key}", f"{key} {kind}")
    label = named(QLabel(strip), f"{kind}_{key}_text", f"{key} {kind} text")
    close = themed(named(QToolButton(strip), f"{kind}_{key}_close", f"Dismiss the {key} {kind}"))
    close.setText("✕")
    close.setAutoRaise(True)
    close.setToolTip("Dismiss (the status bar keeps the state)")
    close.clicked.connect(strip.hide)
    inner = QHBoxLayout(strip)
    inner.setContentsMargins(*margins)
    inner.setSpacing(4)
    inner.addWidget(label, 1)
    inner.addWidget(close)
    return strip


def _parts(strip: QFrame) -> tuple[QLabel, QToolButton]:
    label, close = strip.findChild(QLabel), strip.findChild(QToolButton)
    assert label is not None and close is not None  # made with the strip, in _strip
    return label, close


class BannerStack(QWidget):
    """The full-width banners above the form and the game, one per key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "bannerBox", "Banners")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._banners: dict[str, QFrame] = {}

    def show_banner(self, key: str, text: str, severity: str = "warning", *, solid: str | None = None) -> None:
        """Show (or update) banner ``key``; ``solid``: a background nobody can overlook."""
        banner = self._banners.get(key)
        if banner is None:
            banner = self._banners[key] = _strip("banner", key, (12, 4, 6, 4))
            _parts(banner)[0].setWordWrap(True)
            self._layout.addWidget(banner)
        label, close = _parts(banner)
        label.setText(redact(text))
        # What must not be overlooked (production) cannot be dismissed.
        close.setVisible(solid is None)
        themed(banner,
            f"QFrame#banner_{key} {{ background: {solid}; border: none; border-radius: 0; }}"
            f"QFrame#banner_{key} QLabel {{ color: white; font-weight: 700; font-size: 14px; }}" if solid else ""
        )
        set_severity(banner, severity)
        banner.show()

    def hide_banner(self, key: str) -> None:
        banner = self._banners.get(key)
        if banner is not None:
            banner.hide()


class NoticeArea(QWidget):
    """The status bar's notice slot: one line, its height fixed from the start."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "noticeArea", "Notices")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._notices: dict[str, QFrame] = {}
        # As tall as a notice from the first paint on, so the status bar never grows.
        self.setFixedHeight(self.fontMetrics().height() + 10)
        # An explicit minimum: a long notice is cut (its tooltip has all of it) rather
        # than widening the window past a small screen.
        self.setMinimumWidth(120)

    def show_notice(self, key: str, text: str, severity: str = "warning") -> None:
        notice = self._notices.get(key)
        if notice is None:
            notice = self._notices[key] = _strip("notice", key, (6, 0, 0, 0))
            notice.setFixedHeight(self.height())
            _parts(notice)[0].setMinimumWidth(1)  # cut, not widening the window
            _parts(notice)[1].setFixedHeight(self.height() - 2)
            self._layout.addWidget(notice)
        label, _close = _parts(notice)
        label.setText(redact(text))
        notice.setToolTip(redact(text))
        set_severity(notice, severity)
        notice.show()

    def hide_notice(self, key: str) -> None:
        notice = self._notices.get(key)
        if notice is not None:
            notice.hide()
