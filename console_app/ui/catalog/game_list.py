"""The picker's list: the catalog's games in display order (favourites, recent, the
rest), the filter as you type, and the two-line row with icon, name and ID.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from console_app.core.catalog import Game, GameShortlist
from console_app.ui.catalog.game_icons import ICON_SIZE, IconCache, placeholder_icon

GAME_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
RANK_ROLE = Qt.ItemDataRole.UserRole + 3  # 0 favourite, 1 recent, 2 other


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
