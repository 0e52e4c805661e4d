"""The status bar: the status line, the busy indicator, the notice slot and the web
sandbox chip (a state that stays visible after its banner was dismissed)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from console_app.qtenv import WebSandbox
from console_app.qtstyle import named, set_severity, themed
from console_app.ui.window.banners import NoticeArea

WEB_SANDBOX_OFF_TEXT = (
    "Web sandbox disabled ({why}): game pages run without Chromium's sandbox. "
    "Only open games from servers you trust."
)
STARTING_TEXT = "Starting the sandbox…"


class StatusLine(QObject):
    """The widgets of ``bar``, made and laid out once."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        bar.setObjectName("statusBar")
        bar.setAccessibleName("Status")
        bar.setSizeGripEnabled(False)
        themed(bar)
        # "Ready" only once a target that can be sent to is listed (the embedded sandbox
        # starts after the first paint).
        self.label = named(QLabel(STARTING_TEXT), "statusSummary", "Status summary")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = named(QProgressBar(), "busyIndicator", "Request in progress")
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(120)
        self.progress.setMaximumHeight(12)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.notices = NoticeArea(bar)
        self.sandbox_chip = named(QLabel(), "webSandboxChip", "Web sandbox state")
        self.sandbox_chip.hide()
        bar.addWidget(self.label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.notices)
        bar.addPermanentWidget(self.sandbox_chip)

    def set_text(self, text: str, severity: str | None = None) -> None:
        self.label.setText(text)
        self.label.setToolTip(text)
        set_severity(self.label, severity)

    def show_web_sandbox(self, web_sandbox: WebSandbox) -> str | None:
        """Show the web sandbox's state in the chip; the banner text when it is off."""
        if web_sandbox.disabled:
            why = "--no-web-sandbox" if web_sandbox is WebSandbox.OFF_BY_OPTION else "QTWEBENGINE_DISABLE_SANDBOX=1"
            text = WEB_SANDBOX_OFF_TEXT.format(why=why)
            self._chip("⚠ Web sandbox disabled", text, "warning")
            return text
        if not web_sandbox.can_show_games:
            self._chip("Game view off (root)", "Restart with --no-web-sandbox to play games here", "error")
        return None

    def _chip(self, text: str, tip: str, severity: str) -> None:
        self.sandbox_chip.setText(text)
        self.sandbox_chip.setToolTip(tip)
        set_severity(self.sandbox_chip, severity)
        self.sandbox_chip.show()
