"""The game catalog in the window: the rich game picker and language/currency lists
follow the current profile's catalog, the form shows catalog-aware hints with
one-click fixes, and the Catalog menu imports a SLOT_SPEC or fetches the live game
list of the current profile (both off the GUI thread; the result, or one clear line
on failure, in a non-modal box).

:class:`CatalogFeature` takes the window's :class:`~console_app.ui.api.WindowApi`;
:func:`console_app.ui.catalog.game_picker.picker_factory` is the window's ``game_picker_factory``.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QToolButton

from console_app.core.catalog import Catalog, CatalogDiff, CatalogStore, catalog_from_game_list
from console_app.core.errors import CatalogError, ConsoleError
from console_app.core.messages import SANDBOX_STARTING
from console_app.core.models import ApiTarget, LaunchResult
from console_app.core.paths import AppPaths
from console_app.core.redaction import redact
from console_app.ui.aio import async_slot
from console_app.ui.api import Launch

if TYPE_CHECKING:
    import asyncio

    from console_app.ui.api import WindowApi

log = logging.getLogger("console_app.ui.catalog")

_LABELS = {"sample": "bundled sample", "slot_spec": "SLOT_SPEC", "live": "live game list"}


def catalog_caption(catalog: Catalog) -> str:
    """``Catalog: SLOT_SPEC · 42 games · 4 languages · 6 currencies``."""
    return (f"Catalog: {_LABELS.get(catalog.label, catalog.label)} · {len(catalog.games)} games · "
            f"{len(catalog.languages)} languages · {len(catalog.currencies)} currencies")


class CatalogFeature(QObject):
    """The current profile's catalog in the picker and form; import and fetch.

    Signals: ``catalog_applied(Catalog)`` whenever the form shows a catalog;
    ``catalog_replaced(str, CatalogDiff)`` after an import/fetch stored a new one
    for a profile; ``catalog_failed(str)`` with the one-line reason otherwise.
    """

    catalog_applied = Signal(object)
    catalog_replaced = Signal(str, object)
    catalog_failed = Signal(str)

    def __init__(self, api: WindowApi, paths: AppPaths) -> None:
        super().__init__(api)
        self.setObjectName("catalogFeature")
        self.api = api
        self.paths = paths
        self.store = CatalogStore(paths)
        self.catalog: Catalog | None = None
        self.profile_name: str | None = None
        #: The last result/failure box (non-modal), for tests and screenshots.
        self.result_box: QMessageBox | None = None
        self._busy = False
        self._task: asyncio.Task | None = None

        self.import_action = QAction("&Import SLOT_SPEC…", api)
        self.import_action.setObjectName("importSlotSpecAction")
        self.import_action.setToolTip("Replace this profile's catalog with a SLOT_SPEC spreadsheet (.xlsx or .csv)")
        self.import_action.triggered.connect(self._on_import_action_triggered)
        self.fetch_action = QAction("&Fetch game list", api)
        self.fetch_action.setObjectName("fetchGameListAction")
        self.fetch_action.setToolTip("Replace this profile's games with its live /api/gamelist answer")
        self.fetch_action.triggered.connect(self._on_fetch_action_triggered)
        self.menu = api.add_menu("catalog", "&Catalog")
        api.add_action(self.import_action, menu="catalog")
        api.add_action(self.fetch_action, menu="catalog")

        self.catalog_action = QAction("Catalog", api)
        self.catalog_action.setObjectName("catalogAction")
        self.catalog_action.setMenu(self.menu)
        self.catalog_action.setToolTip("Game catalog: import a SLOT_SPEC or fetch the live game list")
        api.add_action(self.catalog_action, toolbar="tools")
        button = api.toolbar_button(self.catalog_action)
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

        api.target_changed.connect(self._on_api_target_changed)
        api.launch_finished.connect(self._on_api_launch_finished)
        api.shutting_down.connect(self._on_api_shutting_down)
        self._on_api_target_changed(api.current_target())

    # ------------------------------------------------------------------ showing

    def apply(self, catalog: Catalog) -> None:
        """Show ``catalog`` in the picker, the language/currency lists and the hints."""
        self.catalog = catalog
        form = self.api.form
        if hasattr(form.game_picker, "set_catalog"):
            form.game_picker.set_catalog(catalog)
        form.set_supported(catalog.languages, catalog.currencies)
        form.set_catalog(catalog)
        self.catalog_action.setToolTip(f"{catalog_caption(catalog)}\n{catalog.source}")
        self.catalog_applied.emit(catalog)

    @Slot(object)
    def _on_api_target_changed(self, target: ApiTarget | None) -> None:
        name = target.profile_name if target is not None else None
        if name is None or name == self.profile_name:
            return
        self.profile_name = name
        # One json.loads (~2 ms for 1,000 games): fine on the GUI thread.
        self.apply(self.store.load(name))

    @Slot(Launch, LaunchResult)
    def _on_api_launch_finished(self, launch: Launch, _result: LaunchResult) -> None:
        note_used = getattr(self.api.form.game_picker, "note_used", None)
        if note_used is not None and launch.request.gameid:
            # After the game tab has opened (the picker's ranks can wait a loop pass).
            QTimer.singleShot(0, self, partial(note_used, launch.request.gameid))

    # ------------------------------------------------------------------ import

    def _on_import_action_triggered(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self.api.parent_widget, "Import SLOT_SPEC", str(Path.home()), "Spreadsheets (*.xlsx *.xlsm *.csv);;All files (*)"
        )
        if path:
            self.import_file(path)

    @async_slot(str)
    async def import_file(self, path: str) -> None:
        """Read a SLOT_SPEC file (off the GUI thread) into the current profile's catalog;
        a broken file changes nothing and says why."""
        import asyncio

        from console_app.core.slot_spec import read_slot_spec

        profile = self.profile_name or "Sandbox"
        if not self._start(f"Importing {Path(path).name}…"):
            return
        try:
            catalog, report = await asyncio.to_thread(read_slot_spec, path)
            diff = await asyncio.to_thread(self.store.replace, profile, catalog)
        except CatalogError as exc:
            self._failed("SLOT_SPEC not imported", redact(str(exc)), "The catalog was not changed.")
        else:
            self._replaced(profile, catalog, diff, f"Imported {len(catalog.games)} games from {Path(path).name}",
                           report.summary())
        finally:
            self._busy = False

    # ------------------------------------------------------------------ fetch

    def _on_fetch_action_triggered(self) -> None:
        self.fetch()

    @async_slot()
    async def fetch(self) -> None:
        """Fetch the current profile's live game list (its token and network settings)
        and store it as that profile's catalog."""
        import asyncio

        from console_app.core.error_dictionary import for_paths
        from console_app.core.messages import one_line

        target = self.api.current_target()
        if target is None:
            self.api.set_status(SANDBOX_STARTING, "warning")
            return
        profile = target.profile_name
        if not self._start(f"Fetching the game list of {profile}…"):
            return
        try:
            target, session = await self.api.open_session(target)
            items = await session.client.game_list(target)
            catalog, notes = catalog_from_game_list(items, api_url=target.api_url, previous=self.store.load(profile))
            if not catalog.games:
                raise CatalogError(f"the game list from {target.api_url} is empty; nothing stored")
            diff = await asyncio.to_thread(self.store.replace, profile, catalog)
        except ConsoleError as exc:
            self._failed("Game list not fetched", one_line(exc, "gamelist", for_paths(self.paths)),
                         "The catalog was not changed.")
        else:
            self._replaced(profile, catalog, diff, f"Fetched {len(catalog.games)} games from {profile}",
                           "\n".join(notes))
        finally:
            self._busy = False

    # ------------------------------------------------------------------ helpers

    def _on_api_shutting_down(self) -> None:
        if self._busy and self._task is not None:
            self._task.cancel()

    def _start(self, status: str) -> bool:
        import asyncio
        if self._busy:
            self.api.set_status("The catalog is already being updated", "warning")
            return False
        self._busy = True
        self._task = asyncio.current_task()
        self.api.set_status(status, "info")
        return True

    def _replaced(self, profile: str, catalog: Catalog, diff: CatalogDiff, headline: str, details: str) -> None:
        if profile == self.profile_name:
            self.apply(catalog)
        self.api.set_status(f"{headline} into profile {profile} · {diff.summary().splitlines()[0]}", "success")
        self._show_box(QMessageBox.Icon.Information, "Catalog updated",
                       f"{headline} into profile {profile}.", f"What changed:\n{diff.summary()}", details)
        self.catalog_replaced.emit(profile, diff)

    def _failed(self, headline: str, reason: str, consequence: str) -> None:
        self.api.set_status(f"✖ {reason}", "error")
        self._show_box(QMessageBox.Icon.Warning, headline, reason, consequence, "")
        self.catalog_failed.emit(reason)

    def _show_box(self, icon: QMessageBox.Icon, title: str, text: str, informative: str, details: str) -> None:
        if self.result_box is not None:
            self.result_box.close()
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self.api.parent_widget)
        box.setObjectName("catalogResult")
        box.setAccessibleName(title)
        box.setInformativeText(informative)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(lambda *_: self._forget_box(box))
        self.result_box = box
        box.open()

    def _forget_box(self, box: QMessageBox) -> None:
        if self.result_box is box:
            self.result_box = None
