"""The console window's shell: toolbar, named menus, the launch form, the game area,
the bottom drawer (Request/Answer/Log and the features' panels) and the status line.

Features never touch its widgets: they get :attr:`MainWindow.api`, a
:class:`~console_app.ui.api.WindowApi`, and register through it (see
:mod:`console_app.ui.compose` for the one place that assembles the window).
The window owns the one screen-share state every view reads; a
:class:`~console_app.ui.launch.presenter.LaunchPresenter` shows each launch and
relays its signals to the API.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console_app import APP_NAME
from console_app.core.messages import SANDBOX_STARTING
from console_app.core.models import ApiTarget, LaunchRequest
from console_app.core.paths import AppPaths
from console_app.core.redaction import mask_id, redact
from console_app.core.screen_share import ScreenShareMask
from console_app.qtenv import WebSandbox
from console_app.qtstyle import named, set_severity
from console_app.ui.api import Launch, WindowApi
from console_app.ui.launch.answer_panel import AnswerPanel
from console_app.ui.launch.controller import LaunchController
from console_app.ui.launch.form import DEMO_REQUEST, LaunchForm, new_session_id
from console_app.ui.launch.game_area import GameArea
from console_app.ui.launch.presenter import LaunchPresenter
from console_app.ui.launch.request_preview import RequestPreview
from console_app.ui.window import fit
from console_app.ui.window.device_selector import DeviceSelector
from console_app.ui.window.environment_selector import EnvironmentSelector
from console_app.ui.window.error_dialog import UnexpectedErrorDialog
from console_app.ui.window.log_panel import LogPanel
from console_app.ui.window.presenter_mode import PresenterMode
from console_app.ui.window.state import WindowState

if TYPE_CHECKING:
    from console_app.ui.compose import Features

log = logging.getLogger("console_app.ui")

WEB_SANDBOX_OFF_TEXT = (
    "Web sandbox disabled ({why}): game pages run without Chromium's sandbox. "
    "Only open games from servers you trust."
)
STARTING_TEXT = "Starting the sandbox…"
READY_TEXT = "Ready — fill in the form and press Ctrl+Enter"
#: Qt's "no maximum" for a widget's size.
QWIDGETSIZE_MAX = 16_777_215
#: The named menus, in menu-bar order; a menu appears once something is put in it.
MENU_ORDER = ("file", "edit", "game", "view", "help")
_MENU_TITLES = {"file": "&File", "edit": "&Edit", "game": "&Game", "view": "&View", "help": "&Help"}


class MainWindow(QMainWindow):
    """The LuckyMonaco Test Console window."""

    first_painted = Signal()
    closed = Signal()

    def __init__(
        self,
        *,
        paths: AppPaths,
        web_sandbox: WebSandbox = WebSandbox.ON,
        demo: bool = False,
        remember: bool = True,
        game_picker_factory: Callable[[QWidget], QWidget] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, "mainWindow", APP_NAME)
        self.web_sandbox = web_sandbox
        self.paths = paths
        self.widget: QWidget = self
        self.first_paint_at: float | None = None
        #: True once the deferred after-first-paint set-up has run.
        self.ready = False
        #: What screen-share hides, for every view (the window's one screen-share state).
        self.id_mask = ScreenShareMask()
        self._closing = False
        self._shutdown_announced = False
        self._drawer_collapsed = False
        self._drawer_height = fit.DRAWER_MAX_DEFAULT
        self._error_dialog: UnexpectedErrorDialog | None = None
        self._title_suffix = ""
        self._menus: dict[str, QMenu] = {}
        self._menu_titles = dict(_MENU_TITLES)
        self._banner_widgets: dict[str, QFrame] = {}
        self._panel_holders: dict[QWidget, QScrollArea] = {}
        #: Open tabs by the launch id that opened them.
        self._tabs: dict[str, QWidget] = {}
        #: Real titles and tooltips of tabs masked while sharing (restored when sharing stops).
        self._masked_titles: dict[QWidget, tuple[str, str]] = {}

        self.controller = LaunchController(self)
        self.api = WindowApi(self)
        #: The features built with this window (see compose.build_window); None bare.
        self.features: Features | None = None
        #: None when the window must not read or write remembered state (capture).
        self.state = WindowState(paths.config_dir) if remember else None

        self._build_actions()
        self._build_toolbar()
        self._build_central(game_picker_factory)
        self._build_menus()
        self._build_status_bar()
        self.presenter = LaunchPresenter(self)
        self._connect()

        self._fit_to_screen()
        saved = self.state.form_values() if self.state is not None else None
        initial = saved or (DEMO_REQUEST if demo else DEMO_REQUEST.with_changes(player_id="", nickname=""))
        self.form.validation_enabled = False  # checked after first paint
        self.form.set_request(initial.with_changes(session_id=initial.session_id or new_session_id()))
        self._update_title()
        self._show_web_sandbox_state()

    # ------------------------------------------------------------------ building

    def _action(self, text: str, name: str, slot, shortcuts=(), tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.launch_action = self._action(
            "&Launch", "launchAction", lambda: self.launch(), ("Ctrl+Return", "Ctrl+Enter"), "Send the request (Ctrl+Enter)"
        )
        self.cancel_action = self._action("&Cancel", "cancelAction", self.cancel, ("Esc",), "Cancel the request (Esc)")
        self.reload_action = self._action("&Reload game", "reloadAction", lambda: self.game_area.reload_current(), ("F5",))
        self.close_tab_action = self._action(
            "Close &tab", "closeTabAction", lambda: self.game_area.close_current(), ("Ctrl+W",)
        )
        self.focus_picker_action = self._action(
            "Find &game", "focusPickerAction", lambda: self.form.game_picker.focus_search(), ("Ctrl+L",)
        )
        self.screenshot_action = self._action(
            "Save &screenshot…", "screenshotAction", self._on_screenshot_action_triggered, ("Ctrl+Shift+S",)
        )
        self.quit_action = self._action("&Quit", "quitAction", self.close, ("Ctrl+Q",))
        self.screen_share_action = self._action(
            "Screen-share", "screenShareAction", self.set_screen_share, (),
            "Mask player, session and partner IDs while sharing your screen",
        )
        self.screen_share_action.setCheckable(True)
        self.about_action = self._action("&About", "aboutAction", self._on_about_action_triggered)
        self.drawer_action = self._action(
            "&Panels", "drawerAction", lambda on: self.set_drawer_collapsed(not on), ("Ctrl+J",),
            "Show or fold the Request, Answer, Log and History panels (Ctrl+J)",
        )
        self.drawer_action.setCheckable(True)
        self.drawer_action.setChecked(True)
        self.presenter_action = self._action(
            "Present", "presenterAction", lambda: self.presenter_mode.toggle(), ("F11",),
            "Presenter mode: only the game, full screen, IDs masked (F11; Esc leaves)",
        )
        self.presenter_exit_action = self._action(
            "Leave presenter mode", "presenterExitAction", lambda: self.presenter_mode.leave(), ("Esc",))
        self.presenter_exit_action.setEnabled(False)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Main", self)
        named(toolbar, "mainToolbar", "Main toolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.environment = EnvironmentSelector(toolbar)
        self.partner_label = named(QLabel(toolbar), "partnerLabel", "Partner ID")
        self.partner_label.setContentsMargins(10, 0, 10, 0)
        spacer = QWidget(toolbar)
        spacer.setObjectName("toolbarSpacer")
        spacer.setAccessibleName("Spacer")
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(self.environment)
        toolbar.addWidget(self.partner_label)
        # Section ends: features' "targets" actions go before the separator, "tools" at the end.
        self._targets_end = toolbar.addSeparator()
        toolbar.addAction(self.screen_share_action)
        self._name_button(toolbar, self.screen_share_action)
        toolbar.addAction(self.presenter_action)
        self._name_button(toolbar, self.presenter_action)
        self.device_selector = DeviceSelector(toolbar)
        toolbar.addWidget(self.device_selector)
        toolbar.addWidget(spacer)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    @staticmethod
    def _name_button(toolbar: QToolBar, action: QAction) -> None:
        button = toolbar.widgetForAction(action)
        if button is not None:
            button.setObjectName(f"{action.objectName()}Button")
            button.setAccessibleName(action.text().replace("&", "").rstrip("…"))

    def _build_central(self, game_picker_factory) -> None:
        central = named(QWidget(self), "central", "Console")
        self.form = LaunchForm(game_picker_factory=game_picker_factory)
        self.form_scroll = form_scroll = named(QScrollArea(), "formScroll", "Launch request form")
        form_scroll.setWidget(self.form)
        form_scroll.setWidgetResizable(True)
        form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        form_scroll.setMinimumWidth(fit.FORM_MIN_WIDTH)
        form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.game_area = GameArea(can_show_games=self.web_sandbox.can_show_games)

        self.preview = RequestPreview()
        self.answer = AnswerPanel(mask=self.id_mask)
        self.log_panel = LogPanel(mask=self.id_mask)
        self.bottom_tabs = named(QTabWidget(), "bottomTabs", "Request, answer and log")
        self.bottom_tabs.setDocumentMode(True)
        self.bottom_tabs.setToolTip("Double-click a tab (or Ctrl+J) to fold or unfold these panels")
        self.bottom_tabs.addTab(self.preview, "Request")
        # Scrolls rather than growing: a long error must not squeeze the game view.
        self.answer_scroll = named(QScrollArea(), "answerScroll", "Answer")
        self.answer_scroll.setWidget(self.answer)
        self.answer_scroll.setWidgetResizable(True)
        self.answer_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.bottom_tabs.addTab(self.answer_scroll, "Answer")
        self.bottom_tabs.addTab(self.log_panel, "Log")

        self.horizontal_splitter = named(QSplitter(Qt.Orientation.Horizontal), "formGameSplitter", "Form and game")
        self.horizontal_splitter.addWidget(form_scroll)
        self.horizontal_splitter.addWidget(self.game_area)
        self.horizontal_splitter.setStretchFactor(1, 1)
        # A collapsed web view renders nothing and screenshots come out blank.
        self.horizontal_splitter.setCollapsible(1, False)
        self.horizontal_splitter.setCollapsible(0, False)
        self.vertical_splitter = named(QSplitter(Qt.Orientation.Vertical), "mainSplitter", "Main and panel")
        self.vertical_splitter.addWidget(self.horizontal_splitter)
        self.vertical_splitter.addWidget(self.bottom_tabs)
        self.vertical_splitter.setStretchFactor(0, 1)
        self.vertical_splitter.setStretchFactor(1, 0)
        self.vertical_splitter.setCollapsible(0, False)
        self.vertical_splitter.setCollapsible(1, False)

        self.banner_box = named(QWidget(central), "bannerBox", "Banners")
        self.banners = QVBoxLayout(self.banner_box)
        self.banners.setContentsMargins(0, 0, 0, 0)
        self.banners.setSpacing(0)
        self.presenter_mode = PresenterMode(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.presenter_mode.bar)
        layout.addWidget(self.banner_box)
        layout.addWidget(self.vertical_splitter, 1)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.setObjectName("menuBar")
        bar.setAccessibleName("Menu bar")
        self._quit_separator = self.menu("file").addSeparator()
        self.menu("file").addAction(self.quit_action)
        for action in (self.launch_action, self.cancel_action, self.focus_picker_action, self.reload_action,
                       self.close_tab_action):
            self.menu("game").addAction(action)
        view = self.menu("view")
        view.addAction(self.screen_share_action)
        view.addAction(self.drawer_action)
        view.addAction(self.presenter_action)
        view.addSeparator()
        view.addAction(self.screenshot_action)
        self.menu("help").addAction(self.about_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        bar.setAccessibleName("Status")
        bar.setSizeGripEnabled(False)
        # "Ready" only once a target that can be sent to is listed (the embedded sandbox
        # starts after the first paint).
        self.status_label = named(QLabel(STARTING_TEXT), "statusSummary", "Status summary")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = named(QProgressBar(), "busyIndicator", "Request in progress")
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(120)
        self.progress.setMaximumHeight(12)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.sandbox_chip = named(QLabel(), "webSandboxChip", "Web sandbox state")
        self.sandbox_chip.hide()
        bar.addWidget(self.status_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.sandbox_chip)

    def _connect(self) -> None:
        self.form.request_changed.connect(self._on_form_request_changed)
        self.form.launch_requested.connect(lambda anyway: self.launch(send_anyway=anyway))
        self.form.cancel_requested.connect(self.cancel)
        self.environment.target_changed.connect(self._on_environment_target_changed)
        self.controller.launch_held.connect(self._on_controller_launch_held)
        self.answer.retry_requested.connect(self._on_answer_retry_requested)
        self.game_area.game_load_finished.connect(self._on_game_area_game_load_finished)
        self.bottom_tabs.tabBarDoubleClicked.connect(self._on_bottom_tabs_tab_bar_double_clicked)
        self.bottom_tabs.tabBarClicked.connect(self._on_bottom_tabs_tab_bar_clicked)
        self.device_selector.device_changed.connect(self.game_area.set_device)

    def _splitters(self) -> dict[str, QSplitter]:
        return {"horizontal": self.horizontal_splitter, "vertical": self.vertical_splitter}

    # ------------------------------------------------------------------ fitting the screen

    def fit_to(self, available: QRect) -> None:
        """Size the window as on a screen whose available area is ``available``
        (``capture`` without a display pretends to be on a laptop)."""
        self._fit_to_screen(available)

    def _fit_to_screen(self, available: QRect | None = None) -> None:
        """Size the window for the screen it opens on (restored state clamped to it),
        give the game most of the room, and restore the drawer."""
        if available is None:
            screen = self.screen() or QGuiApplication.primaryScreen()
            available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)
        restored = self.state is not None and self.state.restore_geometry(self)
        if not self._drawer_collapsed:
            self._set_drawer_minimum()
        if restored:
            if not (self.isMaximized() or self.isFullScreen()):
                self.setGeometry(fit.clamp_to_screen(self.geometry(), available))
        else:
            self.setGeometry(fit.centered(fit.initial_size(available), available))
        width = self.width()
        saved_h = self.state.splitter_sizes("horizontal", 2) if self.state is not None else None
        if saved_h is not None and saved_h[0] <= sum(saved_h) * fit.FORM_MAX_SHARE:
            self.horizontal_splitter.setSizes(saved_h)
        else:
            self.horizontal_splitter.setSizes([fit.form_width(width), width - fit.form_width(width)])
        collapsed, saved_drawer = self.state.drawer() if self.state is not None else (False, None)
        # Menu bar, toolbar and status bar take ~100 px; banners come and go.
        splitter_height = max(200, self.height() - 100)
        self._drawer_height = fit.drawer_height(splitter_height, saved_drawer)
        self.vertical_splitter.setSizes([splitter_height - self._drawer_height, self._drawer_height])
        # A short window starts with the drawer folded: the game gets the room.
        if collapsed or (saved_drawer is None and self.height() < fit.SHORT_WINDOW):
            self.set_drawer_collapsed(True)
        if self.state is not None and self.state.device_name():
            self.device_selector.set_device_name(self.state.device_name())

    @property
    def drawer_collapsed(self) -> bool:
        return self._drawer_collapsed

    def set_drawer_collapsed(self, collapsed: bool) -> None:
        """Fold the bottom drawer to its tab bar (the game gets the room) or unfold it."""
        if collapsed == self._drawer_collapsed:
            return
        top, bottom = self.vertical_splitter.sizes()
        total = top + bottom
        bar = self.bottom_tabs.tabBar().sizeHint().height() + 2
        if collapsed:
            if bottom > bar + 40:
                self._drawer_height = bottom
            self.bottom_tabs.setMinimumHeight(bar)
            self.bottom_tabs.setMaximumHeight(bar)
            self.vertical_splitter.setSizes([total - bar, bar])
        else:
            self.bottom_tabs.setMaximumHeight(QWIDGETSIZE_MAX)
            self._set_drawer_minimum()
            height = fit.drawer_height(total, self._drawer_height) if total > 0 else self._drawer_height
            self.vertical_splitter.setSizes([max(1, total - height), height])
        self._drawer_collapsed = collapsed
        self.drawer_action.setChecked(not collapsed)

    def _set_drawer_minimum(self) -> None:
        # Explicit, so the pages' own size hints (a text box, a row of buttons) do
        # not hold the drawer open wider than a small screen can give.
        self.bottom_tabs.setMinimumHeight(self.bottom_tabs.tabBar().sizeHint().height() + fit.DRAWER_MIN_CONTENT)

    def _drawer_open_height(self) -> int:
        return self._drawer_height if self._drawer_collapsed else self.vertical_splitter.sizes()[1]

    # ------------------------------------------------------------------ registry (WindowApi)

    def menu(self, name: str) -> QMenu:
        """The named menu, created (in :data:`MENU_ORDER`) on first use."""
        existing = self._menus.get(name)
        if existing is not None:
            return existing
        if name not in self._menu_titles:
            raise KeyError(f"no menu named {name!r}; add it with add_menu first")
        return self._insert_menu(name, self._menu_titles[name])

    def add_menu(self, name: str, title: str) -> QMenu:
        """A feature's own top-level menu, before View and Help."""
        if name in self._menus:
            return self._menus[name]
        self._menu_titles[name] = title
        return self._insert_menu(name, title, before=("view", "help"))

    def _insert_menu(self, name: str, title: str, before: tuple[str, ...] | None = None) -> QMenu:
        menu = QMenu(title, self.menuBar())
        menu.setObjectName(f"{name}Menu")
        order = list(MENU_ORDER)
        following = before if before is not None else tuple(order[order.index(name) + 1:]) if name in order else ()
        anchor = next((self._menus[n] for n in following if n in self._menus), None)
        if anchor is not None:
            self.menuBar().insertMenu(anchor.menuAction(), menu)
        else:
            self.menuBar().addMenu(menu)
        self._menus[name] = menu
        return menu

    def add_action(self, action: QAction, *, menu: str | None = None, toolbar: str | None = None,
                   before: QAction | None = None) -> None:
        if action not in self.actions():
            self.addAction(action)
        if menu is not None:
            target = self.menu(menu)
            if menu == "file" and before is None:
                # Quit stays last, behind a separator.
                before = self._quit_separator
            if before is not None and before in target.actions():
                target.insertAction(before, action)
            else:
                target.addAction(action)
        if toolbar is not None:
            if toolbar == "targets":
                self.toolbar.insertAction(before or self._targets_end, action)
            elif toolbar == "tools":
                self.toolbar.addAction(action)
            else:
                raise KeyError(f"no toolbar section named {toolbar!r} (targets or tools)")
            self._name_button(self.toolbar, action)

    def add_panel(self, widget: QWidget, title: str, *, action: QAction | None = None, min_height: int = 0) -> None:
        # Scrolls rather than imposing its size: the drawer may be small (a laptop at
        # 150 %) and a panel's buttons must not widen the window past the screen.
        holder = named(QScrollArea(), f"{widget.objectName() or 'panel'}Scroll", title)
        holder.setWidget(widget)
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        self._panel_holders[widget] = holder
        self.bottom_tabs.addTab(holder, title)
        if action is not None:
            action.triggered.connect(lambda: self.show_panel(widget, min_height=min_height))

    def show_panel(self, widget: QWidget, *, min_height: int = 0) -> None:
        self.bottom_tabs.setCurrentWidget(self._panel_holders.get(widget, widget))
        self.set_drawer_collapsed(False)
        top, bottom = self.vertical_splitter.sizes()
        # Room to read, but never more than under half: the game stays usable beside it.
        wanted = min(min_height, int((top + bottom) * 0.45))
        if bottom < wanted:
            self.vertical_splitter.setSizes([top + bottom - wanted, wanted])

    def current_panel(self) -> QWidget:
        """The drawer's tab in front (a feature's panel itself, not its scroll area)."""
        shown = self.bottom_tabs.currentWidget()
        return next((panel for panel, holder in self._panel_holders.items() if holder is shown), shown)

    def add_target(self, target: ApiTarget, *, select: bool = False) -> None:
        """List an API target in the environment selector."""
        self.environment.add_target(target, select=select)

    def show_banner(self, key: str, text: str, severity: str = "warning", *, solid: str | None = None) -> None:
        """Show (or update) a full-width banner above the form, e.g. for production."""
        banner = self._banner_widgets.get(key)
        if banner is None:
            banner = named(QFrame(), f"banner_{key}", f"{key} banner")
            label = named(QLabel(banner), f"banner_{key}_text", f"{key} banner text")
            label.setWordWrap(True)
            close = named(QToolButton(banner), f"banner_{key}_close", f"Dismiss the {key} banner")
            close.setText("✕")
            close.setAutoRaise(True)
            close.setToolTip("Dismiss (the status bar keeps the state)")
            close.clicked.connect(banner.hide)
            inner = QHBoxLayout(banner)
            inner.setContentsMargins(12, 4, 6, 4)
            inner.addWidget(label, 1)
            inner.addWidget(close)
            self.banners.addWidget(banner)
            self._banner_widgets[key] = banner
        text_label, close_button = banner.findChild(QLabel), banner.findChild(QToolButton)
        assert text_label is not None and close_button is not None  # made with the banner, above
        text_label.setText(redact(text))
        # What must not be overlooked (production) cannot be dismissed.
        close_button.setVisible(solid is None)
        set_severity(banner, severity)
        # Solid, not the pale severity tint: nobody may overlook it.
        banner.setStyleSheet(
            f"QFrame#banner_{key} {{ background: {solid}; border: none; border-radius: 0; }}"
            f"QFrame#banner_{key} QLabel {{ color: white; font-weight: 700; font-size: 14px; }}" if solid else ""
        )
        banner.show()

    def hide_banner(self, key: str) -> None:
        banner = self._banner_widgets.get(key)
        if banner is not None:
            banner.hide()

    def set_accent(self, color: str | None, *, tint_launch: bool = False) -> None:
        self.form.set_accent(color if tint_launch else None)
        self.toolbar.setStyleSheet(f"QToolBar#mainToolbar {{ border-bottom: 3px solid {color}; }}" if color else "")

    def set_title_suffix(self, suffix: str) -> None:
        """Append ``suffix`` to the window title (e.g. the production marker)."""
        self._title_suffix = suffix
        self._update_title()

    # ------------------------------------------------------------------ launching

    def launch(
        self, *, send_anyway: bool = False, request: LaunchRequest | None = None, uuid: str | None = None,
        replay_of: int | None = None,
    ) -> asyncio.Task | None:
        """Send the form's request (or ``request``, with ``uuid`` for its first attempt
        when given) through the launch gates; the task, or None if not sent."""
        if self.controller.busy:
            self.set_status("A request is already running — Esc cancels it", "warning")
            return None
        target = self.environment.current_target()
        if target is None:
            self.set_status(SANDBOX_STARTING, "warning")
            return None
        if request is None:
            request = self.form.request()
            if self.form.has_errors() and not send_anyway:
                self.set_status("Fix the fields marked in red, or use Send anyway to send it as it is", "error")
                self.form.focus_first_problem()
                return None
        launch = Launch(target, request, title=self._game_title(request), replay_of=replay_of,
                        same_uuid=uuid is not None, **({"uuid": uuid} if uuid else {}))
        return self.controller.launch(launch, send_anyway)

    def cancel(self) -> None:
        if self.controller.cancel():
            self.set_status("Cancelling…", "warning")

    def open_page(self, url: str, title: str, launch_id: str | None = None, *, beside: bool = False) -> QWidget | None:
        """Open ``url`` in a new game tab (``beside`` the game: a second pane); None
        when the game view is off."""
        tab = self.game_area.open_game(url, title, beside=beside)
        if tab is not None and launch_id is not None:
            self._tabs[launch_id] = tab
            self.api.game_opened.emit(launch_id, tab)
        return tab

    def game_tab(self, launch_id: str) -> QWidget | None:
        tab = self._tabs.get(launch_id)
        panes = [tabs for tabs in (self.game_area.tabs, self.game_area.side_tabs) if tabs is not None]
        if tab is None or not any(tabs.indexOf(tab) >= 0 for tabs in panes):
            self._tabs.pop(launch_id, None)
            return None
        return tab

    # ------------------------------------------------------------------ status and state

    def set_status(self, text: str, severity: str | None = None) -> None:
        """The status line; warnings and errors also stand under the Launch button."""
        text = self.id_mask.text(text)
        self.status_label.setText(text)
        self.status_label.setToolTip(text)
        set_severity(self.status_label, severity)
        self.form.show_message(text if severity in ("warning", "error") else "", severity)
        self.presenter_mode.show_status(text, severity)

    def set_screen_share(self, on: bool) -> None:
        """Mask (or show again) player, session and partner IDs in every view."""
        on = bool(on)
        if self.screen_share_action.isChecked() != on:
            self.screen_share_action.setChecked(on)
        if on == self.screen_share:
            return
        self.id_mask.on = on
        self.preview.set_screen_share(on)
        self.form.set_screen_share(on)
        self.answer.refresh_mask()
        self.log_panel.refresh_mask()
        self.status_label.setText(self.id_mask.ids(self.status_label.text()))
        self._show_partner(self.environment.current_target())
        self._mask_tab_titles(on)
        self.api.screen_share_changed.emit(on)

    @property
    def screen_share(self) -> bool:
        """Whether IDs are masked in every view."""
        return self.id_mask.on

    def save_screenshot(self, path: str | Path) -> bool:
        """Save a PNG of the whole window (secrets are never drawn unredacted)."""
        return self.grab().save(str(path), "PNG")

    def show_unexpected_error(self, exc_type, exc, tb) -> None:
        """Show an unexpected error in the one non-modal error dialog."""
        if self._closing:
            return
        if self._error_dialog is None:
            self._error_dialog = UnexpectedErrorDialog(self)
        self._error_dialog.show_error(exc_type, exc, tb)

    async def shutdown(self) -> None:
        """Stop the features' work, cancel any launch and release the network client
        and web pages."""
        self._announce_shutdown()
        await self.controller.aclose()
        self.game_area.shutdown()

    # ------------------------------------------------------------------ Qt overrides

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.first_paint_at is None:
            self.first_paint_at = time.perf_counter()
            QTimer.singleShot(0, self._on_first_paint)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing:
            self._closing = True
            if self.state is not None:
                self.state.save_window(self, self._splitters(), drawer_collapsed=self.drawer_collapsed,
                                       drawer_height=self._drawer_open_height(),
                                       device=self.device_selector.device().name)
                self.state.save_form_values(self.form.request())
                self.state.sync()
            # Features hear of it before the launch in flight is cancelled (history
            # records that attempt as abandoned at quit).
            self._announce_shutdown()
            self.controller.cancel()
            self.log_panel.detach()
            self.closed.emit()
        super().closeEvent(event)

    def _announce_shutdown(self) -> None:
        if not self._shutdown_announced:
            self._shutdown_announced = True
            self.api.shutting_down.emit()

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_first_paint(self) -> None:
        self.form.enable_validation()
        self.form.load_display_names()
        self.ready = True
        self.first_painted.emit()
        self.api.first_painted.emit()

    @Slot(LaunchRequest)
    def _on_form_request_changed(self, request: LaunchRequest) -> None:
        if not self.controller.busy:
            self.preview.show_request(self.environment.current_target(), request)

    @Slot(object)
    def _on_environment_target_changed(self, target: ApiTarget | None) -> None:
        if target is not None and "://" in target.api_url and self.status_label.text() == STARTING_TEXT:
            self.set_status(READY_TEXT)
        self._show_partner(target)
        self.preview.show_request(target, self.form.request())
        self._update_title()
        self.api.target_changed.emit(target)

    @Slot(Launch)
    def _on_controller_launch_held(self, _launch: Launch) -> None:
        self.progress.hide()

    @Slot()
    def _on_answer_retry_requested(self) -> None:
        if self.presenter.last_sent is not None:
            self.launch(request=self.presenter.last_sent.request)

    @Slot(int)
    def _on_bottom_tabs_tab_bar_double_clicked(self, _index: int) -> None:
        self.set_drawer_collapsed(not self._drawer_collapsed)

    @Slot(int)
    def _on_bottom_tabs_tab_bar_clicked(self, _index: int) -> None:
        # A click on a folded drawer's tab opens it (a double-click folds it again).
        if self._drawer_collapsed:
            self.set_drawer_collapsed(False)

    def _on_game_area_game_load_finished(self, tab, ok: bool) -> None:
        if ok:
            log.info("game page loaded: %s", redact(tab.page.title()))
        else:
            log.warning("game page did not load: %s", redact(tab.url_field.text()))

    @Slot()
    def _on_about_action_triggered(self) -> None:
        from console_app.ui.window.about_dialog import AboutDialog

        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def _on_screenshot_action_triggered(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save screenshot", str(Path.home() / "luckymonaco-console.png"), "PNG image (*.png)"
        )
        if path:
            ok = self.save_screenshot(path)
            self.set_status(f"Screenshot saved to {path}" if ok else f"Could not save {path}", None if ok else "error")

    # ------------------------------------------------------------------ helpers

    def _show_partner(self, target: ApiTarget | None) -> None:
        partner = target.partner_id if target else "—"
        self.partner_label.setText(f"Partner  {mask_id(partner) if self.screen_share and target else partner}")

    def _mask_tab_titles(self, on: bool) -> None:
        tabs = self.game_area.tabs
        if tabs is None:
            return
        if on:
            for index in range(tabs.count()):
                title = tabs.tabText(index)
                name, sep, player = title.rpartition(" · ")
                if sep and player and player != mask_id(player):
                    tab = tabs.game_at(index)
                    masked = f"{name} · {mask_id(player)}"
                    self._masked_titles[tab] = (title, tabs.tabToolTip(index))
                    tabs.setTabText(index, masked)
                    tabs.setTabToolTip(index, tabs.tabToolTip(index).replace(title, masked))
                    tab.set_title(masked)
        else:
            # Tabs opened while sharing keep their masked titles: their real ones were never drawn.
            for index in range(tabs.count()):
                tab = tabs.game_at(index)
                if tab in self._masked_titles:
                    title, tip = self._masked_titles[tab]
                    tabs.setTabText(index, title)
                    tabs.setTabToolTip(index, tip)
                    tab.set_title(title)
            self._masked_titles.clear()

    def _game_title(self, request: LaunchRequest) -> str:
        name = self.form.game_picker.game_name(request.gameid) or request.gameid or "Game"
        player = mask_id(request.player_id) if self.screen_share else request.player_id
        return redact(f"{name} · {player}" if player else name)

    def _update_title(self) -> None:
        target = self.environment.current_target()
        name = target.profile_name if target else "Sandbox"
        self.setWindowTitle(redact(f"{APP_NAME} — {name}{self._title_suffix}"))

    def _show_web_sandbox_state(self) -> None:
        if self.web_sandbox.disabled:
            why = "--no-web-sandbox" if self.web_sandbox is WebSandbox.OFF_BY_OPTION else "QTWEBENGINE_DISABLE_SANDBOX=1"
            self.show_banner("web_sandbox", WEB_SANDBOX_OFF_TEXT.format(why=why), "warning")
            self.sandbox_chip.setText("⚠ Web sandbox disabled")
            self.sandbox_chip.setToolTip(WEB_SANDBOX_OFF_TEXT.format(why=why))
            set_severity(self.sandbox_chip, "warning")
            self.sandbox_chip.show()
        elif not self.web_sandbox.can_show_games:
            self.sandbox_chip.setText("Game view off (root)")
            self.sandbox_chip.setToolTip("Restart with --no-web-sandbox to play games here")
            set_severity(self.sandbox_chip, "error")
            self.sandbox_chip.show()
