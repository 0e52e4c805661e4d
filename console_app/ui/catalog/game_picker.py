"""The rich game picker: type a game ID or name, pick from a filtered list with icons.

- Typing filters the catalog by ID or name (every word must match, case-insensitive);
  the popup shows icon, name and ID; favourites (★) and recently used games come
  first. Filtering 1,000 games takes about a millisecond, so it runs on every key.
- Any text is a valid choice: an ID outside the catalog is sent as typed (hints say
  what they think of it).
- The star button beside the field stars/unstars the current game; recent and
  favourite games live in :class:`console_app.core.catalog.GameShortlist`.
- Icons come from :mod:`~console_app.ui.catalog.game_icons` (loaded asynchronously,
  cached on disk; a generated initials badge stands in while loading or offline); the
  list, its filter and its rows from :mod:`~console_app.ui.catalog.game_list`.

Interface used by the launch form: ``set_catalog(catalog)``, ``game_id()``,
``set_game_id(id)``, ``game_name(id)``, ``focus_search()``, signal ``game_changed(str)``;
plus ``note_used(id)`` after a launch so the game moves to the top of "recent".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QStyle, QToolButton, QVBoxLayout, QWidget

from console_app.core.catalog import GameShortlist
from console_app.core.paths import AppPaths
from console_app.qtstyle import themed

if TYPE_CHECKING:
    from PySide6.QtWidgets import QCompleter, QListView

    from console_app.core.catalog import Catalog, Game
    from console_app.ui.catalog.game_icons import IconCache
    from console_app.ui.catalog.game_list import GameFilterModel, GameListModel


class _GameList:
    """The picker's list: icons, the catalog's rows, their filter and the popup. Built
    the first time it is needed (a catalog to show, a key typed), not for the first
    paint: its modules and widgets cost ~10 ms the window need not wait for."""

    def __init__(self, picker: GamePicker, edit: QLineEdit, shortlist: GameShortlist, icons: IconCache) -> None:
        from PySide6.QtWidgets import QCompleter, QListView

        from console_app.ui.catalog.game_list import ID_ROLE, GameFilterModel, GameListModel, GameRowDelegate

        self.model = GameListModel(icons, shortlist, picker)
        self.proxy = GameFilterModel(self.model, picker)
        self.id_role = ID_ROLE
        self.completer = QCompleter(self.proxy, picker)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(ID_ROLE)
        self.completer.setMaxVisibleItems(9)
        self.completer.setWidget(edit)
        popup = self.completer.popup()
        assert isinstance(popup, QListView)  # QCompleter's own popup
        self.popup = popup
        popup.setObjectName("gamePickerPopup")
        popup.setAccessibleName("Matching games")
        popup.setItemDelegate(GameRowDelegate(popup))
        popup.setUniformItemSizes(True)
        popup.setMinimumWidth(360)


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
        self._paths = paths
        self._shortlist = GameShortlist(paths)
        self._list: _GameList | None = None
        self._icon_cache: IconCache | None = None
        self._catalog: Catalog | None = None

        self._edit = QLineEdit(self)
        self._edit.setObjectName("gamePickerEdit")
        self._edit.setAccessibleName("Game ID or name")
        self._edit.setPlaceholderText("Type a game ID or name")
        self._edit.setClearButtonEnabled(True)
        self._icon_action = QAction(self)
        self._edit.addAction(self._icon_action, QLineEdit.ActionPosition.LeadingPosition)

        self._star = themed(QToolButton(self))
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
        self._star.toggled.connect(self._on_star_toggled)
        self._update_current()

    def _game_list(self) -> _GameList:
        """The list, built now if it is not yet."""
        if self._list is None:
            self._list = _GameList(self, self._edit, self._shortlist, self._icons)
            # PySide6's stub does not know a signal's overloads by argument type.
            self._list.completer.activated[QModelIndex].connect(self._on_completer_activated)  # type: ignore[index]
            if self._catalog is not None:
                self._list.model.set_games(self._catalog.games)
        return self._list

    # The list's parts, for the methods below and the tests.
    @property
    def _model(self) -> GameListModel:
        return self._game_list().model

    @property
    def _proxy(self) -> GameFilterModel:
        return self._game_list().proxy

    @property
    def _completer(self) -> QCompleter:
        return self._game_list().completer

    @property
    def _popup(self) -> QListView:
        return self._game_list().popup

    @property
    def _icons(self) -> IconCache:
        if self._icon_cache is None:
            from console_app.ui.catalog.game_icons import IconCache

            self._icon_cache = IconCache(self._paths.cache_dir / "icons", self)
            self._icon_cache.icon_ready.connect(self._on_icons_icon_ready)
        return self._icon_cache

    # -- the interface the launch form uses
    def set_catalog(self, catalog: Catalog) -> None:
        """Show ``catalog``'s games (the typed text stays as it is)."""
        self._catalog = catalog
        if self._list is not None:  # else the list takes the games when it is built
            self._list.model.set_games(catalog.games)
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
        if self._list is not None:
            self._list.model.refresh_ranks()

    # -- for tests and the window's menus
    def line_edit(self) -> QLineEdit:
        return self._edit

    def popup(self) -> QListView:
        return self._popup

    def visible_game_ids(self) -> list[str]:
        """IDs currently listed by the filter, in display order."""
        parts = self._game_list()
        return [parts.proxy.index(r, 0).data(parts.id_role) for r in range(parts.proxy.rowCount())]

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
        game_id = index.data(self._game_list().id_role)
        if game_id:
            self._edit.setText(game_id)
            self._proxy.set_query("")

    def _on_star_toggled(self, checked: bool) -> None:
        game_id = self._edit.text().strip()
        if game_id and self._shortlist.is_favourite(game_id) != checked:
            self._shortlist.set_favourite(game_id, checked)
            if self._list is not None:
                self._list.model.refresh_ranks()
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
            from console_app.ui.catalog.game_icons import placeholder_icon

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


def picker_factory(paths: AppPaths) -> Callable[[QWidget], QWidget]:
    """A ``game_picker_factory`` making the rich :class:`GamePicker` (icons cached under ``paths``)."""

    def make(parent: QWidget) -> QWidget:
        return GamePicker(parent, paths=paths)

    return make
