"""Game icons for the picker: a generated initials badge, and :class:`IconCache`,
which loads icons asynchronously (QNetworkAccessManager: Qt's own event loop, no
thread), only from http/https URLs, capped in size, cached on disk in ``<cache>/icons``.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from console_app.core.paths import write_atomically

if TYPE_CHECKING:
    from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply

log = logging.getLogger("console_app.ui.catalog.game_icons")

ICON_SIZE = 32
#: Icons larger than this are not loaded (a game icon is a few KB).
MAX_ICON_BYTES = 512 * 1024
ICON_TIMEOUT_MS = 8000
_URL_PROPERTY = "lm_icon_url"



def _badge_colour(game_id: str) -> QColor:
    hue = int(hashlib.sha1(game_id.encode("utf-8")).hexdigest()[:4], 16) % 360
    return QColor.fromHsl(hue, 120, 110)


def placeholder_icon(game_id: str, name: str = "") -> QIcon:
    """A round-cornered badge with the game's initials, in a colour derived from its ID."""
    words = [w for w in (name or game_id.split("_")[-1]).split() if w[:1].isalnum()]
    initials = "".join(w[0] for w in words[:2]).upper() or "?"
    pixmap = QPixmap(ICON_SIZE * 2, ICON_SIZE * 2)  # drawn at 2x: crisp on HiDPI
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(_badge_colour(game_id))
    painter.drawRoundedRect(pixmap.rect(), 14, 14)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(26 if len(initials) > 1 else 30)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, initials)
    painter.end()
    pixmap.setDevicePixelRatio(2)
    return QIcon(pixmap)


class IconCache(QObject):
    """Game icons by URL: memory, then ``<cache>/icons``, then the network.

    :meth:`icon` answers at once (None while unknown) and starts at most one download
    per URL; ``icon_ready(url)`` fires when it arrives. Failures (offline, 404, not an
    image, too big, not http/https) are remembered for the session and logged once."""

    icon_ready = Signal(str)

    def __init__(self, cache_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dir = cache_dir
        self._icons: dict[str, QIcon] = {}
        self._failed: set[str] = set()
        self._pending: set[str] = set()
        self._manager: QNetworkAccessManager | None = None

    def path_for(self, url: str) -> Path:
        return self._dir / hashlib.sha256(url.encode("utf-8")).hexdigest()

    def icon(self, url: str | None) -> QIcon | None:
        if not url or url in self._failed:
            return None
        cached = self._icons.get(url)
        if cached is not None:
            return cached
        if url in self._pending:
            return None
        path = self.path_for(url)
        if path.is_file():
            icon = self._icon_from(path.read_bytes())
            if icon is not None:
                self._icons[url] = icon
                return icon
        self._download(url)
        return None

    def _icon_from(self, data: bytes) -> QIcon | None:
        pixmap = QPixmap()
        if not data or not pixmap.loadFromData(data):
            return None
        return QIcon(pixmap.scaled(ICON_SIZE * 2, ICON_SIZE * 2, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation))

    def _download(self, url: str) -> None:
        # QtNetwork loads with the first icon asked for (~10 ms the window need not pay before it shows).
        from PySide6.QtNetwork import QNetworkAccessManager, QNetworkRequest

        qurl = QUrl(url)
        if qurl.scheme().lower() not in ("http", "https") or not qurl.host():
            self._failed.add(url)
            return
        if self._manager is None:
            self._manager = QNetworkAccessManager(self)
            self._manager.finished.connect(self._on_manager_finished)
        request = QNetworkRequest(qurl)
        request.setTransferTimeout(ICON_TIMEOUT_MS)
        request.setAttribute(QNetworkRequest.Attribute.RedirectPolicyAttribute,
                             QNetworkRequest.RedirectPolicy.NoLessSafeRedirectPolicy)
        reply = self._manager.get(request)
        # The URL rides on the reply itself: holding Python references to replies
        # (e.g. in lambdas) crashed PySide when the manager was destroyed first.
        reply.setProperty(_URL_PROPERTY, url)
        reply.downloadProgress.connect(self._on_reply_download_progress)
        self._pending.add(url)

    def _on_reply_download_progress(self, received: int, _total: int) -> None:
        from PySide6.QtNetwork import QNetworkReply

        reply = self.sender()
        if isinstance(reply, QNetworkReply) and received > MAX_ICON_BYTES:
            reply.abort()

    def _on_manager_finished(self, reply: QNetworkReply) -> None:
        from PySide6.QtNetwork import QNetworkReply

        url = str(reply.property(_URL_PROPERTY) or "")
        self._pending.discard(url)
        reply.deleteLater()
        data = bytes(reply.readAll().data()) if reply.error() == QNetworkReply.NetworkError.NoError else b""
        icon = self._icon_from(data) if len(data) <= MAX_ICON_BYTES else None
        if icon is None:
            self._failed.add(url)
            log.info("no icon from %s (%s)", url, reply.errorString() if reply.error() else "not an image")
            return
        self._icons[url] = icon
        try:
            write_atomically(self.path_for(url), data, mode=0o644)
        except OSError as exc:
            log.info("could not cache icon %s: %s", url, exc)
        self.icon_ready.emit(url)

    def pending_count(self) -> int:
        return len(self._pending)
