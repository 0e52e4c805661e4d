"""The window's actions, its named menus and its toolbar with its sections, where
features put their actions (through :class:`~console_app.ui.api.WindowApi`).

Menus are made on first use, in :data:`MENU_ORDER` (a feature's own menus go before
View and Help), so a menu appears once something is put in it. The toolbar has two
sections: ``targets`` (after the environment selector) and ``tools`` (at the end).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QMenuBar, QSizePolicy, QToolBar, QWidget

from console_app.qtstyle import named
from console_app.ui.window.device_selector import DeviceSelector
from console_app.ui.window.environment_selector import EnvironmentSelector

#: The named menus, in menu-bar order; a menu appears once something is put in it.
MENU_ORDER = ("file", "edit", "game", "view", "help")
_MENU_TITLES = {"file": "&File", "edit": "&Edit", "game": "&Game", "view": "&View", "help": "&Help"}


def make_action(window: QWidget, text: str, name: str, slot: Callable[..., Any], shortcuts: Iterable[str] = (),
                tip: str = "", *, checkable: bool = False) -> QAction:
    """An action of ``window`` whose shortcuts work anywhere in it."""
    action = QAction(text, window)
    action.setObjectName(name)
    action.setCheckable(checkable)
    if shortcuts:
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if tip:
        action.setToolTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def name_button(toolbar: QToolBar, action: QAction) -> None:
    """Give the toolbar's button for ``action`` an object and an accessible name."""
    button = toolbar.widgetForAction(action)
    if button is not None:
        button.setObjectName(f"{action.objectName()}Button")
        button.setAccessibleName(action.text().replace("&", "").rstrip("…"))


class MainToolbar(QToolBar):
    """Environment, partner ID, the ``targets`` section, the window's ``actions``, the
    device selector, then the ``tools`` section at the end."""

    def __init__(self, parent: QWidget, actions: Iterable[QAction]) -> None:
        super().__init__("Main", parent)
        named(self, "mainToolbar", "Main toolbar")
        self.setMovable(False)
        self.setFloatable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.environment = EnvironmentSelector(self)
        self.partner_label = named(QLabel(self), "partnerLabel", "Partner ID")
        self.partner_label.setContentsMargins(10, 0, 10, 0)
        self.addWidget(self.environment)
        self.addWidget(self.partner_label)
        # Features' "targets" actions go before this separator, "tools" at the end.
        self.targets_end = self.addSeparator()
        for action in actions:
            self.addAction(action)
            name_button(self, action)
        self.device_selector = DeviceSelector(self)
        self.addWidget(self.device_selector)
        spacer = named(QWidget(self), "toolbarSpacer", "Spacer")
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)


class ActionRegistry(QObject):
    """The menus of ``menu_bar`` by name and the sections of ``toolbar``; actions put
    anywhere are also added to ``window``, so their shortcuts work everywhere in it."""

    def __init__(self, window: QWidget, menu_bar: QMenuBar, toolbar: MainToolbar) -> None:
        super().__init__(window)
        self._window = window
        self._menu_bar = menu_bar
        self._toolbar = toolbar
        self._menus: dict[str, QMenu] = {}
        self._titles = dict(_MENU_TITLES)
        # Quit stays last in File, behind this separator.
        self._quit_separator: QAction | None = None

    def set_quit(self, quit_action: QAction) -> None:
        """Put ``quit_action`` at the end of File, where it stays."""
        self._quit_separator = self.menu("file").addSeparator()
        self.menu("file").addAction(quit_action)

    def menu(self, name: str) -> QMenu:
        """The named menu, created (in :data:`MENU_ORDER`) on first use."""
        existing = self._menus.get(name)
        if existing is not None:
            return existing
        if name not in self._titles:
            raise KeyError(f"no menu named {name!r}; add it with add_menu first")
        return self._insert_menu(name, self._titles[name])

    def add_menu(self, name: str, title: str) -> QMenu:
        """A feature's own top-level menu, before View and Help."""
        if name in self._menus:
            return self._menus[name]
        self._titles[name] = title
        return self._insert_menu(name, title, before=("view", "help"))

    def _insert_menu(self, name: str, title: str, before: tuple[str, ...] | None = None) -> QMenu:
        menu = QMenu(title, self._menu_bar)
        menu.setObjectName(f"{name}Menu")
        order = list(MENU_ORDER)
        following = before if before is not None else tuple(order[order.index(name) + 1:]) if name in order else ()
        anchor = next((self._menus[n] for n in following if n in self._menus), None)
        if anchor is not None:
            self._menu_bar.insertMenu(anchor.menuAction(), menu)
        else:
            self._menu_bar.addMenu(menu)
        self._menus[name] = menu
        return menu

    def add_action(self, action: QAction, *, menu: str | None = None, toolbar: str | None = None,
                   before: QAction | None = None) -> None:
        if action not in self._window.actions():
            self._window.addAction(action)
        if menu is not None:
            target = self.menu(menu)
            if menu == "file" and before is None:
                before = self._quit_separator
            if before is not None and before in target.actions():
                target.insertAction(before, action)
            else:
                target.addAction(action)
        if toolbar is not None:
            if toolbar == "targets":
                self._toolbar.insertAction(before or self._toolbar.targets_end, action)
            elif toolbar == "tools":
                self._toolbar.addAction(action)
            else:
                raise KeyError(f"no toolbar section named {toolbar!r} (targets or tools)")
            name_button(self._toolbar, action)
