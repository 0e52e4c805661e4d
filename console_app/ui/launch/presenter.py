"""Shows a launch as it goes: the request preview, the answer panel, the status line
and, on success, the game tab — and relays the controller's signals to the
:class:`~console_app.ui.api.WindowApi` with the :class:`Launch` they belong to,
in one fixed order (the tab is handed over with ``game_opened`` before
``launch_finished``)."""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from console_app.core.errors import ConsoleError
from console_app.core.models import LaunchResult
from console_app.core.redaction import redact
from console_app.ui.api import AttemptEvent, Launch

if TYPE_CHECKING:
    from console_app.ui.window.main_window import MainWindow

log = logging.getLogger("console_app.ui")

#: The code the API answers a reused uuid with (spec: 409 V.6).
DUPLICATE_UUID_CODE = "V.6"
#: How long after Launch the window says "Sending…" when no answer has come yet:
#: well under what a user notices as a delay, and past a fast API's answer (which
#: then shows at once, with no "Sending…" flash before it).
SENDING_FEEDBACK_MS = 30


def status_summary(result: LaunchResult) -> str:
    """``✔ 200 in 84 ms · 1 attempt · uuid 5c1e…`` for a successful launch."""
    attempts = len(result.attempts)
    return (
        f"✔ {result.http_status} in {result.duration_ms:.0f} ms · {attempts} attempt{'s' if attempts != 1 else ''}"
        f" · uuid {result.uuid[:4]}…"
    )


def error_summary(error: ConsoleError, description) -> str:
    """The status line for a failed launch: code, headline, attempts, next step."""
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


class LaunchPresenter(QObject):
    """Presents the window's launches (one at a time)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._launch: Launch | None = None
        #: The uuid the request preview shows as sent.
        self._preview_uuid: str | None = None
        #: The last launch sent, for the answer panel's Retry.
        self.last_sent: Launch | None = None
        # While a request is in flight the form counts the time against the deadline.
        self._elapsed_timer = QTimer(self)
        self._elapsed_timer.setInterval(100)
        self._elapsed_timer.timeout.connect(self._on_elapsed_timer_timeout)
        self._started_at = 0.0
        #: The launch whose request and answer the panels show.
        self._begun: Launch | None = None
        controller = window.controller
        controller.busy_changed.connect(self._on_controller_busy_changed)
        controller.launch_started.connect(self._on_controller_launch_started)
        controller.attempt_recorded.connect(self._on_controller_attempt_recorded)
        controller.attempt_sent.connect(window.api.attempt_sent)
        controller.launch_finished.connect(self._on_controller_launch_finished)
        controller.launch_failed.connect(self._on_controller_launch_failed)
        controller.launch_cancelled.connect(self._on_controller_launch_cancelled)

    @Slot(bool)
    def _on_controller_busy_changed(self, busy: bool) -> None:
        window = self._window
        window.form.set_busy(busy)
        if not busy:
            self._elapsed_timer.stop()
        window.progress.setVisible(busy)
        window.cancel_action.setEnabled(busy)
        window.api.busy_changed.emit(busy)

    @Slot(Launch)
    def _on_controller_launch_started(self, launch: Launch) -> None:
        window = self._window
        self._launch = self.last_sent = launch
        self._preview_uuid = launch.uuid
        window.id_mask.remember(launch.request.player_id, launch.request.session_id, launch.target.partner_id)
        # Next loop pass: the request is on the wire by then, so the import overlaps it.
        QTimer.singleShot(0, window.game_area.preload)
        # The request goes out first: "Sending…" (~2.5 ms of widgets, which would hold
        # the request back) shows SENDING_FEEDBACK_MS later, if no answer came by then.
        QTimer.singleShot(SENDING_FEEDBACK_MS, self, partial(self._show_sending, launch))
        self._started_at = time.monotonic()
        self._elapsed_timer.start()
        window.api.launch_started.emit(launch)

    def _show_sending(self, launch: Launch) -> None:
        if self._launch is not launch:
            return  # answered already: the result shows instead
        self._begin_answer(launch)
        self._window.set_status(f"Sending to {launch.target.profile_name}…", "info")

    def _begin_answer(self, launch: Launch) -> None:
        """Once per launch, before anything of its answer shows: the request as sent in
        the Request panel, the last launch's answer cleared."""
        if self._begun is launch:
            return
        self._begun = launch
        window = self._window
        window.preview.show_request(launch.target, launch.request, launch.uuid)
        window.answer.show_pending()
        if window.state is not None:
            # The form as it was sent survives a crash or a kill (it is kept at close too).
            window.state.save_form_values(window.form.request())
            window.state.sync()

    @Slot(AttemptEvent)
    def _on_controller_attempt_recorded(self, event: AttemptEvent) -> None:
        window = self._window
        attempt = event.attempt
        if attempt.outcome != "success":
            # A success is the last attempt: launch_finished lists them all at once.
            self._begin_answer(event.launch)
            window.answer.add_attempt(attempt)
        if attempt.uuid != self._preview_uuid:
            # A retry's new uuid (the first attempt's was shown when the launch started).
            self._preview_uuid = attempt.uuid
            window.preview.show_request(event.target, event.request, attempt.uuid)
        if attempt.outcome != "success":
            window.set_status(
                f"Attempt {attempt.number}: {attempt.error_code or attempt.outcome} after {attempt.duration_ms:.0f} ms…",
                "warning",
            )
            # The deadline is per attempt: the next one starts its own count.
            self._started_at = time.monotonic()
        window.api.attempt_recorded.emit(event)

    @Slot(LaunchResult)
    def _on_controller_launch_finished(self, result: LaunchResult) -> None:
        window = self._window
        launch = self._take_launch()
        summary = status_summary(result)
        # The game first: its page starts loading now. The answer panel and the status
        # line follow on the next pass of the loop (~1.5 ms the game need not wait for).
        if window.game_area.can_show_games:
            window.open_page(result.game_url.reveal(), launch.title, launch.launch_id)
        else:
            summary += " · game view off (running as root)"
        QTimer.singleShot(0, self, partial(self._show_success, launch, result, summary))
        window.api.launch_finished.emit(launch, result)

    def _show_success(self, launch: Launch, result: LaunchResult, summary: str) -> None:
        window = self._window
        self._begin_answer(launch)
        window.answer.show_result(result)
        window.bottom_tabs.setCurrentWidget(window.answer_scroll)
        window.set_status(summary, "success")

    @Slot(ConsoleError)
    def _on_controller_launch_failed(self, error: ConsoleError) -> None:
        from console_app.core.error_dictionary import for_paths
        from console_app.core.messages import describe

        window = self._window
        launch = self._take_launch()
        self._begin_answer(launch)
        # The user's override file (config dir) applies to the window as to the CLI.
        description = describe(error, endpoint="session", dictionary=for_paths(window.paths))
        window.answer.show_error(error, description)
        # A failure needs reading: the drawer opens on it (a success leaves it as it is).
        window.show_panel(window.answer_scroll)
        if launch.same_uuid and getattr(error, "code", None) == DUPLICATE_UUID_CODE:
            # The answer a same-uuid replay exists to provoke: say so, not "failed".
            line = (f"Duplicate uuid refused as expected: HTTP {getattr(error, 'http_status', 409)} "
                    f"{DUPLICATE_UUID_CODE} (uuid already used)"
                    + (f" — replay of #{launch.replay_of}" if launch.replay_of is not None else ""))
            window.answer.mark_expected(line)
            window.set_status(f"✔ {line}", "info")
        else:
            window.set_status(redact(error_summary(error, description)), description.severity)
        window.api.launch_failed.emit(launch, error)

    @Slot(list)
    def _on_controller_launch_cancelled(self, attempts: list) -> None:
        window = self._window
        launch = self._take_launch()
        self._begin_answer(launch)
        window.answer.show_cancelled(attempts)
        window.set_status("Cancelled — no game was opened", "warning")
        window.api.launch_cancelled.emit(launch, attempts)

    @Slot()
    def _on_elapsed_timer_timeout(self) -> None:
        window = self._window
        window.form.show_elapsed(time.monotonic() - self._started_at, window.controller.client_settings.deadline)

    def _take_launch(self) -> Launch:
        launch, self._launch = self._launch, None
        assert launch is not None, "a launch ended that never started"
        return launch
