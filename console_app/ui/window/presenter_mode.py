"""Presenter mode, for demos in front of a partner: only the game, full screen, with
screen-share forced on, and one thin bar to switch game, language and currency (each
switch launches again) or leave (Exit, Esc or F11). The form, the panels, History,
banners and every ID stay hidden until the mode ends; the window is then as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Signal, Slot
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from console_app.qtstyle import named, set_role, set_severity
from console_app.ui.launch.code_combo import DEFAULT_CURRENCIES, DEFAULT_LANGUAGES

if TYPE_CHECKING:
    from PySide6.QtGui import QKeySequence

    from console_app.ui.window.main_window import MainWindow


@dataclass(frozen=True)
class _Before:
    """What presenter mode changed, to put back when it ends."""

    screen_share: bool
    full_screen: bool
    maximized: bool
    cancel_shortcuts: list[QKeySequence]
    geometry: QRect


class PresenterBar(QFrame):
    """The thin bar: game, language, currency, a message line and Exit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "presenterBar", "Presenter mode")
        self.game = named(QComboBox(self), "presenterGame", "Game")
        self.game.setMinimumContentsLength(18)
        self.game.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.language = named(QComboBox(self), "presenterLanguage", "Language")
        self.currency = named(QComboBox(self), "presenterCurrency", "Currency")
        self.message = named(QLabel(self), "presenterMessage", "Presenter message")
        self.exit_button = named(QPushButton("Exit presenter mode (Esc)", self), "presenterExit", "Exit presenter mode")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(8)
        for label, combo in (("Game", self.game), ("Language", self.language), ("Currency", self.currency)):
            caption = QLabel(label, self)
            set_role(caption, "hint")
            layout.addWidget(caption)
            layout.addWidget(combo)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.exit_button)

    @staticmethod
    def fill(combo: QComboBox, items: list[tuple[str, str]], current: str) -> None:
        """List ``(code, text)`` items with ``current`` selected (added if missing)."""
        combo.blockSignals(True)
        combo.clear()
        if current and all(code != current for code, _text in items):
            items = [(current, current), *items]
        for code, text in items:
            combo.addItem(text, code)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)


class PresenterMode(QObject):
    """Enters and leaves presenter mode for one window."""

    #: True when the mode starts, False when it ends.
    changed = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._before: _Before | None = None
        self.bar = PresenterBar(window)
        self.bar.hide()
        self.bar.exit_button.clicked.connect(self.leave)
        # A switch replaces the game shown only once the new one opens: a refused,
        # cancelled or failed relaunch leaves the demo on the game it had.
        self._replacing = False
        window.api.game_opened.connect(self._on_api_game_opened)
        for ended in (window.api.launch_failed, window.api.launch_cancelled):
            ended.connect(self._on_api_relaunch_ended)
        for combo in (self.bar.game, self.bar.language, self.bar.currency):
            combo.activated.connect(self._on_bar_choice_activated)

    @property
    def active(self) -> bool:
        return self._before is not None

    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        """Only the game, full screen, IDs masked."""
        window = self._window
        if self.active:
            return
        self._before = _Before(window.screen_share, window.isFullScreen(), window.isMaximized(),
                               window.cancel_action.shortcuts(), window.geometry())
        window.set_screen_share(True)
        window.screen_share_action.setEnabled(False)
        # Esc leaves the mode here (it cancels a request elsewhere).
        window.cancel_action.setShortcuts([])
        window.presenter_exit_action.setEnabled(True)
        self._fill_bar()
        self.bar.message.clear()
        self.bar.message.hide()
        self._set_chrome_visible(False)
        self.bar.show()
        # The whole screen even where no window manager honours "full screen" (kiosks, Xvfb).
        screen = window.screen()
        if screen is not None:
            window.setGeometry(screen.geometry())
        window.showFullScreen()
        self.changed.emit(True)

    def leave(self) -> None:
        """Back to the window as it was before."""
        window = self._window
        before, self._before = self._before, None
        self._replacing = False
        if before is None:
            return
        self.bar.hide()
        self._set_chrome_visible(True)
        window.presenter_exit_action.setEnabled(False)
        window.cancel_action.setShortcuts(before.cancel_shortcuts)
        window.screen_share_action.setEnabled(True)
        window.set_screen_share(before.screen_share)
        if not before.full_screen:
            window.showMaximized() if before.maximized else window.showNormal()
            if not before.maximized:
                window.setGeometry(before.geometry)
        self.changed.emit(False)

    def show_status(self, text: str, severity: str | None) -> None:
        """A line the presenter should see (masked like everything else)."""
        if self.active:
            shown = text if severity in ("warning", "error") else ""
            self.bar.message.setText(shown)
            set_severity(self.bar.message, severity)
            self.bar.message.setVisible(bool(shown))

    # ------------------------------------------------------------------ helpers

    def _set_chrome_visible(self, visible: bool) -> None:
        window = self._window
        window.menuBar().setVisible(visible)
        window.toolbar.setVisible(visible)
        window.statusBar().setVisible(visible)
        window.banner_box.setVisible(visible)
        window.form_scroll.setVisible(visible)
        window.bottom_tabs.setVisible(visible)
        window.game_area.set_presenting(not visible)

    def _fill_bar(self) -> None:
        form = self._window.form
        request = form.request()
        catalog = getattr(form.game_picker, "catalog", lambda: None)()
        games = [(g.id, g.name or g.id) for g in catalog.games] if catalog is not None else []
        if not games and request.gameid:
            games = [(request.gameid, form.game_picker.game_name(request.gameid) or request.gameid)]
        languages = list(form.language.supported()) or list(DEFAULT_LANGUAGES)
        currencies = list(form.currency.supported()) or list(DEFAULT_CURRENCIES)
        self.bar.fill(self.bar.game, games, request.gameid)
        self.bar.fill(self.bar.language, [(c, c) for c in languages], request.language)
        self.bar.fill(self.bar.currency, [(c, c) for c in currencies], request.currency)

    @Slot(int)
    def _on_bar_choice_activated(self, _index: int) -> None:
        window = self._window
        bar = self.bar
        request = window.form.request().with_changes(
            gameid=str(bar.game.currentData() or window.form.request().gameid),
            language=str(bar.language.currentData() or ""), currency=str(bar.currency.currentData() or ""))
        window.form.set_request(request)
        self._replacing = window.launch(request=request, send_anyway=True) is not None

    @Slot(str, QWidget)
    def _on_api_game_opened(self, _launch_id: str, tab: QWidget) -> None:
        # A demo shows one game at a time: the new game replaces the old tab.
        if self._replacing and self.active:
            self._replacing = False
            self._window.game_area.close_all(keep=tab)

    def _on_api_relaunch_ended(self, *_args: object) -> None:
        self._replacing = False

