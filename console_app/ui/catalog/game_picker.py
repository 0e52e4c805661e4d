"""The rich game picker: type a game ID or name, pick from a filtered list with icons.

- Typing filters the catalog by ID or name (every word must match, case-insensitive);
  the popup shows icon, name and ID; favourites (★) and recently used games come
  first. Filtering 1,000 games takes about a millisecond, so it runs on every key.
- Any text is a valid choice: an ID outside the catalog is sent as typed (hints say
  what they think of it).
- The star button beside the field stars/unstars the current game; recent and
  favourite games live in :class:`console_app.core.catalog.GameShortlist`.
- Icons load asynchronously (QNetworkAccessManager: Qt's own event loop, no thread),
  only from http/https URLs, capped in size, cached on disk in
  ``<cache>/icons``; a generated initial badge stands in while loading or offline.

Interface used by the launch form: ``set_catalog(catalog)``, ``game_id()``,
``set_game_id(id)``, ``game_name(id)``, ``focus_search()``, signal ``game_changed(str)``;
plus ``note_used(id)`` after a launch so the game moves to the top of "recent".
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console_app.core.catalog import Catalog, Game, GameShortlist
from console_app.core.paths import AppPaths, write_atomically

if TYPE_CHECKING:
    from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply

log = logging.getLogger("console_app.ui.catalog.game_picker")

ICON_SIZE = 32
#: Icons larger than this are not loaded (a game icon is a few KB).
MAX_ICON_BYTES = 512 * 1024
ICON_TIMEOUT_MS = 8000
_URL_PROPERTY = "lm_icon_url"

GAME_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
RANK_ROLE = Qt.ItemDataRole.UserRole + 3  # 0 favourite, 1 recent, 2 other


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


class GameListModel(QAbstractListModel):
    """The catalog's games, favourites first, then recent games, then the rest in the
    catalog's order. The model itself is kept in that order (re-arranged when the
    shortlist changes), so the filter proxy never sorts: filtering stays one cheap
    pass over precomputed strings."""

    def __init__(self, icons: IconCache, shortlist: GameShortlist, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalog_games: tuple[Game, ...] = ()
        self._games: list[Game] = []
        self._rows_by_url: dict[str, list[int]] = {}
        self._placeholders: dict[str, QIcon] = {}
        self._icons = icons
        self._shortlist = shortlist
        self._rank: dict[str, int] = {}
        #: Lower-cased "id name" per row, so filtering does no Qt calls per row.
        self.search_text: list[str] = []
        icons.icon_ready.connect(self._on_icons_icon_ready)

    def set_games(self, games: tuple[Game, ...]) -> None:
        self._catalog_games = tuple(games)
        self.refresh_ranks()

    def refresh_ranks(self) -> None:
        """Re-read favourites and recent games from the shortlist and re-arrange."""
        rank = {gid: 1 for gid in self._shortlist.recent()}
        rank.update({gid: 0 for gid in self._shortlist.favourites()})
        self.beginResetModel()
        self._rank = rank
        order = sorted(range(len(self._catalog_games)), key=lambda i: (rank.get(self._catalog_games[i].id, 2), i))
        self._games = [self._catalog_games[i] for i in order]
        self.search_text = [f"{g.id} {g.name}".casefold() for g in self._games]
        self._rows_by_url = {}
        for row, game in enumerate(self._games):
            if game.icon_url:
                self._rows_by_url.setdefault(game.icon_url, []).append(row)
        self.endResetModel()

    def game_at(self, row: int) -> Game:
        return self._games[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._games)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        game = self._games[index.row()]
        if role in (Qt.ItemDataRole.EditRole, ID_ROLE):
            return game.id
        if role == Qt.ItemDataRole.DisplayRole:
            return game.display_name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{game.display_name}\n{game.id}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{game.display_name}, {game.id}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons.icon(game.icon_url) or self._placeholder(game)
        if role == RANK_ROLE:
            return self._rank.get(game.id, 2)
        if role == GAME_ROLE:
            return game
        return None

    def _placeholder(self, game: Game) -> QIcon:
        icon = self._placeholders.get(game.id)
        if icon is None:
            icon = self._placeholders[game.id] = placeholder_icon(game.id, game.name)
        return icon

    def _on_icons_icon_ready(self, url: str) -> None:
        for row in self._rows_by_url.get(url, ()):
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class GameFilterModel(QSortFilterProxyModel):
    """Rows whose ID or name contains every typed word (case-insensitive), in the
    source model's order."""

    def __init__(self, source: GameListModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._source = source  # typed: sourceModel() is a plain QAbstractItemModel
        self.setSourceModel(source)

    def set_query(self, text: str) -> None:
        words = text.casefold().split()
        if words != self._words:
            # Qt 6.10+: begin/endFilterChange replace the deprecated invalidateFilter().
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words:
            return True
        text = self._source.search_text[source_row]
        return all(word in text for word in self._words)


class GameRowDelegate(QStyledItemDelegate):
    """Icon, name (bold) and ID (small, dimmed) on two lines; ★ for favourites."""

    PADDING = 6

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(280, max(ICON_SIZE, metrics.height() * 2 + 2) + 2 * self.PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        option = QStyleOptionViewItem(option)
        self.initStyleOption(option, index)
        game: Game | None = index.data(GAME_ROLE)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        # Background and selection through the style, then the content by hand.
        option.text = ""
        option.icon = QIcon()
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        style = option.widget.style() if option.widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        if game is None or not isinstance(icon, QIcon):
            return
        painter.save()
        rect = option.rect.adjusted(self.PADDING, self.PADDING, -self.PADDING, -self.PADDING)
        icon_rect = QRect(rect.left(), rect.top() + (rect.height() - ICON_SIZE) // 2, ICON_SIZE, ICON_SIZE)
        icon.paint(painter, icon_rect)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Active
        text_colour = option.palette.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = QColor(text_colour)
        dim.setAlphaF(0.65)
        star_width = QFontMetrics(option.font).horizontalAdvance("★") + self.PADDING
        text_left = icon_rect.right() + 1 + self.PADDING * 2
        text_rect = QRect(text_left, rect.top(), rect.right() - text_left - star_width, rect.height())
        name_font = QFont(option.font)
        name_font.setBold(True)
        id_font = QFont(option.font)
        id_font.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.88))
        id_font.setStyleHint(QFont.StyleHint.Monospace)
        id_font.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
        half = text_rect.height() // 2
        painter.setFont(name_font)
        painter.setPen(text_colour)
        name = QFontMetrics(name_font).elidedText(game.display_name, Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(QRect(text_rect.left(), text_rect.top(), text_rect.width(), half),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, name)
        painter.setFont(id_font)
        painter.setPen(dim)
        ident = QFontMetrics(id_font).elidedText(game.id, Qt.TextElideMode.ElideMiddle, text_rect.width())
        painter.drawText(QRect(text_rect.left(), text_rect.top() + half + 1, text_rect.width(), half),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, ident)
        rank = index.data(RANK_ROLE)
        if rank in (0, 1):
            marker = "★" if rank == 0 else "recent"
            painter.setFont(option.font if rank == 0 else id_font)
            painter.setPen(QColor("#d4a017") if rank == 0 else dim)
            width = QFontMetrics(painter.font()).horizontalAdvance(marker)
            painter.drawText(QRect(rect.right() - width, rect.top(), width, rect.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, marker)
        painter.restore()


class GamePicker(QWidget):
    """Search-as-you-type game field with icons, favourites and recent games.

    ``game_changed(str)`` fires with the field's text (the game ID) whenever it changes."""

    game_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, paths: AppPaths | None = None) -> None:
        super().__init__(parent)
        if paths is None:
            paths = AppPaths.default()
        self.setObjectName("gamePicker")
        self.setAccessibleName("Game")
        self._shortlist = GameShortlist(paths)
        self._icons = IconCache(paths.cache_dir / "icons", self)
        self._model = GameListModel(self._icons, self._shortlist, self)
        self._proxy = GameFilterModel(self._model, self)
        self._catalog: Catalog | None = None

        self._edit = QLineEdit(self)
        self._edit.setObjectName("gamePickerEdit")
        self._edit.setAccessibleName("Game ID or name")
        self._edit.setPlaceholderText("Type a game ID or name")
        self._edit.setClearButtonEnabled(True)
        self._icon_action = QAction(self)
        self._edit.addAction(self._icon_action, QLineEdit.ActionPosition.LeadingPosition)

        self._star = QToolButton(self)
        self._star.setObjectName("gamePickerStar")
        self._star.setAccessibleName("Favourite game")
        self._star.setCheckable(True)
        self._star.setAutoRaise(True)
        self._star.setToolTip("Star this game: starred games come first in the list")

        self._caption = QLabel(self)
        self._caption.setObjectName("gamePickerCaption")
        self._caption.setAccessibleName("Game name")
        self._caption.setTextFormat(Qt.TextFormat.PlainText)
        caption_font = self._caption.font()
        caption_font.setPointSizeF(caption_font.pointSizeF() * 0.9)
        self._caption.setFont(caption_font)
        self._caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self._completer = QCompleter(self._proxy, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCompletionRole(ID_ROLE)
        self._completer.setMaxVisibleItems(9)
        self._completer.setWidget(self._edit)
        popup = self._completer.popup()
        assert isinstance(popup, QListView)  # QCompleter's own popup
        self._popup = popup
        popup.setObjectName("gamePickerPopup")
        popup.setAccessibleName("Matching games")
        popup.setItemDelegate(GameRowDelegate(popup))
        popup.setUniformItemSizes(True)
        popup.setMinimumWidth(360)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self._edit, 1)
        row.addWidget(self._star)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addLayout(row)
        layout.addWidget(self._caption)
        self.setFocusProxy(self._edit)

        self._edit.textEdited.connect(self._on_edit_text_edited)
        self._edit.textChanged.connect(self._on_edit_text_changed)
        # PySide6's stub does not know a signal's overloads by argument type.
        self._completer.activated[QModelIndex].connect(self._on_completer_activated)  # type: ignore[index]
        self._star.toggled.connect(self._on_star_toggled)
        self._icons.icon_ready.connect(self._on_icons_icon_ready)
        self._update_current()

    # -- the interface the launch form uses
    def set_catalog(self, catalog: Catalog) -> None:
        """Show ``catalog``'s games (the typed text stays as it is)."""
        self._catalog = catalog
        self._model.set_games(catalog.games)
        self._update_current()

    def catalog(self) -> Catalog | None:
        return self._catalog

    def game_id(self) -> str:
        """The field's text, exactly as typed or picked (an unknown ID is allowed)."""
        return self._edit.text()

    def set_game_id(self, game_id: str) -> None:
        self._edit.setText(game_id)

    def game_name(self, game_id: str) -> str | None:
        """The catalog's name for ``game_id`` (None if it is not in the catalog)."""
        game = self._catalog.game(game_id) if self._catalog else None
        return (game.name or None) if game else None

    def focus_search(self) -> None:
        """Focus the field, select its text and open the list (Ctrl+L)."""
        self._edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._edit.selectAll()
        self._proxy.set_query("")
        self._show_popup()

    def note_used(self, game_id: str) -> None:
        """Record a launch of ``game_id``: it moves to the top of the recent games."""
        self._shortlist.note_used(game_id)
        self._model.refresh_ranks()

    # -- for tests and the window's menus
    def line_edit(self) -> QLineEdit:
        return self._edit

    def popup(self) -> QListView:
        return self._popup

    def visible_game_ids(self) -> list[str]:
        """IDs currently listed by the filter, in display order."""
        return [self._proxy.index(r, 0).data(ID_ROLE) for r in range(self._proxy.rowCount())]

    def icon_cache(self) -> IconCache:
        return self._icons

    # -- slots
    def _on_edit_text_edited(self, text: str) -> None:
        self._proxy.set_query(text)
        self._show_popup()

    def _on_edit_text_changed(self, text: str) -> None:
        self._update_current()
        self.game_changed.emit(text)

    def _on_completer_activated(self, index: QModelIndex) -> None:
        game_id = index.data(ID_ROLE)
        if game_id:
            self._edit.setText(game_id)
            self._proxy.set_query("")

    def _on_star_toggled(self, checked: bool) -> None:
        game_id = self._edit.text().strip()
        if game_id and self._shortlist.is_favourite(game_id) != checked:
            self._shortlist.set_favourite(game_id, checked)
            self._model.refresh_ranks()
        self._update_star()

    def _on_icons_icon_ready(self, url: str) -> None:
        game = self._current_game()
        if game is not None and game.icon_url == url:
            self._update_current()

    # -- helpers
    def _show_popup(self) -> None:
        if self._proxy.rowCount() == 0:
            self._popup.hide()
            return
        rect = self._edit.rect()
        rect.setWidth(max(rect.width(), 360))
        self._completer.complete(rect)

    def _current_game(self) -> Game | None:
        return self._catalog.game(self._edit.text().strip()) if self._catalog else None

    def _update_current(self) -> None:
        text = self._edit.text().strip()
        game = self._current_game()
        if game is not None:
            self._icon_action.setIcon(self._icons.icon(game.icon_url) or placeholder_icon(game.id, game.name))
            self._caption.setText(game.display_name)
        else:
            self._icon_action.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogContentsView))
            self._caption.setText("not in the catalog: sent as typed" if text else "")
        self._update_star()

    def _update_star(self) -> None:
        game_id = self._edit.text().strip()
        favourite = bool(game_id) and self._shortlist.is_favourite(game_id)
        self._star.setEnabled(bool(game_id))
        self._star.blockSignals(True)
        self._star.setChecked(favourite)
        self._star.blockSignals(False)
        self._star.setText("★" if favourite else "☆")
        self._star.setToolTip("Unstar this game" if favourite else "Star this game: starred games come first")
