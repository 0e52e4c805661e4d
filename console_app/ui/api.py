"""The interface a feature gets from the window (the feature API).

A feature (profiles, catalog, history, support, …) is built with a :class:`WindowApi`
and never touches the window's widgets. Through it a feature can:

- put actions into the window's **named menus** (``file``, ``edit``, ``game``,
  ``view``, ``help``, or one it adds with :meth:`WindowApi.add_menu`) and into the
  **toolbar** (sections ``targets`` on the left, ``tools`` on the right);
- add **panels** to the bottom drawer, each with the action that shows it;
- add **launch gates** (an ordered list; any may hold a launch back, e.g. the
  production confirmation) and **target resolvers** (an ordered list; the first
  that answers gives the token and network settings for a target);
- listen to **typed signals** of every launch: ``launch_started(Launch)``,
  ``attempt_recorded(AttemptEvent)``, ``game_opened(launch_id, tab)``,
  ``launch_finished(Launch, LaunchResult)``, ``launch_failed(Launch, ConsoleError)``,
  ``launch_cancelled(Launch, attempts)``;
- read the one **screen-share** state the window owns (:attr:`screen_share`,
  ``screen_share_changed(bool)``), and mask through :attr:`screen_share_mask` as
  every view does;
- use the window's services: status line, banners, notices, title suffix, accent colour,
  the form's public methods, the API targets, HTTP clients, opening a page in a tab.

The signals are emitted by the window (from its :class:`LaunchController`) in one
order that does not depend on who connected first: a game tab is handed over with
``game_opened`` before ``launch_finished``.
"""

from __future__ import annotations

import time
import uuid as _uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from console_app.core.errors import ConsoleError
from console_app.core.models import ApiTarget, Attempt, ClientSettings, LaunchRequest, LaunchResult, new_uuid

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu

    from console_app.core.paths import AppPaths
    from console_app.core.screen_share import ScreenShareMask
    from console_app.core.session import ApiSession
    from console_app.ui.launch.form import LaunchForm
    from console_app.ui.window.main_window import MainWindow


@dataclass(frozen=True)
class Launch:
    """One launch as the window started it: its id (shared by its attempts, its
    history entry and its game tab), where it goes and what it sends."""

    target: ApiTarget
    request: LaunchRequest
    #: The uuid of the first attempt (a retry makes a new one).
    uuid: str = field(default_factory=new_uuid)
    launch_id: str = field(default_factory=lambda: str(_uuid.uuid4()))
    #: The game tab's title (already masked if screen-share was on).
    title: str = "Game"
    #: The history entry this launch replays, and whether it reuses that entry's uuid.
    replay_of: int | None = None
    same_uuid: bool = False
    #: When Launch was clicked (epoch seconds: the Launch is made on the click), to
    #: measure the game's first frame from it.
    clicked_at: float = field(default_factory=time.time, init=False)


@dataclass(frozen=True)
class AttemptEvent:
    """One attempt of a launch (the target as resolved, with its token)."""

    launch: Launch
    target: ApiTarget
    attempt: Attempt

    @property
    def request(self) -> LaunchRequest:
        return self.launch.request


class LaunchGate(Protocol):
    """Decides whether a launch may go: True sends it, False holds it back (the gate
    tells the user why). May wait, e.g. for a non-modal confirmation."""

    def __call__(self, launch: Launch, send_anyway: bool, /) -> Awaitable[bool]: ...


#: ``async (target) -> (target with its token, network settings)``, or None when the
#: resolver does not know the target (the next one is asked).
TargetResolver = Callable[[ApiTarget], Awaitable[tuple[ApiTarget, ClientSettings] | None]]


class WindowApi(QObject):
    """What features may use of one window. Made by the window; see the module doc."""

    launch_started = Signal(Launch)
    attempt_recorded = Signal(AttemptEvent)
    #: An attempt's request has gone out (outcome ``unanswered`` until its answer).
    attempt_sent = Signal(AttemptEvent)
    #: A launch's (or a snapshot's) page opened in a tab: launch id, tab.
    game_opened = Signal(str, QWidget)
    #: The game tab in front changed: the tab (QWidget) or None.
    current_game_changed = Signal(object)
    launch_finished = Signal(Launch, LaunchResult)
    launch_failed = Signal(Launch, ConsoleError)
    launch_cancelled = Signal(Launch, list)
    busy_changed = Signal(bool)
    #: The selected API target changed (None while there is none).
    target_changed = Signal(object)
    screen_share_changed = Signal(bool)
    #: The window has painted once; deferred set-up may start.
    first_painted = Signal()
    #: The window is shutting down: features cancel what they still run.
    shutting_down = Signal()

    def __init__(self, shell: MainWindow) -> None:
        super().__init__(shell)
        self.setObjectName("windowApi")
        self._shell = shell

    # ------------------------------------------------------------------ state

    @property
    def paths(self) -> AppPaths:
        return self._shell.paths

    @property
    def ready(self) -> bool:
        """True once the window has painted and its deferred set-up ran."""
        return self._shell.ready

    @property
    def screen_share(self) -> bool:
        """Whether IDs must be masked in every view (the window's one state)."""
        return self._shell.screen_share

    @property
    def screen_share_mask(self) -> ScreenShareMask:
        """What screen-share hides: views pass each ID (``value``) and each text that
        may hold IDs (``text``) through it, and ``remember`` the IDs they show."""
        return self._shell.id_mask

    @property
    def can_show_games(self) -> bool:
        """False when the game view is off (running as root without the opt-in)."""
        return bool(self._shell.game_area.can_show_games)

    @property
    def form(self) -> LaunchForm:
        """The launch form (its public methods: ``request``, ``set_request``,
        ``set_supported``, ``set_catalog``, ``game_picker``, …)."""
        return self._shell.form

    @property
    def parent_widget(self) -> QWidget:
        """The parent for a feature's dialogs and message boxes."""
        return self._shell.widget

    # ------------------------------------------------------------------ registering

    def add_action(self, action: QAction, *, menu: str | None = None, toolbar: str | None = None,
                   before: QAction | None = None) -> QAction:
        """Put ``action`` into the named ``menu`` and/or ``toolbar`` section
        (``targets`` or ``tools``), before ``before`` when given; its shortcut works
        anywhere in the window."""
        self._shell.add_action(action, menu=menu, toolbar=toolbar, before=before)
        return action

    def toolbar_button(self, action: QAction) -> QWidget | None:
        """The toolbar's button for ``action`` (e.g. to make it pop up its menu)."""
        return self._shell.toolbar.widgetForAction(action)

    def add_menu(self, name: str, title: str) -> QMenu:
        """A new named top-level menu, placed before Help."""
        return self._shell.add_menu(name, title)

    def add_panel(self, widget: QWidget, title: str, *, action: QAction | None = None,
                  min_height: int = 0) -> None:
        """Add a tab to the bottom drawer; ``action`` (when given) shows it, with at
        least ``min_height`` pixels of room."""
        self._shell.add_panel(widget, title, action=action, min_height=min_height)

    def show_panel(self, widget: QWidget, *, min_height: int = 0) -> None:
        """Bring a drawer tab to the front, with at least ``min_height`` pixels."""
        self._shell.show_panel(widget, min_height=min_height)

    def add_launch_gate(self, gate: LaunchGate) -> None:
        """Ask ``gate`` before every launch, after the gates added before it."""
        self._shell.controller.add_gate(gate)

    def add_target_resolver(self, resolver: TargetResolver) -> None:
        """Ask ``resolver`` for a target's token and settings (first answer wins)."""
        self._shell.controller.add_resolver(resolver)

    # ------------------------------------------------------------------ targets

    def add_target(self, target: ApiTarget, *, select: bool = False, color: str | None = None,
                   label: str | None = None) -> None:
        """List an API target in the environment selector (replacing one of that name)."""
        self._shell.environment.add_target(target, select=select, color=color, label=label)

    def remove_target(self, profile_name: str) -> None:
        self._shell.environment.remove_target(profile_name)

    def targets(self) -> list[ApiTarget]:
        """Every listed target, in the selector's order."""
        return self._shell.environment.targets()

    def current_target(self) -> ApiTarget | None:
        return self._shell.environment.current_target()

    async def resolve(self, target: ApiTarget) -> tuple[ApiTarget, ClientSettings]:
        """``target`` with its token, and the network settings to send with."""
        return await self._shell.controller.resolve(target)

    async def open_session(self, target: ApiTarget) -> tuple[ApiTarget, ApiSession]:
        """``target`` with its token, and the API session (the window's pooled HTTP
        client, the profile's settings) to call it with."""
        return await self._shell.controller.open_session(target)

    # ------------------------------------------------------------------ acting

    def launch(self, request: LaunchRequest | None = None, *, uuid: str | None = None,
               replay_of: int | None = None, send_anyway: bool = False):
        """Launch ``request`` (default: the form's) through the gates; the task, or None."""
        return self._shell.launch(request=request, uuid=uuid, replay_of=replay_of, send_anyway=send_anyway)

    def open_page(self, url: str, title: str, launch_id: str | None = None, *, beside: bool = False) -> QWidget | None:
        """Open ``url`` in a new game tab, or ``beside`` the game in a second pane
        (None when the game view is off); emits ``game_opened`` when ``launch_id`` is given."""
        return self._shell.open_page(url, title, launch_id, beside=beside)

    def game_tab(self, launch_id: str) -> QWidget | None:
        """The open tab of that launch, or None once it was closed."""
        return self._shell.game_tab(launch_id)

    def set_status(self, text: str, severity: str | None = None) -> None:
        """The line beside the Launch button and in the status bar (redacted)."""
        self._shell.set_status(text, severity)

    def show_banner(self, key: str, text: str, severity: str = "warning", *, solid: str | None = None) -> None:
        """Show or update a full-width banner (``solid``: a background colour that
        cannot be overlooked, e.g. production)."""
        self._shell.show_banner(key, text, severity, solid=solid)

    def hide_banner(self, key: str) -> None:
        self._shell.hide_banner(key)

    def show_notice(self, key: str, text: str, severity: str = "warning") -> None:
        """Show or update a dismissable notice in the status bar's notice slot: it may
        come after the first paint, as it never moves the form or the game."""
        self._shell.show_notice(key, text, severity)

    def hide_notice(self, key: str) -> None:
        self._shell.hide_notice(key)

    def set_title_suffix(self, suffix: str) -> None:
        """Append ``suffix`` to the window title (e.g. " — PRODUCTION")."""
        self._shell.set_title_suffix(suffix)

    def set_accent(self, color: str | None, *, tint_launch: bool = False) -> None:
        """Underline the toolbar in ``color`` (None: the normal look) and, with
        ``tint_launch``, fill the Launch button with it too (production)."""
        self._shell.set_accent(color, tint_launch=tint_launch)

