"""Launch suites in the window: a Suites panel to open a suite file (or the built-in
conformance suite), run it against the current profile, watch every case turn green
or red as it finishes, cancel, re-run the failed ones, save the HTML/JSON report, and
open any case's entry in History (every case is a History entry tagged with its run).

A suite against a production profile asks first (non-modal) and goes at the gentle
production rate. The runner is the CLI's (:mod:`console_app.core.suite`): the panel
only shows what it reports.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console_app.core.errors import ConsoleError
from console_app.qtstyle import named, set_severity
from console_app.ui.aio import async_slot

if TYPE_CHECKING:
    import asyncio

    from console_app.core.suite import CaseResult, Suite, SuiteRun
    from console_app.ui.api import WindowApi
    from console_app.ui.history.feature import HistoryFeature

log = logging.getLogger("console_app.ui.suites")

#: Cases in flight at once from the window (the CLI's default).
WINDOW_CONCURRENCY = 4
_PASSED, _FAILED, _PENDING = "#1f7a3a", "#b3261e", "#5f6b76"


class SuitesPanel(QWidget):
    """The cases of one suite and their results, with the run's buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "suitesPanel", "Suites")
        self.open_button = named(QPushButton("Open suite…", self), "suiteOpen", "Open a suite file")
        self.conformance_button = named(QPushButton("Conformance", self), "suiteConformance",
                                        "Load the built-in conformance suite")
        self.run_button = named(QPushButton("Run", self), "suiteRun", "Run the suite")
        self.rerun_button = named(QPushButton("Re-run failed", self), "suiteRerunFailed", "Run the failed cases again")
        self.cancel_button = named(QPushButton("Cancel", self), "suiteCancel", "Cancel the run")
        self.save_button = named(QPushButton("Save report…", self), "suiteSave", "Save the report (HTML or JSON)")
        self.add_codes_button = named(QPushButton(self), "suiteAddCodes", "Add the unknown codes to my dictionary")
        self.add_codes_button.setToolTip("Add the codes the error dictionary did not know to <config>/errors.json")
        self.add_codes_button.hide()
        self.summary = named(QLabel("Open a suite file or the conformance suite, then Run.", self), "suiteSummary",
                             "Suite summary")
        self.summary.setWordWrap(True)
        self.table = named(QTreeWidget(self), "suiteCases", "Suite cases")
        self.table.setHeaderLabels(["Case", "Result", "HTTP", "Code", "ms", "Why"])
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setToolTip("Double-click a case to open its entry in History")
        buttons = QHBoxLayout()
        for button in (self.open_button, self.conformance_button, self.run_button, self.rerun_button,
                       self.cancel_button, self.save_button, self.add_codes_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.set_running(False, has_suite=False, has_failed=False)

    def set_running(self, running: bool, *, has_suite: bool, has_failed: bool) -> None:
        for button in (self.open_button, self.conformance_button):
            button.setEnabled(not running)
        self.run_button.setEnabled(has_suite and not running)
        self.rerun_button.setEnabled(has_failed and not running)
        self.cancel_button.setEnabled(running)

    def list_cases(self, names: list[str]) -> None:
        self.table.clear()
        for name in names:
            item = QTreeWidgetItem([name, "…", "", "", "", ""])
            item.setForeground(1, QBrush(QColor(_PENDING)))
            self.table.addTopLevelItem(item)
        self.table.resizeColumnToContents(0)

    def show_result(self, row: int, result: CaseResult, text_of: Any) -> None:
        item = self.table.topLevelItem(row)
        if item is None:
            return
        answer = result.answer
        item.setText(1, "✔ passed" if result.passed else "✖ failed")
        item.setForeground(1, QBrush(QColor(_PASSED if result.passed else _FAILED)))
        item.setText(2, "" if answer is None or answer.http_status is None else str(answer.http_status))
        item.setText(3, (answer.code or "") if answer is not None else "")
        item.setText(4, f"{result.duration_ms:.0f}")
        item.setText(5, text_of("; ".join(result.failures)))
        item.setData(0, Qt.ItemDataRole.UserRole, list(result.history_ids))


class SuitesFeature(QObject):
    """The Suites panel wired into one window (see the module docstring).

    Signals: ``case_finished(CaseResult)`` as each case ends; ``run_finished(object)``
    with the :class:`~console_app.core.suite.SuiteRun` (complete or cancelled).
    """

    case_finished = Signal(object)
    run_finished = Signal(object)

    def __init__(self, api: WindowApi, *, history: HistoryFeature | None = None) -> None:
        super().__init__(api)
        self.setObjectName("suitesFeature")
        self.api = api
        self.history = history
        self.suite: Suite | None = None
        #: The last run (complete or cancelled), None before the first.
        self.run: SuiteRun | None = None
        self.panel = SuitesPanel()
        #: The open production confirmation, if any (tests answer it).
        self.confirmation_box: QMessageBox | None = None
        self._rows: dict[str, int] = {}
        self._task: asyncio.Task | None = None

        self.suites_action = QAction("Suites", api)
        self.suites_action.setObjectName("suitesAction")
        self.suites_action.setToolTip("Launch suites: saved cases with expectations, the conformance suite")
        api.add_action(self.suites_action, toolbar="tools", menu="game")
        api.add_panel(self.panel, "Suites", action=self.suites_action, min_height=320)

        panel = self.panel
        panel.open_button.clicked.connect(self._on_open_clicked)
        panel.conformance_button.clicked.connect(self.load_conformance)
        panel.run_button.clicked.connect(lambda: self.run_cases())
        panel.rerun_button.clicked.connect(lambda: self.run_cases(only_failed=True))
        panel.cancel_button.clicked.connect(self.cancel)
        panel.save_button.clicked.connect(self._on_save_clicked)
        panel.add_codes_button.clicked.connect(self.add_unknown_codes)
        panel.table.itemDoubleClicked.connect(self._on_table_item_double_clicked)
        api.shutting_down.connect(self.cancel)

    # ------------------------------------------------------------------ loading

    def load_file(self, path: str | Path) -> bool:
        """Read and expand a suite file (``"catalog"`` from the current profile's catalog)."""
        from console_app.core.catalog import CatalogStore
        from console_app.core.suite import CatalogValues, SuiteError, load_suite

        target = self.api.current_target()
        profile = target.profile_name if target is not None else "Sandbox"
        try:
            suite = load_suite(path, catalog=CatalogValues(lambda: CatalogStore(self.api.paths).load(profile)))
        except SuiteError as exc:
            self._say(str(exc), "error")
            return False
        self._show_suite(suite, f"{suite.name}: {len(suite.cases)} cases from {Path(path).name}")
        return True

    def load_conformance(self) -> None:
        """The built-in conformance suite (cases derived from the spec)."""
        from console_app.core.suite import conformance_suite

        suite = conformance_suite(self.api.form.request().gameid or "lm_8_treasureofzeus")
        self._show_suite(suite, f"{suite.name}: {len(suite.cases)} cases derived from the API spec")

    def _show_suite(self, suite: Suite, line: str) -> None:
        self.suite = suite
        self.run = None
        self._rows = {case.name: row for row, case in enumerate(suite.cases)}
        self.panel.list_cases([case.name for case in suite.cases])
        self._say(line, "info")
        self._update_buttons(False)
        self.api.show_panel(self.panel, min_height=320)

    # ------------------------------------------------------------------ running

    @async_slot()
    async def run_cases(self, only_failed: bool = False) -> None:
        """Run the suite (or its failed cases) against the current target."""
        import asyncio

        from console_app.core.suite import SuiteRunner, history_recorder

        suite, target = self.suite, self.api.current_target()
        if suite is None or target is None or (self._task is not None and not self._task.done()):
            return
        cases = list(suite.cases)
        if only_failed and self.run is not None:
            failed = {r.name for r in self.run.results if not r.passed}
            cases = [case for case in cases if case.name in failed]
        if target.profile_kind == "production" and not await self._confirm_production(target.profile_name, len(cases)):
            self._say("Not run — a suite on production needs your confirmation", "warning")
            return
        self._task = asyncio.current_task()
        self._update_buttons(True)
        for case in cases:
            item = self.panel.table.topLevelItem(self._rows[case.name])
            if item is not None:
                item.setText(1, "running…")
        store = self.history.store if self.history is not None else None
        checker = None
        if self.api.can_show_games and any(case.expect.game for case in cases):
            # Game checks open each game in its own off-the-record page, like a launch.
            from console_app.webengine.suite_checker import PageChecker

            checker = PageChecker(WINDOW_CONCURRENCY)
        try:
            resolved, settings = await self.api.resolve(target)
            runner = SuiteRunner(resolved, settings, concurrency=WINDOW_CONCURRENCY, checker=checker,
                                 recorder=history_recorder(store) if store is not None else None,
                                 on_result=self._on_runner_result)
            self._say(f"Running {len(cases)} cases against {target.profile_name}…", "info")
            run = await runner.run(cases, name=suite.name)
        except asyncio.CancelledError:
            self._say("Cancelled — the cases that finished are listed", "warning")
            raise
        except ConsoleError as exc:
            self._say(f"Not run: {exc}", "error")
            return
        finally:
            self._task = None
            self._update_buttons(False)
        if only_failed and self.run is not None:
            # The report keeps the whole suite: re-run cases replace their old results.
            again = {r.name: r for r in run.results}
            run = replace(self.run, results=[again.get(r.name, r) for r in self.run.results])
        self.run = run
        self._update_buttons(False)
        # History IDs are complete once the run has returned (entries are written off the loop).
        for result in run.results:
            item = self.panel.table.topLevelItem(self._rows.get(result.name, -1))
            if item is not None:
                item.setData(0, Qt.ItemDataRole.UserRole, list(result.history_ids))
        failures = sum(1 for r in run.results if not r.passed)
        self._say(f"{len(run.results) - failures} passed, {failures} failed — double-click a case for its History "
                  "entry", "success" if not failures else "error")
        if self.history is not None and self.history.panel is not None:
            self.history.panel.refresh()
        self.run_finished.emit(run)

    def cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def unknown_codes(self) -> dict[str, dict[str, Any]]:
        """The codes the last run met that the error dictionary does not know."""
        from console_app.core.suite import run_document, unknown_code_entries

        return unknown_code_entries(run_document(self.run)) if self.run is not None else {}

    def add_unknown_codes(self) -> list[str]:
        """One click: add the unknown codes to the user's dictionary (to edit later)."""
        from console_app.core.error_dictionary import OVERRIDE_FILE_NAME, add_user_codes

        try:
            added = add_user_codes(self.api.paths, self.unknown_codes())
        except ConsoleError as exc:
            self._say(str(exc), "error")
            return []
        self.panel.add_codes_button.hide()
        where = self.api.paths.config_dir / OVERRIDE_FILE_NAME
        self._say(f"Added {', '.join(added) or 'nothing new'} to {where}: edit their meaning and next step there",
                  "success")
        return added

    def _on_runner_result(self, result: CaseResult) -> None:
        row = self._rows.get(result.name)
        if row is not None:
            self.panel.show_result(row, result, self.api.screen_share_mask.text)
        self.case_finished.emit(result)

    async def _confirm_production(self, profile: str, count: int) -> bool:
        from console_app.ui.confirm import confirm

        return await confirm(self.api.parent_widget, "Run the suite on production?",
                             f"{count} requests will go to PRODUCTION ({profile}), one a second: each successful "
                             "case creates a real game session.", "Run on production",
                             name="suiteProductionConfirmation", accept_name="confirmSuiteOnProduction",
                             shown=self._set_confirmation_box)

    def _set_confirmation_box(self, box: QMessageBox | None) -> None:
        self.confirmation_box = box

    # ------------------------------------------------------------------ reports and entries

    def save_report(self, path: str | Path) -> bool:
        """Write the last run's report (``.json``: JSON, else HTML), redacted (IDs
        masked under screen-share)."""
        from console_app.core.paths import write_atomically
        from console_app.core.suite import html_report, run_document, to_json

        if self.run is None:
            self._say("Run the suite first: there is no report yet", "warning")
            return False
        path = Path(path)
        document = run_document(self.run, screen_share=self.api.screen_share)
        text = to_json(document) if path.suffix.lower() == ".json" else html_report(document)
        try:
            write_atomically(path, text)
        except OSError as exc:
            self._say(f"Could not write {path}: {exc.strerror or exc} — choose another folder", "error")
            return False
        self._say(f"Report saved to {path}", "success")
        return True

    def _on_save_clicked(self) -> None:
        dialog = QFileDialog(self.api.parent_widget, "Save suite report")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["HTML report (*.html)", "JSON report (*.json)"])
        dialog.setDefaultSuffix("html")
        dialog.selectFile(f"suite-{(self.suite.name if self.suite else 'report')}.html")
        dialog.fileSelected.connect(self.save_report)
        dialog.open()

    def _on_open_clicked(self) -> None:
        dialog = QFileDialog(self.api.parent_widget, "Open suite", str(Path.home()), "Suite files (*.toml)")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.load_file)
        dialog.open()

    @Slot(QTreeWidgetItem, int)
    def _on_table_item_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        ids = item.data(0, Qt.ItemDataRole.UserRole) or []
        if self.history is None or self.history.panel is None or not ids:
            self._say("This case has no History entry (not run yet, or history is off)", "warning")
            return
        self.history.panel.refresh()
        if self.history.panel.select_entry(int(ids[-1])):
            self.history.show_history()

    def _update_buttons(self, running: bool) -> None:
        has_failed = self.run is not None and any(not r.passed for r in self.run.results)
        self.panel.set_running(running, has_suite=self.suite is not None, has_failed=has_failed)
        self.panel.save_button.setEnabled(self.run is not None and not running)
        unknown: dict[str, dict[str, Any]] = self.unknown_codes() if self.run is not None and not running else {}
        self.panel.add_codes_button.setText(f"Add {len(unknown)} new code{'s' if len(unknown) != 1 else ''} "
                                            "to my dictionary")
        self.panel.add_codes_button.setVisible(bool(unknown))

    def _say(self, line: str, severity: str) -> None:
        line = self.api.screen_share_mask.text(line)
        self.panel.summary.setText(line)
        set_severity(self.panel.summary, severity)
        self.api.set_status(f"Suite: {line}", severity)
