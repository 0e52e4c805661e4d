"""The console window: toolbar, launch form, game area, Request/Answer/Log panel and
status bar, wired to a :class:`LaunchController`.

Seams for other areas (keep them stable):
- ``MainWindow(game_picker_factory=...)``: a richer game picker (see
  :mod:`console_app.ui.launch.simple_game_picker` for the interface);
- ``window.environment.add_target(target)`` / ``target_changed``: profiles;
  ``window.show_banner(key, text, severity)`` / ``hide_banner(key)``: e.g. production;
- ``window.controller.add_attempt_listener(fn)``: every attempt (history);
- ``window.add_panel(widget, title, action=window.history_action)``: a bottom tab,
  shown by a toolbar action (History, Catalog).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console_app import APP_NAME
from console_app.qtenv import WebSandbox
from console_app.core.errors import ConsoleError
from console_app.core.models import ApiTarget, LaunchRequest, LaunchResult
from console_app.core.paths import AppPaths
from console_app.core.redaction import mask_id, redact
from console_app.ui.launch.answer_panel import AnswerPanel
from console_app.ui.window.environment_selector import EnvironmentSelector
from console_app.ui.window.error_dialog import UnexpectedErrorDialog
from console_app.ui.launch.game_area import GameArea
from console_app.ui.launch.controller import AttemptEvent, LaunchController
from console_app.ui.launch.form import DEMO_REQUEST, LaunchForm, new_session_id
from console_app.ui.window.log_panel import LogPanel
from console_app.ui.launch.request_preview import RequestPreview
from console_app.qtstyle import named, set_severity
from console_app.ui.window.state import WindowState

log = logging.getLogger("console_app.ui")

WEB_SANDBOX_OFF_TEXT = (
    "Web sandbox disabled ({why}): game pages run without Chromium's sandbox. "
    "Only open games from servers you trust."
)


def status_summary(result: LaunchResult) -> str:
    """``✔ 200 in 84 ms · 1 attempt · uuid 5c1e…`` for a successful launch."""
    attempts = len(result.attempts)
    return (
        f"✔ {result.http_status} in {result.duration_ms:.0f} ms · {attempts} attempt{'s' if attempts != 1 else ''}"
        f" · uuid {result.uuid[:4]}…"
    )


def error_summary(error: ConsoleError, description) -> str:
    """The status-bar line for a failed launch: code, headline, attempts, next step."""
    attempts = list(getattr(error, "attempts", []) or [])
    code = getattr(error, "code", None)
    prefix = f"{code} " if code and code not in description.headline else ""
    parts = [f"{'⚠' if description.severity == 'warning' else '✖'} {prefix}{description.headline}"]
    if attempts:
        parts.append(f"{len(attempts)} attempt{'s' if len(attempts) != 1 else ''}")
        parts.append(f"uuid {attempts[-1].uuid[:4]}…")
    if description.next_step:
        parts.append(description.next_step)
    return " · ".join(parts)


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
        self.first_paint_at: float | None = None
        #: True once the deferred after-first-paint set-up has run.
        self.ready = False
        self._closing = False
        self._screen_share = False
        self._launching: tuple[ApiTarget, LaunchRequest, str] | None = None
        self._last_sent: tuple[ApiTarget, LaunchRequest] | None = None
        #: The uuid the request preview shows as sent.
        self._preview_uuid: str | None = None
        self._error_dialog: UnexpectedErrorDialog | None = None
        #: Optional ``(target, request, send_anyway) -> bool``; False holds a launch back
        #: (the production confirmation, which launches again itself once answered).
        self.launch_gate: Callable[[ApiTarget, LaunchRequest, bool], bool] | None = None
        #: Appended to the window title, e.g. " — PRODUCTION" (see set_title_suffix).
        self.title_suffix = ""

        self.controller = LaunchController(self)
        #: None when the window must not read or write remembered state (capture).
        self.state = WindowState(paths.config_dir) if remember else None

        self._build_actions()
        self._build_toolbar()
        self._build_central(game_picker_factory)
        self._build_menus()
        self._build_status_bar()
        self._connect()

        self.resize(1320, 840)
        self.horizontal_splitter.setSizes([380, 940])
        self.vertical_splitter.setSizes([640, 200])
        saved = None
        if self.state is not None:
            self.state.restore_window(self, self._splitters())
            saved = self.state.form_values()
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
            "Screen-share", "screenShareAction", self._on_screen_share_action_toggled, (),
            "Mask player and session IDs while sharing your screen",
        )
        self.screen_share_action.setCheckable(True)
        self.history_action = self._action("History", "historyAction", lambda: None, (), "Launch history (coming soon)")
        self.catalog_action = self._action("Catalog", "catalogAction", lambda: None, (), "Game catalog (coming soon)")
        self.history_action.setEnabled(False)
        self.catalog_action.setEnabled(False)

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
        toolbar.addSeparator()
        toolbar.addAction(self.screen_share_action)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.history_action)
        toolbar.addAction(self.catalog_action)
        for action in (self.screen_share_action, self.history_action, self.catalog_action):
            button = toolbar.widgetForAction(action)
            button.setObjectName(f"{action.objectName()}Button")
            button.setAccessibleName(action.text())
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    def _build_central(self, game_picker_factory) -> None:
        central = named(QWidget(self), "central", "Console")
        self.form = LaunchForm(game_picker_factory=game_picker_factory)
        form_scroll = named(QScrollArea(), "formScroll", "Launch request form")
        form_scroll.setWidget(self.form)
        form_scroll.setWidgetResizable(True)
        form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        form_scroll.setMinimumWidth(330)
        form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.game_area = GameArea(can_show_games=self.web_sandbox.can_show_games)

        self.preview = RequestPreview()
        self.answer = AnswerPanel()
        self.log_panel = LogPanel()
        self.bottom_tabs = named(QTabWidget(), "bottomTabs", "Request, answer and log")
        self.bottom_tabs.setDocumentMode(True)
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
        self.vertical_splitter.setCollapsible(0, False)

        self.banners = QVBoxLayout()
        self.banners.setContentsMargins(0, 0, 0, 0)
        self.banners.setSpacing(0)
        self._banner_widgets: dict[str, QFrame] = {}
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self.banners)
        layout.addWidget(self.vertical_splitter, 1)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.setObjectName("menuBar")
        bar.setAccessibleName("Menu bar")
        file_menu = bar.addMenu("&File")
        file_menu.setObjectName("fileMenu")
        file_menu.addAction(self.quit_action)
        game_menu = bar.addMenu("&Game")
        game_menu.setObjectName("gameMenu")
        for action in (self.launch_action, self.cancel_action, self.focus_picker_action, self.reload_action,
                       self.close_tab_action):
            game_menu.addAction(action)
        view_menu = bar.addMenu("&View")
        view_menu.setObjectName("viewMenu")
        view_menu.addAction(self.screen_share_action)
        view_menu.addSeparator()
        view_menu.addAction(self.screenshot_action)
        self.help_menu = bar.addMenu("&Help")
        self.help_menu.setObjectName("helpMenu")
        self.about_action = self._action("&About", "aboutAction", self._on_about_action_triggered)
        self.help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        bar.setAccessibleName("Status")
        bar.setSizeGripEnabled(False)
        self.status_label = named(QLabel("Ready — fill in the form and press Ctrl+Enter"), "statusSummary", "Status summary")
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
        self.controller.busy_changed.connect(self._on_controller_busy_changed)
        self.controller.launch_started.connect(self._on_controller_launch_started)
        self.controller.attempt_recorded.connect(self._on_controller_attempt_recorded)
        self.controller.launch_finished.connect(self._on_controller_launch_finished)
        self.controller.launch_failed.connect(self._on_controller_launch_failed)
        self.controller.launch_cancelled.connect(self._on_controller_launch_cancelled)
        self.answer.retry_requested.connect(self._on_answer_retry_requested)
        self.game_area.game_load_finished.connect(self._on_game_area_game_load_finished)

    def _splitters(self) -> dict[str, QSplitter]:
        return {"horizontal": self.horizontal_splitter, "vertical": self.vertical_splitter}

    # ------------------------------------------------------------------ public API

    def add_target(self, target: ApiTarget, *, select: bool = False) -> None:
        """List an API target in the environment selector."""
        self.environment.add_target(target, select=select)

    def add_panel(self, widget: QWidget, title: str, *, action: QAction | None = None) -> int:
        """Add a bottom-panel tab (e.g. History); ``action`` becomes its shortcut."""
        index = self.bottom_tabs.addTab(widget, title)
        if action is not None:
            action.setEnabled(True)
            action.triggered.disconnect()
            action.triggered.connect(lambda: self.bottom_tabs.setCurrentWidget(widget))
        return index

    def show_banner(self, key: str, text: str, severity: str = "warning") -> None:
        """Show (or update) a full-width banner above the form, e.g. for production."""
        banner = self._banner_widgets.get(key)
        if banner is None:
            banner = named(QFrame(), f"banner_{key}", f"{key} banner")
            label = named(QLabel(banner), f"banner_{key}_text", f"{key} banner text")
            label.setWordWrap(True)
            inner = QHBoxLayout(banner)
            inner.setContentsMargins(12, 6, 12, 6)
            inner.addWidget(label)
            self.banners.addWidget(banner)
            self._banner_widgets[key] = banner
        banner.findChild(QLabel).setText(text)
        set_severity(banner, severity)
        banner.show()

    def hide_banner(self, key: str) -> None:
        banner = self._banner_widgets.get(key)
        if banner is not None:
            banner.hide()

    def launch(
        self, *, send_anyway: bool = False, request: LaunchRequest | None = None, uuid: str | None = None
    ) -> asyncio.Task | None:
        """Send the form's request (or ``request``, with ``uuid`` for its first attempt
        when given); the task, or None if not sent."""
        if self.controller.busy:
            self.set_status("A request is already running — Esc cancels it", "warning")
            return None
        target = self.environment.current_target()
        if target is None:
            self.set_status("The sandbox is still starting — try again in a moment", "warning")
            return None
        if request is None:
            request = self.form.request()
            if self.form.has_errors() and not send_anyway:
                self.set_status("Fix the fields marked in red, or use Send anyway to send it as it is", "error")
                self.form.focus_first_problem()
                return None
        if self.launch_gate is not None and not self.launch_gate(target, request, send_anyway):
            return None
        self._launching = (target, request, self._game_title(request))
        self._last_sent = (target, request)
        return self.controller.launch(target, request, uuid)

    def cancel(self) -> None:
        if self.controller.cancel():
            self.set_status("Cancelling…", "warning")

    def set_status(self, text: str, severity: str | None = None) -> None:
        self.status_label.setText(text)
        self.status_label.setToolTip(text)
        set_severity(self.status_label, severity)

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
        """Cancel any launch and release the network client and web pages."""
        await self.controller.aclose()
        self.game_area.shutdown()

    # ------------------------------------------------------------------ Qt overrides

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.first_paint_at is None:
            self.first_paint_at = time.perf_counter()
            QTimer.singleShot(0, self._on_first_paint)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self._closing:
            self._closing = True
            if self.state is not None:
                self.state.save_window(self, self._splitters())
                self.state.save_form_values(self.form.request())
                self.state.sync()
            self.controller.cancel()
            self.log_panel.detach()
            self.closed.emit()
        super().closeEvent(event)

    # ------------------------------------------------------------------ slots

    def _on_first_paint(self) -> None:
        self.form.enable_validation()
        self.form.load_display_names()
        self.ready = True
        self.first_painted.emit()

    def _on_form_request_changed(self, request: LaunchRequest) -> None:
        if not self.controller.busy:
            self.preview.show_request(self.environment.current_target(), request)

    def _on_environment_target_changed(self, target: ApiTarget | None) -> None:
        partner = target.partner_id if target else "—"
        self.partner_label.setText(f"Partner  {mask_id(partner) if self._screen_share else partner}")
        self.preview.show_request(target, self.form.request())
        self._update_title()

    def _on_screen_share_action_toggled(self, on: bool) -> None:
        self._screen_share = bool(on)
        self.preview.set_screen_share(self._screen_share)
        self._on_environment_target_changed(self.environment.current_target())

    def _on_controller_busy_changed(self, busy: bool) -> None:
        self.form.set_busy(busy)
        self.progress.setVisible(busy)
        self.cancel_action.setEnabled(busy)

    def _on_controller_launch_started(self, target: ApiTarget, request: LaunchRequest, uuid: str) -> None:
        self._preview_uuid = uuid
        self.preview.show_request(target, request, uuid)
        self.answer.show_pending()
        self.set_status(f"Sending to {target.profile_name}…", "info")
        # Next loop pass: the request is on the wire by then, so the import overlaps it.
        QTimer.singleShot(0, self.game_area.preload)

    def _on_controller_attempt_recorded(self, event: AttemptEvent) -> None:
        attempt = event.attempt
        if attempt.outcome != "success":
            # A success is the last attempt: launch_finished lists them all at once.
            self.answer.add_attempt(attempt)
        if attempt.uuid != self._preview_uuid:
            # A retry's new uuid (the first attempt's was shown when the launch started).
            self._preview_uuid = attempt.uuid
            self.preview.show_request(event.target, event.request, attempt.uuid)
        if attempt.outcome != "success":
            self.set_status(
                f"Attempt {attempt.number}: {attempt.error_code or attempt.outcome} after {attempt.duration_ms:.0f} ms…",
                "warning",
            )

    def _on_controller_launch_finished(self, result: LaunchResult) -> None:
        target, _request, title = self._launching or (None, None, "Game")
        self.answer.show_result(result)
        self.bottom_tabs.setCurrentWidget(self.answer_scroll)
        summary = status_summary(result)
        if self.game_area.can_show_games:
            self.game_area.open_game(result.game_url.reveal(), title)
        else:
            summary += " · game view off (running as root)"
        self.set_status(summary, "success")

    def _on_controller_launch_failed(self, error: ConsoleError) -> None:
        from console_app.core.error_dictionary import for_paths
        from console_app.core.messages import describe

        # The user's override file (config dir) applies to the window as to the CLI.
        description = describe(error, endpoint="session", dictionary=for_paths(self.paths))
        self.answer.show_error(error, description)
        self.bottom_tabs.setCurrentWidget(self.answer_scroll)
        self.set_status(redact(error_summary(error, description)), description.severity)

    def _on_controller_launch_cancelled(self, attempts: list) -> None:
        self.answer.show_cancelled(attempts)
        self.set_status("Cancelled — no game was opened", "warning")

    def _on_answer_retry_requested(self) -> None:
        if self._last_sent is not None:
            self.launch(request=self._last_sent[1])

    def _on_game_area_game_load_finished(self, tab, ok: bool) -> None:
        if ok:
            log.info("game page loaded: %s", redact(tab.page.title()))
        else:
            log.warning("game page did not load: %s", redact(tab.url_field.text()))

    def _on_about_action_triggered(self) -> None:
        from console_app.ui.window.about_dialog import AboutDialog

        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _on_screenshot_action_triggered(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save screenshot", str(Path.home() / "luckymonaco-console.png"), "PNG image (*.png)"
        )
        if path:
            ok = self.save_screenshot(path)
            self.set_status(f"Screenshot saved to {path}" if ok else f"Could not save {path}", None if ok else "error")

    # ------------------------------------------------------------------ helpers

    def _game_title(self, request: LaunchRequest) -> str:
        name = self.form.game_picker.game_name(request.gameid) or request.gameid or "Game"
        player = mask_id(request.player_id) if self._screen_share else request.player_id
        return redact(f"{name} · {player}" if player else name)

    def set_title_suffix(self, suffix: str) -> None:
        """Append ``suffix`` to the window title (e.g. the production marker)."""
        self.title_suffix = suffix
        self._update_title()

    def _update_title(self) -> None:
        target = self.environment.current_target()
        name = target.profile_name if target else "Sandbox"
        self.setWindowTitle(redact(f"{APP_NAME} — {name}{self.title_suffix}"))

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
