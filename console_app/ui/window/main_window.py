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

import logging
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QSplitter, QVBoxLayout, QWidget

from console_app import APP_NAME
from console_app.core.messages import SANDBOX_STARTING
from console_app.core.models import ApiTarget, LaunchRequest
from console_app.core.paths import AppPaths
from console_app.core.redaction import mask_id, redact
from console_app.core.screen_share import ScreenShareMask
from console_app.qtenv import WebSandbox
from console_app.qtstyle import named, scroll_holder, themed
from console_app.ui.api import Launch, WindowApi
from console_app.ui.launch.answer_panel import AnswerPanel
from console_app.ui.launch.controller import LaunchController
from console_app.ui.launch.form import DEMO_REQUEST, LaunchForm, new_session_id
from console_app.ui.launch.game_area import GameArea
from console_app.ui.launch.presenter import LaunchPresenter
from console_app.ui.launch.request_preview import RequestPreview
from console_app.ui.window import fit, placement
from console_app.ui.window.banners import BannerStack
from console_app.ui.window.chrome import ActionRegistry, MainToolbar, make_action
from console_app.ui.window.drawer import Drawer
from console_app.ui.window.error_dialog import UnexpectedErrorDialog
from console_app.ui.window.log_panel import LogPanel
from console_app.ui.window.presenter_mode import PresenterMode
from console_app.ui.window.state import WindowState
from console_app.ui.window.status_line import STARTING_TEXT, StatusLine
from console_app.ui.window.tab_titles import TabTitleMask

if TYPE_CHECKING:
    import asyncio

    from console_app.ui.compose import Features

log = logging.getLogger("console_app.ui")

READY_TEXT = "Ready — fill in the form and press Ctrl+Enter"


class MainWindow(QMainWindow):
    """The LuckyMonaco Test Console window."""

    first_painted = Signal()
    painted = Signal()  #: the first paint itself (first_painted follows a loop pass later)
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
        #: While True the first paint is only timed; its work waits for release_first_paint().
        self.hold_first_paint = False
        #: True once the deferred after-first-paint set-up has run.
        self.ready = False
        #: What screen-share hides, for every view (the window's one screen-share state).
        self.id_mask = ScreenShareMask()
        self._closing = False
        self._shutdown_announced = False
        self._error_dialog: UnexpectedErrorDialog | None = None
        self._title_suffix = ""
        #: Open tabs by the launch id that opened them.
        self._tabs: dict[str, QWidget] = {}
        self._tab_titles = TabTitleMask()

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

        placement.place(self)
        saved = self.state.form_values() if self.state is not None else None
        initial = saved or (DEMO_REQUEST if demo else DEMO_REQUEST.with_changes(player_id="", nickname=""))
        self.form.validation_enabled = False  # checked after first paint
        self.form.set_request(initial.with_changes(session_id=initial.session_id or new_session_id()))
        self._update_title()
        self._show_web_sandbox_state()

    # ------------------------------------------------------------------ building

    def _build_actions(self) -> None:
        act = partial(make_action, self)

        self.launch_action = act("&Launch", "launchAction", lambda: self.launch(), ("Ctrl+Return", "Ctrl+Enter"),
                                 "Send the request (Ctrl+Enter)")
        self.cancel_action = act("&Cancel", "cancelAction", self.cancel, ("Esc",), "Cancel the request (Esc)")
        self.reload_action = act("&Reload game", "reloadAction", lambda: self.game_area.reload_current(), ("F5",))
        self.close_tab_action = act("Close &tab", "closeTabAction", lambda: self.game_area.close_current(), ("Ctrl+W",))
        self.focus_picker_action = act("Find &game", "focusPickerAction", lambda: self.form.game_picker.focus_search(),
                                       ("Ctrl+L",))
        self.screenshot_action = act("Save &screenshot…", "screenshotAction", self._on_screenshot_action_triggered,
                                     ("Ctrl+Shift+S",))
        self.quit_action = act("&Quit", "quitAction", self.close, ("Ctrl+Q",))
        self.screen_share_action = act("Screen-share", "screenShareAction", self.set_screen_share, (),
                                       "Mask player, session and partner IDs while sharing your screen", checkable=True)
        self.about_action = act("&About", "aboutAction", self._on_about_action_triggered)
        self.drawer_action = act("&Panels", "drawerAction", lambda on: self.set_drawer_collapsed(not on), ("Ctrl+J",),
                                 "Show or fold the Request, Answer, Log and History panels (Ctrl+J)", checkable=True)
        self.drawer_action.setChecked(True)
        self.presenter_action = act("Present", "presenterAction", lambda: self.presenter_mode.toggle(), ("F11",),
                                    "Presenter mode: only the game, full screen, IDs masked (F11; Esc leaves)")
        self.presenter_exit_action = act("Leave presenter mode", "presenterExitAction",
                                         lambda: self.presenter_mode.leave(), ("Esc",))
        self.presenter_exit_action.setEnabled(False)

    def _build_toolbar(self) -> None:
        self.toolbar = themed(MainToolbar(self, (self.screen_share_action, self.presenter_action)))
        self.environment = self.toolbar.environment
        self.partner_label = self.toolbar.partner_label
        self.device_selector = self.toolbar.device_selector
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def _build_central(self, game_picker_factory) -> None:
        central = named(QWidget(self), "central", "Console")
        self.form = LaunchForm(game_picker_factory=game_picker_factory)
        self.form_scroll = form_scroll = scroll_holder(self.form, "formScroll", "Launch request form")
        form_scroll.setMinimumWidth(fit.FORM_MIN_WIDTH)
        form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.game_area = GameArea(can_show_games=self.web_sandbox.can_show_games)

        self.preview = RequestPreview()
        self.answer = AnswerPanel(mask=self.id_mask)
        self.log_panel = LogPanel(mask=self.id_mask)

        self.horizontal_splitter = named(QSplitter(Qt.Orientation.Horizontal), "formGameSplitter", "Form and game")
        self.horizontal_splitter.addWidget(form_scroll)
        self.horizontal_splitter.addWidget(self.game_area)
        self.horizontal_splitter.setStretchFactor(1, 1)
        # A collapsed web view renders nothing and screenshots come out blank.
        self.horizontal_splitter.setCollapsible(1, False)
        self.horizontal_splitter.setCollapsible(0, False)
        self.vertical_splitter = named(QSplitter(Qt.Orientation.Vertical), "mainSplitter", "Main and panel")
        self.drawer = Drawer(self.vertical_splitter, self)
        self.bottom_tabs = self.drawer.tabs
        self.bottom_tabs.addTab(self.preview, "Request")
        # Scrolls rather than growing: a long error must not squeeze the game view.
        self.answer_scroll = scroll_holder(self.answer, "answerScroll", "Answer")
        self.bottom_tabs.addTab(self.answer_scroll, "Answer")
        self.bottom_tabs.addTab(self.log_panel, "Log")
        self.vertical_splitter.addWidget(self.horizontal_splitter)
        self.vertical_splitter.addWidget(self.bottom_tabs)
        self.vertical_splitter.setStretchFactor(0, 1)
        self.vertical_splitter.setStretchFactor(1, 0)
        self.vertical_splitter.setCollapsible(0, False)
        self.vertical_splitter.setCollapsible(1, False)

        self.banner_box = BannerStack(central)
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
        self.actions_registry = ActionRegistry(self, bar, self.toolbar)
        self.actions_registry.set_quit(self.quit_action)
        for action in (self.launch_action, self.cancel_action, self.focus_picker_action, self.reload_action,
                       self.close_tab_action):
            self.menu("game").addAction(action)
        view = self.menu("view")
        view.addActions([self.screen_share_action, self.drawer_action, self.presenter_action])
        view.addSeparator()
        view.addAction(self.screenshot_action)
        self.menu("help").addAction(self.about_action)

    def _build_status_bar(self) -> None:
        self.status_line = StatusLine(self.statusBar())
        self.status_label = self.status_line.label
        self.progress = self.status_line.progress
        self.notices = self.status_line.notices
        self.sandbox_chip = self.status_line.sandbox_chip

    def _connect(self) -> None:
        self.form.request_changed.connect(self._on_form_request_changed)
        self.form.launch_requested.connect(lambda anyway: self.launch(send_anyway=anyway))
        self.form.cancel_requested.connect(self.cancel)
        self.environment.target_changed.connect(self._on_environment_target_changed)
        self.controller.launch_held.connect(self._on_controller_launch_held)
        self.answer.retry_requested.connect(self._on_answer_retry_requested)
        self.game_area.game_load_finished.connect(self._on_game_area_game_load_finished)
        self.drawer.collapsed_changed.connect(lambda collapsed: self.drawer_action.setChecked(not collapsed))
        self.device_selector.device_changed.connect(self.game_area.set_device)

    # ------------------------------------------------------------------ fitting the screen

    def fit_to(self, available: QRect) -> None:
        """Size the window as on a screen whose available area is ``available``
        (``capture`` without a display pretends to be on a laptop)."""
        placement.place(self, available)

    @property
    def drawer_collapsed(self) -> bool:
        return self.drawer.collapsed

    def set_drawer_collapsed(self, collapsed: bool) -> None:
        """Fold the bottom drawer to its tab bar (the game gets the room) or unfold it."""
        self.drawer.set_collapsed(collapsed)

    # ------------------------------------------------------------------ registry (WindowApi)

    def menu(self, name: str) -> QMenu:
        """The named menu, created on first use."""
        return self.actions_registry.menu(name)

    def add_menu(self, name: str, title: str) -> QMenu:
        return self.actions_registry.add_menu(name, title)

    def add_action(self, action: QAction, *, menu: str | None = None, toolbar: str | None = None,
                   before: QAction | None = None) -> None:
        self.actions_registry.add_action(action, menu=menu, toolbar=toolbar, before=before)

    def add_panel(self, widget: QWidget, title: str, *, action: QAction | None = None, min_height: int = 0) -> None:
        self.drawer.add_panel(widget, title, action=action, min_height=min_height)

    def show_panel(self, widget: QWidget, *, min_height: int = 0) -> None:
        self.drawer.show_panel(widget, min_height=min_height)

    def current_panel(self) -> QWidget:
        """The drawer's tab in front (a feature's panel itself, not its scroll area)."""
        return self.drawer.current_panel()

    def add_target(self, target: ApiTarget, *, select: bool = False) -> None:
        """List an API target in the environment selector."""
        self.environment.add_target(target, select=select)

    def show_banner(self, key: str, text: str, severity: str = "warning", *, solid: str | None = None) -> None:
        """Show (or update) a full-width banner above the form, e.g. for production."""
        self.banner_box.show_banner(key, text, severity, solid=solid)

    def hide_banner(self, key: str) -> None:
        self.banner_box.hide_banner(key)

    def show_notice(self, key: str, text: str, severity: str = "warning") -> None:
        """Show (or update) a notice in the status bar: it never moves the form or the game."""
        self.notices.show_notice(key, text, severity)

    def hide_notice(self, key: str) -> None:
        self.notices.hide_notice(key)

    def set_accent(self, color: str | None, *, tint_launch: bool = False) -> None:
        self.form.set_accent(color if tint_launch else None)
        themed(self.toolbar, f"QToolBar#mainToolbar {{ border-bottom: 3px solid {color}; }}" if color else "")

    def set_title_suffix(self, suffix: str) -> None:  # e.g. the production marker
        self._title_suffix = suffix
        self._update_title()

    # ------------------------------------------------------------------ launching

    def launch(self, *, send_anyway: bool = False, request: LaunchRequest | None = None, uuid: str | None = None,
               replay_of: int | None = None) -> asyncio.Task | None:
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
        self.status_line.set_text(text, severity)
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
        self._tab_titles.apply(self.game_area.tabs, on)
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
            self.painted.emit()
            if not self.hold_first_paint:
                QTimer.singleShot(0, self._on_first_paint)

    def release_first_paint(self) -> None:
        """Let the first-paint work run (``first_painted``): the asyncio loop exists now."""
        if self.hold_first_paint and self.first_paint_at is not None:
            QTimer.singleShot(0, self._on_first_paint)
        self.hold_first_paint = False

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing:
            self._closing = True
            placement.remember(self)
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

    def _game_title(self, request: LaunchRequest) -> str:
        name = self.form.game_picker.game_name(request.gameid) or request.gameid or "Game"
        player = mask_id(request.player_id) if self.screen_share else request.player_id
        return redact(f"{name} · {player}" if player else name)

    def _update_title(self) -> None:
        target = self.environment.current_target()
        name = target.profile_name if target else "Sandbox"
        # The app's name last, once: Qt's xcb and Windows plugins append " — <display
        # name>" to every title that does not already end with it.
        self.setWindowTitle(redact(f"{name}{self._title_suffix} · {APP_NAME}"))

    def _show_web_sandbox_state(self) -> None:
        banner = self.status_line.show_web_sandbox(self.web_sandbox)
        if banner is not None:
            self.show_banner("web_sandbox", banner, "warning")
