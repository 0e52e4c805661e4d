"""History in the window: the store, the History panel and what its actions do.

:class:`HistoryFeature` takes the window's :class:`~console_app.ui.api.WindowApi`
and wires, without the window knowing about history:

- the store (``<data_dir>/history.sqlite3``), opened after first paint;
- the History panel as a drawer tab (toolbar History; Ctrl+F searches it);
- one :func:`recorder` per launch under the window's launch id (so its attempts,
  its entry and its game tab share one id), fed by ``attempt_recorded``: every
  attempt, retries, errors and cancels included;
- the panel's intents: replay (new uuid, or the same uuid to test duplicate handling,
  both recorded with ``replay_of``), edit as new, copy with the token (after the
  panel's confirmation; token resolved off the GUI thread) and export a redacted
  report with a screenshot of the entry's game tab while it is open.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QWidget

from console_app.core.errors import ConsoleError, HistoryError
from console_app.core.history import Entry, HistoryStore, recorder
from console_app.core.messages import ABANDONED_AT_QUIT, history_not_saved
from console_app.core.models import ApiTarget, Attempt, LaunchRequest, LaunchResult
from console_app.core.redaction import redact
from console_app.ui.aio import async_slot
from console_app.ui.api import AttemptEvent, Launch

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from console_app.ui.api import WindowApi
    from console_app.ui.history.panel import HistoryPanel

log = logging.getLogger("console_app.ui.history")

#: Longest wait for a profile's token (keyring) when copying with the token.
TOKEN_DEADLINE_S = 8.0
#: The bottom panel is given at least this height when History is shown.
HISTORY_PANEL_HEIGHT = 380
REPORT_FILTERS = {"md": "Markdown report (*.md)", "json": "JSON report (*.json)"}


class HistoryFeature(QObject):
    """History wired into one window. ``store``/``panel`` are None until opened."""

    #: The store is open and the panel listed (after first paint).
    store_opened = Signal()
    #: Attempts were written and the panel refreshed (once per loop turn, however
    #: many attempts landed in it).
    attempt_stored = Signal()
    #: A report was written: the report's path, the screenshot's path or "".
    report_exported = Signal(str, str)
    #: A cURL command with the real token is on the clipboard.
    token_copied = Signal()

    def __init__(self, api: WindowApi) -> None:
        super().__init__(api)
        self.setObjectName("historyFeature")
        self.api = api
        self.store: HistoryStore | None = None
        self.panel: HistoryPanel | None = None
        self._record: Callable[[Attempt], None] | None = None
        self._launch_id: str | None = None
        #: The open "replay to another host?" question, if any (tests answer it).
        self.replay_box: QMessageBox | None = None
        #: The window is closing: an attempt cancelled now was abandoned at quit.
        self._quitting = False
        # The panel is refreshed on the next loop turn, once for every attempt written
        # in this one: the game tab opens first (a refresh lists up to 200 entries,
        # ~2 ms), and a burst of attempts costs one refresh.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)

        self.history_action = QAction("History", api)
        self.history_action.setObjectName("historyAction")
        self.history_action.setToolTip("Launch history (opens after start-up)")
        self.history_action.setEnabled(False)
        api.add_action(self.history_action, toolbar="tools")
        self.search_action = QAction("Search history", api)
        self.search_action.setObjectName("searchHistoryAction")
        self.search_action.setShortcut(QKeySequence("Ctrl+F"))
        self.search_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.search_action.setToolTip("Search the launch history (Ctrl+F)")
        self.search_action.setEnabled(False)
        self.search_action.triggered.connect(self.focus_search)
        api.add_action(self.search_action, menu="view")

        api.screen_share_changed.connect(self._on_api_screen_share_changed)
        api.shutting_down.connect(self._on_api_shutting_down)
        api.launch_started.connect(self._on_api_launch_started)
        api.attempt_recorded.connect(self._on_api_attempt_recorded)
        # Each request as it goes out, so a process killed while it waits leaves it in
        # history (``unanswered``); its answer replaces it.
        api.attempt_sent.connect(self._on_api_attempt_recorded)
        api.launch_finished.connect(self._on_api_launch_finished)
        api.launch_failed.connect(self._on_api_launch_failed)
        api.launch_cancelled.connect(self._on_api_launch_cancelled)
        if api.ready:
            QTimer.singleShot(0, self.open_store)
        else:
            # Opening is cheap (~3 ms) but the first paint comes first.
            api.first_painted.connect(lambda: QTimer.singleShot(0, self.open_store))

    # ------------------------------------------------------------------ public

    def open_store(self) -> bool:
        """Open the store and add the panel (once); False when the store cannot open."""
        if self.store is not None:
            return True
        try:
            store = HistoryStore.open(self.api.paths.data_dir)
        except HistoryError as exc:
            log.error("history unavailable: %s", exc)
            self.history_action.setToolTip(redact(f"History unavailable: {exc}"))
            self.api.set_status(f"History is off for this run: {exc}", "warning")
            return False
        from console_app.ui.history.panel import HistoryPanel

        self.store = store
        self.panel = panel = HistoryPanel(store, mask=self.api.screen_share_mask)
        panel.replay_requested.connect(self._on_panel_replay_requested)
        panel.edit_requested.connect(self._on_panel_edit_requested)
        panel.export_requested.connect(self._on_panel_export_requested)
        panel.copy_with_token_requested.connect(self._on_panel_copy_with_token_requested)
        self.api.add_panel(panel, "History", action=self.history_action, min_height=HISTORY_PANEL_HEIGHT)
        self.history_action.setEnabled(True)
        self.history_action.setToolTip("Launch history: every attempt, searchable (Ctrl+F)")
        self.search_action.setEnabled(True)
        self.api.parent_widget.destroyed.connect(store.close)
        if store.warning:
            # Read-only folder or full disk: launches go on, the user hears of it once.
            self.api.show_banner("history", store.warning, "warning")
        self._tell_of_an_unanswered_last_launch(store)
        self.store_opened.emit()
        return True

    def _tell_of_an_unanswered_last_launch(self, store: HistoryStore) -> None:
        """The last thing history holds is a request sent with no answer recorded (the
        console was killed or crashed while it waited): say so once, at start-up."""
        newest = store.search(limit=1)
        if newest and newest[0].outcome == "unanswered" and newest[0].endpoint == "session":
            entry = newest[0]
            self.api.show_notice("unanswered", f"History #{entry.id} (uuid {entry.uuid[:8]}…) has no answer: the "
                                 "console stopped while it waited; a game session may have been created", "warning")

    def show_history(self) -> None:
        """Bring the History tab to the front with room to read it."""
        if self.panel is not None:
            self.api.show_panel(self.panel, min_height=HISTORY_PANEL_HEIGHT)

    def focus_search(self) -> None:
        """Show History and put the cursor in its search box (Ctrl+F)."""
        if self.panel is not None:
            self.show_history()
            self.panel.focus_search()

    def recorder_for(
        self, target: ApiTarget, request: LaunchRequest | None, *, endpoint: str = "session",
        replay_of: int | None = None, launch_id: str | None = None,
    ) -> tuple[Callable[[Attempt], None], str | None]:
        """An ``on_attempt`` callback that records one launch (or snapshot) at once and
        refreshes the panel on the next loop turn, and its launch id (None when
        history is off)."""
        if self.store is None and not self.open_store():
            return (lambda attempt: None), None
        assert self.store is not None
        record = recorder(self.store, target, request, endpoint=endpoint, replay_of=replay_of, launch_id=launch_id,
                          on_error=self._on_record_error)

        def on_attempt(attempt: Attempt) -> None:
            record(attempt)
            if attempt.outcome != "unanswered":  # the list shows answers, not each send
                self._refresh_timer.start()

        return on_attempt, record.launch_id  # type: ignore[attr-defined]

    def tab_of(self, entry: Entry) -> QWidget | None:
        """The entry's game tab while it is still open, else None."""
        return self.api.game_tab(entry.launch_id)

    def export_entry(self, entry_id: int, path: str | Path) -> Path | None:
        """Write the redacted report of an entry to ``path`` (``.json``: JSON, else
        Markdown), with ``<stem>-screenshot.png`` beside it when its game tab is open."""
        entry = self._entry(entry_id)
        if entry is None:
            return None
        from console_app.core.paths import write_atomically
        from console_app.core.report import report_json, report_markdown

        path = Path(path)
        attempts = self.store.attempts_of(entry.launch_id) if self.store else []
        diagnostics = self.store.diagnostics_of(entry.launch_id) if self.store else None
        shot: Path | None = None
        tab = self.tab_of(entry)
        if tab is not None:
            shot = path.with_name(f"{path.stem}-screenshot.png")
            if not tab.grab().save(str(shot), "PNG"):
                log.warning("could not save the game tab's screenshot to %s", shot)
                shot = None
        # Relative, so the report's link works wherever the two files are moved together.
        shot_link = shot.name if shot else None
        if path.suffix.lower() == ".json":
            text = json.dumps(report_json(entry, attempts=attempts, screenshot_path=shot_link, diagnostics=diagnostics),
                              indent=2, ensure_ascii=False) + "\n"
        else:
            text = report_markdown(entry, attempts=attempts, screenshot_path=shot_link, diagnostics=diagnostics)
        try:
            write_atomically(path, redact(text))
        except OSError as exc:
            self.api.set_status(f"Could not write {path}: {exc.strerror or exc} — choose another folder", "error")
            return None
        self.api.set_status(
            f"Report of #{entry.id} saved to {path}" + (" with the game tab's screenshot" if shot else ""), "success")
        self.report_exported.emit(str(path), str(shot or ""))
        return path

    # ------------------------------------------------------------------ launches

    @Slot(bool)
    def _on_api_screen_share_changed(self, _on: bool) -> None:
        if self.panel is not None:
            self.panel.refresh_mask()

    @Slot(Launch)
    def _on_api_launch_started(self, launch: Launch) -> None:
        self._record, self._launch_id = self.recorder_for(
            launch.target, launch.request, replay_of=launch.replay_of, launch_id=launch.launch_id)

    @Slot(AttemptEvent)
    def _on_api_attempt_recorded(self, event: AttemptEvent) -> None:
        if self._record is not None and event.launch.launch_id == self._launch_id:
            attempt = event.attempt
            if self._quitting and attempt.outcome == "cancelled":
                attempt = replace(attempt, error_message=ABANDONED_AT_QUIT)
            self._record(attempt)

    def _on_api_shutting_down(self) -> None:
        self._quitting = True

    def _on_record_error(self, error: HistoryError) -> None:
        # Once per launch at most (the recorder stops trying): the launch itself goes on.
        log.warning("%s", history_not_saved(error))
        self.api.show_banner("history", str(error), "warning")

    @Slot(Launch, LaunchResult)
    def _on_api_launch_finished(self, launch: Launch, result: LaunchResult) -> None:
        if launch.replay_of is not None and launch.same_uuid:
            self.api.set_status(
                f"⚠ The API accepted a reused uuid (replay of #{launch.replay_of}, uuid {result.uuid[:8]}…): "
                "it does not reject duplicate uuids", "warning")
        self._end_launch()

    @Slot(Launch, ConsoleError)
    def _on_api_launch_failed(self, _launch: Launch, _error: ConsoleError) -> None:
        self._end_launch()

    @Slot(Launch, list)
    def _on_api_launch_cancelled(self, _launch: Launch, _attempts: list) -> None:
        self._end_launch()

    def _end_launch(self) -> None:
        self._record = None
        self._launch_id = None

    # ------------------------------------------------------------------ panel intents

    def _entry(self, entry_id: int) -> Entry | None:
        entry = self.store.get(entry_id) if self.store else None
        if entry is None:
            self.api.set_status(f"History entry #{entry_id} is gone (pruned or deleted)", "warning")
        return entry

    def _on_panel_replay_requested(self, entry_id: int, same_uuid: bool) -> None:
        entry = self._entry(entry_id)
        if entry is None:
            return
        if entry.endpoint != "session":
            self.api.set_status(f"#{entry.id} is a {entry.endpoint} call; only launches can be replayed", "warning")
            return
        uuid = entry.uuid if same_uuid and entry.uuid else None
        target = self.api.current_target()
        if target is not None and target.profile_name == entry.profile:
            # The same host binding as a launch: the profile's token only goes where the
            # profile points now, and a profile re-created for another host asks first.
            from console_app.core.errors import InvalidInputError, ProfileError
            from console_app.core.profiles import ProfileStore
            from console_app.core.replay import ReplayHostChangedError, replay_profile

            try:
                replay_profile(entry, ProfileStore(self.api.paths))
            except ReplayHostChangedError as exc:
                self._ask_replay_to_current_host(entry, uuid, exc)
                return
            except (ProfileError, InvalidInputError) as exc:
                self.api.set_status(f"Not replayed: {exc}", "error")
                return
        self._replay(entry, uuid)

    def _ask_replay_to_current_host(self, entry: Entry, uuid: str | None, exc) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, "Replay to another host?",
                          f"Entry #{entry.id} went to {exc.entry_host}, but profile '{exc.profile_name}' now points "
                          f"at {exc.profile_host}. Its token is only ever sent to {exc.profile_host}.",
                          QMessageBox.StandardButton.Cancel, self.api.parent_widget)
        box.setObjectName("replayHostChanged")
        go = box.addButton(f"Replay to {exc.profile_host}", QMessageBox.ButtonRole.AcceptRole)
        go.setObjectName("replayToCurrentHost")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self._on_replay_box_finished(box.clickedButton() is go, entry, uuid,
                                                                     exc.entry_host))
        self.replay_box = box
        self.api.set_status(f"Replay #{entry.id}: its host changed — confirm or cancel", "warning")
        box.open()

    def _on_replay_box_finished(self, accepted: bool, entry: Entry, uuid: str | None, entry_host: str) -> None:
        self.replay_box = None
        if accepted:
            self._replay(entry, uuid)
        else:
            self.api.set_status(f"Not replayed: #{entry.id} went to {entry_host}", "warning")

    def _replay(self, entry: Entry, uuid: str | None) -> None:
        if self.api.launch(entry.launch_request(), uuid=uuid, replay_of=entry.id) is None:
            return
        target = self.api.current_target()
        note = "" if target is None or target.profile_name == entry.profile else f" (entry was on {entry.profile})"
        how = f"with the same uuid {entry.uuid[:8]}…" if uuid else "with a new uuid"
        self.api.set_status(f"Replaying #{entry.id} {how} on {target.profile_name if target else '?'}{note}…", "info")

    def _on_panel_edit_requested(self, body: dict) -> None:
        # from_body ignores the uuid: a launch from the form always makes a new one.
        self.api.form.set_request(LaunchRequest.from_body(body))
        self.api.set_status("Loaded into the form — change what you need, then Ctrl+Enter (a new uuid is made)",
                            "info")
        self.api.form.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_panel_export_requested(self, entry_id: int) -> None:
        entry = self._entry(entry_id)
        if entry is None:
            return
        # open(), not exec(): the loop keeps running (launches, pages) while it is up.
        dialog = QFileDialog(self.api.parent_widget, f"Export report of #{entry.id}")
        dialog.setObjectName("exportReportDialog")
        dialog.setAccessibleName("Export report")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(list(REPORT_FILTERS.values()))
        dialog.setDefaultSuffix("md")
        dialog.setDirectory(str(Path.home()))
        dialog.selectFile(f"lm-report-{entry.id}.md")
        dialog.filterSelected.connect(
            lambda name: dialog.setDefaultSuffix("json" if name == REPORT_FILTERS["json"] else "md"))
        dialog.fileSelected.connect(lambda path: self.export_entry(entry.id, path))
        dialog.open()

    @async_slot(int)
    async def _on_panel_copy_with_token_requested(self, entry_id: int) -> None:
        """The user confirmed: copy the entry's cURL command with the real token."""
        import asyncio
        entry = self._entry(entry_id)
        if entry is None:
            return
        from console_app.core.curl import to_curl

        self.api.set_status(f"Getting the token of {entry.profile}…", "info")
        try:
            token = await asyncio.wait_for(self._token_of(entry), TOKEN_DEADLINE_S)
        except TimeoutError:
            self.api.set_status(
                f"The token of {entry.profile} did not arrive within {TOKEN_DEADLINE_S:g} s (keyring locked?); "
                "nothing copied — unlock the keyring and try again", "error")
            return
        except ConsoleError as exc:
            self.api.set_status(redact(f"Nothing copied: {exc}"), "error")
            return
        if not token:
            self.api.set_status(
                f"No token for profile {entry.profile} in this window; nothing copied — "
                "use Copy as cURL and set $LM_TOKEN", "warning")
            return
        # The one deliberate exception to redaction: confirmed by the user just now.
        QGuiApplication.clipboard().setText(to_curl(entry, reveal_token=token))
        log.info("copied a cURL command with the token of %s for #%s", entry.profile, entry.id)
        self.api.set_status("Copied the cURL command WITH the token — paste it only somewhere private",
                               "warning")
        self.token_copied.emit()

    async def _token_of(self, entry: Entry):
        """The token of the entry's profile: from the listed target with that name,
        through the controller's resolver (which reads the keyring off the GUI thread)."""
        for target in self.api.targets():
            if target.profile_name == entry.profile:
                resolved, _settings = await self.api.resolve(target)
                return resolved.token
        return None

    def _on_refresh_timer_timeout(self) -> None:
        if self.panel is not None:
            self.panel.refresh()
        self.attempt_stored.emit()
