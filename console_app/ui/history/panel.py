"""The history panel: a searchable list of every attempt, a detail view of request and
response side by side, and the actions support staff need (replay, edit as new, copy
as cURL, copy request/response, export a report).

The panel is thin: it reads :class:`HistoryStore` and emits intents; the window sends
requests, reads tokens and writes files. Everything copied goes through redact().
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console_app.core.curl import to_curl
from console_app.core.history import Entry, HistoryStore
from console_app.core.redaction import redact
from console_app.core.screen_share import ScreenShareMask
from console_app.qtstyle import confirm_copied, named, set_role
from console_app.ui.theme import is_dark, monospace_font

#: Shown for each outcome, with its colour (light, dark).
OUTCOMES: dict[str, tuple[str, str, str]] = {
    "success": ("Success", "#1f7a3a", "#7fd49b"),
    "api_error": ("API error", "#b3261e", "#ff9a92"),
    "transport_error": ("Network error", "#b3261e", "#ff9a92"),
    "bad_answer": ("Bad answer", "#8a5300", "#ffc266"),
    "cancelled": ("Cancelled", "#5f6b76", "#a9b4bf"),
    "invalid": ("Not sent", "#8a5300", "#ffc266"),
    # Sent, and the console stopped (killed, crashed) before the answer: may have landed.
    "unanswered": ("No answer", "#8a5300", "#ffc266"),
}
#: Typing pauses this long (ms) before the list is searched again.
SEARCH_DEBOUNCE_MS = 150

_ANY = ""


def _local_time(iso: str, now: datetime | None = None) -> str:
    """``2024-05-01T10:00:00.123Z`` as local time, always with its day: ``today
    10:00:00``, ``yesterday 10:00`` or ``2024-05-01 10:00``."""
    try:
        moment = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).astimezone()
    except ValueError:
        return iso
    today = (now or datetime.now().astimezone()).date()
    if moment.date() == today:
        return moment.strftime("today %H:%M:%S")
    if (today - moment.date()).days == 1:
        return moment.strftime("yesterday %H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


class HistoryTableModel(QAbstractTableModel):
    """Rows of :class:`Entry`, newest first."""

    COLUMNS = ("Time", "Outcome", "Game", "Player", "Profile", "HTTP", "Code", "ms")

    def __init__(self, parent: QWidget | None = None, *, mask: ScreenShareMask | None = None) -> None:
        super().__init__(parent)
        self._entries: list[Entry] = []
        self.id_mask = mask or ScreenShareMask()

    def set_entries(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        for entry in self._entries:
            self.id_mask.remember(entry.player_id, entry.session_id)
        self.endResetModel()

    def refresh_mask(self) -> None:
        """Draw every row again (screen-share was switched)."""
        if self._entries:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._entries) - 1, len(self.COLUMNS) - 1))

    def entry_at(self, row: int) -> Entry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, entry_id: int) -> int:
        return next((i for i, e in enumerate(self._entries) if e.id == entry_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 -- Qt idiom
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 -- Qt idiom
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        entry = self.entry_at(index.row()) if index.isValid() else None
        if entry is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._display(entry, column)
            return self.id_mask.value(text) if column == 3 and entry.player_id else text
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            _label, light, dark = OUTCOMES.get(entry.outcome, (entry.outcome, "#5f6b76", "#a9b4bf"))
            return QColor(dark if is_dark() else light)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (5, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.id_mask.text(f"#{entry.id} · {entry.time} · uuid {entry.uuid or '—'}"
                                  + (f"\n{entry.error_message}" if entry.error_message else ""))
        if role == Qt.ItemDataRole.UserRole:
            return entry.id
        return None

    @staticmethod
    def _display(entry: Entry, column: int) -> str:
        if column == 0:
            return _local_time(entry.time)
        if column == 1:
            text = "● " + OUTCOMES.get(entry.outcome, (entry.outcome,))[0]
            if entry.attempt > 1:
                text += f" · try {entry.attempt}"
            if entry.replay_of:
                text += " · replay"
            return text
        if column == 2:
            return entry.game_id or ("snapshot" if entry.endpoint == "snapshot" else "—")
        if column == 3:
            return entry.player_id or "—"
        if column == 4:
            return entry.profile
        if column == 5:
            return str(entry.http_status) if entry.http_status is not None else "—"
        if column == 6:
            return entry.error_code or ""
        # An unanswered attempt's time is only until it was sent, not an answer's.
        return "—" if entry.duration_ms is None or entry.outcome == "unanswered" else f"{entry.duration_ms:.0f}"


class HistoryPanel(QWidget):
    """Every attempt, searchable. Emits intents; the window does the work:

    - ``replay_requested(entry_id, same_uuid)``: send the entry's request again;
    - ``edit_requested(body)``: load the spec-shaped request body into the form;
    - ``export_requested(entry_id)``: save a report (Markdown or JSON) of the entry;
    - ``copy_with_token_requested(entry_id)``: the user confirmed copying a cURL
      command that holds the real token (the window has the token, the panel never).
    """

    replay_requested = Signal(int, bool)
    edit_requested = Signal(dict)
    export_requested = Signal(int)
    copy_with_token_requested = Signal(int)

    def __init__(self, store: HistoryStore, parent: QWidget | None = None, *,
                 mask: ScreenShareMask | None = None) -> None:
        super().__init__(parent)
        named(self, "historyPanel", "History")
        self._store = store
        #: What screen-share hides in the table and the entry's detail.
        self.id_mask = mask or ScreenShareMask()
        #: Asks the user to confirm; replaceable (tests answer without a dialog).
        self.confirm: Callable[[str, str], bool] = self._confirm_with_dialog

        self.search = named(QLineEdit(self), "historySearch", "Search history")
        self.search.setPlaceholderText("Search player, session, game, uuid, error code or any text")
        self.search.setClearButtonEnabled(True)
        self.outcome_filter = named(QComboBox(self), "historyOutcomeFilter", "Filter by outcome")
        self.outcome_filter.addItem("All outcomes", _ANY)
        for outcome, (label, _light, _dark) in OUTCOMES.items():
            self.outcome_filter.addItem(label, outcome)
        self.profile_filter = named(QComboBox(self), "historyProfileFilter", "Filter by profile")
        self.count_label = named(QLabel(self), "historyCount", "Number of entries shown")
        set_role(self.count_label, "hint")

        self.model = HistoryTableModel(self, mask=self.id_mask)
        self.table = named(QTableView(self), "historyTable", "History entries")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.empty_label = named(QLabel("No attempts yet — every launch, retry and error appears here.", self),
                                 "historyEmpty", "History is empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.empty_label, "hint")

        self.summary = named(QLabel("Select an entry to see its request and response.", self),
                             "historySummary", "Selected entry")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.request_view = self._code_view("historyRequest", "Request sent")
        self.response_view = self._code_view("historyResponse", "Response received")

        self.replay_button = self._button("Replay", "historyReplay", "Send again with a new uuid")
        self.replay_same_button = self._button("Replay same uuid", "historyReplaySame",
                                               "Send again with the same uuid (tests duplicate handling)")
        self.edit_button = self._button("Edit as new", "historyEdit", "Load this request into the form")
        self.curl_button = self._button("Copy as cURL", "historyCopyCurl",
                                        "Copy a cURL command; the token is read from $LM_TOKEN")
        self.curl_token_button = self._button("Copy with token…", "historyCopyCurlToken",
                                              "Copy a cURL command that contains the real token (asks first)")
        self.copy_request_button = self._button("Copy request", "historyCopyRequest", "Copy the request JSON")
        self.copy_response_button = self._button("Copy response", "historyCopyResponse", "Copy the response body")
        self.export_button = self._button("Export report…", "historyExport",
                                          "Save a redacted report (Markdown or JSON) for a ticket")

        self._layout()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.outcome_filter.currentIndexChanged.connect(self.refresh)
        self.profile_filter.currentIndexChanged.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.replay_button.clicked.connect(lambda: self._emit_replay(False))
        self.replay_same_button.clicked.connect(lambda: self._emit_replay(True))
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.curl_button.clicked.connect(self._on_curl_clicked)
        self.curl_token_button.clicked.connect(self._on_curl_token_clicked)
        self.copy_request_button.clicked.connect(
            lambda: self._copy(lambda e: _pretty(e.request_json), self.copy_request_button))
        self.copy_response_button.clicked.connect(
            lambda: self._copy(lambda e: _pretty(e.response_body), self.copy_response_button))
        self.refresh()

    # -- building ------------------------------------------------------------------

    def _code_view(self, object_name: str, accessible_name: str) -> QPlainTextEdit:
        view = named(QPlainTextEdit(self), object_name, accessible_name)
        view.setReadOnly(True)
        view.setFont(monospace_font())
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        view.setPlaceholderText(accessible_name)
        return view

    def _button(self, text: str, object_name: str, tip: str) -> QPushButton:
        button = named(QPushButton(text, self), object_name, text.rstrip("…"))
        button.setToolTip(tip)
        return button

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.outcome_filter)
        filters.addWidget(self.profile_filter)
        filters.addWidget(self.count_label)

        listing = QWidget(self)
        listing_layout = QVBoxLayout(listing)
        listing_layout.setContentsMargins(0, 0, 0, 0)
        listing_layout.addWidget(self.table)
        listing_layout.addWidget(self.empty_label)

        bodies = QSplitter(Qt.Orientation.Horizontal, self)
        bodies.setObjectName("historyBodies")
        for title, view in (("REQUEST", self.request_view), ("RESPONSE", self.response_view)):
            box = QWidget(bodies)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            heading = QLabel(title, box)
            set_role(heading, "heading")
            box_layout.addWidget(heading)
            box_layout.addWidget(view)
        bodies.setSizes([500, 500])

        actions = QHBoxLayout()
        for button in (self.replay_button, self.replay_same_button, self.edit_button):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.curl_button, self.curl_token_button, self.copy_request_button,
                       self.copy_response_button, self.export_button):
            actions.addWidget(button)

        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.summary)
        detail_layout.addWidget(bodies, 1)
        detail_layout.addLayout(actions)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("historySplit")
        split.addWidget(listing)
        split.addWidget(detail)
        split.setSizes([320, 280])
        split.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

    # -- public --------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload from the store with the current search and filters, keeping the
        selected entry selected when it is still listed."""
        selected = self.current_entry()
        self._reload_profiles()
        entries = self._store.search(
            self.search.text(),
            outcome=self.outcome_filter.currentData() or None,
            profile=self.profile_filter.currentData() or None,
        )
        self.model.set_entries(entries)
        self.count_label.setText(f"{len(entries)} shown")
        self.empty_label.setVisible(not entries)
        self.table.setVisible(bool(entries))
        row = self.model.row_of(selected.id) if selected else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._show(None)

    def refresh_mask(self) -> None:
        """Draw the table and the detail again (screen-share was switched)."""
        self.model.refresh_mask()
        self._show(self.current_entry())

    def focus_search(self) -> None:
        """Put the cursor in the search box (Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def current_entry(self) -> Entry | None:
        index = self.table.currentIndex()
        return self.model.entry_at(index.row()) if index.isValid() else None

    def select_entry(self, entry_id: int) -> bool:
        """Select the listed entry with this id; False when it is not listed."""
        row = self.model.row_of(entry_id)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    # -- slots ---------------------------------------------------------------------

    def _reload_profiles(self) -> None:
        current = self.profile_filter.currentData()
        names = self._store.profiles()
        known = [self.profile_filter.itemData(i) for i in range(1, self.profile_filter.count())]
        if names == known:
            return
        self.profile_filter.blockSignals(True)
        self.profile_filter.clear()
        self.profile_filter.addItem("All profiles", _ANY)
        for name in names:
            self.profile_filter.addItem(name, name)
        self.profile_filter.setCurrentIndex(max(0, self.profile_filter.findData(current)))
        self.profile_filter.blockSignals(False)

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show(self.model.entry_at(current.row()) if current.isValid() else None)

    def _show(self, entry: Entry | None) -> None:
        for button in (self.edit_button, self.curl_button, self.curl_token_button,
                       self.copy_request_button, self.copy_response_button, self.export_button):
            button.setEnabled(entry is not None)
        can_replay = entry is not None and entry.endpoint == "session"
        self.replay_button.setEnabled(can_replay)
        self.replay_same_button.setEnabled(can_replay)
        self.edit_button.setEnabled(can_replay)
        if entry is None:
            self.summary.setText("Select an entry to see its request and response.")
            self.request_view.clear()
            self.response_view.clear()
            return
        label = OUTCOMES.get(entry.outcome, (entry.outcome,))[0]
        unanswered = entry.outcome == "unanswered"
        http = f"HTTP {entry.http_status}" if entry.http_status is not None else ("sent" if unanswered else "no answer")
        ms = "" if entry.duration_ms is None or unanswered else f" · {entry.duration_ms:.0f} ms"
        headline = (f"#{entry.id} · {label} · {http}{ms} · attempt {entry.attempt}"
                    + (f" · replay of #{entry.replay_of}" if entry.replay_of else ""))
        lines = [f"{entry.profile} ({entry.profile_kind}) · POST {entry.api_url} · uuid {entry.uuid or '—'}"]
        if entry.error_message or entry.error_code:
            lines.append(entry.error_message or entry.error_code or "")
        self.id_mask.remember(entry.player_id, entry.session_id)
        self.summary.setText(f"<b>{escape(self.id_mask.text(headline))}</b><br>"
                             + "<br>".join(escape(self.id_mask.text(line)) for line in lines))
        self.request_view.setPlainText(self.id_mask.text(_pretty(entry.request_json)))
        self.response_view.setPlainText(self.id_mask.text(_pretty(entry.response_body)))

    def _emit_replay(self, same_uuid: bool) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.replay_requested.emit(entry.id, same_uuid)

    def _on_edit_clicked(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.edit_requested.emit(entry.body())

    def _on_export_clicked(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.export_requested.emit(entry.id)

    def _on_curl_clicked(self) -> None:
        self._copy(to_curl, self.curl_button)

    def _on_curl_token_clicked(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        if self.confirm(
            "Copy with the token?",
            "The command will contain the partner token itself. Anyone who sees it can act as "
            "this partner. Copy it only into a private place, and prefer “Copy as cURL” "
            "with $LM_TOKEN.",
        ):
            self.copy_with_token_requested.emit(entry.id)

    def _copy(self, text_of: Callable[[Entry], str], button: QPushButton) -> None:
        entry = self.current_entry()
        if entry is not None:
            QGuiApplication.clipboard().setText(redact(text_of(entry)))
            confirm_copied(button)

    def _confirm_with_dialog(self, title: str, text: str) -> bool:
        answer = QMessageBox.warning(
            self, title, text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes
