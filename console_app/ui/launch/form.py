"""The ENTER request form: Game / Player / Session groups, inline validation as you
type, and the Launch / Cancel / Send anyway buttons.

The form only edits a :class:`~console_app.core.models.LaunchRequest`; it never
sends anything. ``launch_requested(send_anyway)`` asks the window to send.
"""

from __future__ import annotations

import uuid as _uuid
from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from console_app.core.models import DEMO_PLAYER, LaunchRequest
from console_app.qtstyle import named, set_problem, set_role, set_severity, themed
from console_app.ui.launch.code_combo import DEFAULT_CURRENCIES, DEFAULT_LANGUAGES, CodeCombo
from console_app.ui.launch.simple_game_picker import GamePicker, SimpleGamePicker
from console_app.ui.masking import field_text, mask_field, set_field_text


def _marked(problem, side: str) -> str:
    """The typed value or the suggestion as HTML, the characters that differ underlined
    and bold in a monospace font (so ``I`` and ``l`` can be told apart)."""
    difference = getattr(problem, "difference", None)
    if difference is None:
        return escape(problem.suggestion if side == "suggestion" else "")
    parts = []
    for text, differs in difference.segments(side):
        shown = escape(text) if text else "‸"  # an insertion point: a caret
        parts.append(f"<b><u>{shown}</u></b>" if differs else escape(text))
    return f'<span style="font-family:monospace">{"".join(parts)}</span>'


#: The demo player of ``lm-console gui`` (the CLI's): a newcomer clicks Launch and plays.
DEMO_REQUEST = LaunchRequest(**DEMO_PLAYER)


def new_session_id() -> str:
    """A fresh, readable partner-side session ID."""
    return f"s-{_uuid.uuid4().hex[:12]}"


class LaunchForm(QWidget):
    """The left column: request fields, problems, Launch/Cancel."""

    request_changed = Signal(object)  # LaunchRequest
    launch_requested = Signal(bool)  # send_anyway
    cancel_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        game_picker_factory: Callable[[QWidget], QWidget] | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, "launchForm", "Launch request")
        self._problems: list = []
        #: The profile's catalog: hints (did you mean ...?) come from it when set.
        self._catalog = None
        # The window turns this on after its first paint: the first check loads the
        # ISO tables (~50 ms), which should not delay the window appearing.
        self.validation_enabled = True
        self._filling = False
        self._supported: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

        self.slot_radio = named(QRadioButton("Slot", self), "gameTypeSlot", "Game type slot")
        self.table_radio = named(
            QRadioButton("Table — not available yet", self), "gameTypeTable", "Game type table, not available yet"
        )
        self.slot_radio.setChecked(True)
        self._type_group = QButtonGroup(self)
        self._type_group.addButton(self.slot_radio)
        self._type_group.addButton(self.table_radio)
        type_row = QHBoxLayout()
        type_row.setContentsMargins(0, 0, 0, 0)
        type_row.addWidget(self.slot_radio)
        type_row.addWidget(self.table_radio)
        type_row.addStretch(1)

        factory = game_picker_factory or SimpleGamePicker
        picker = factory(self)
        #: The picker as the widget laid out in the form; game_picker is what the form asks of it.
        self._game_picker_widget = picker
        self.game_picker: GamePicker = picker  # type: ignore[assignment]
        self.player_id = self._line("playerId", "Player ID", "the player's ID at the partner")
        self.nickname = self._line("nickname", "Nickname", "shown in the game")
        self.language = named(CodeCombo(self), "language", "Language")
        self.currency = named(CodeCombo(self), "currency", "Currency")
        self.language.set_choices((c, "") for c in ("en", "ja", "ko", "zh"))
        self.currency.set_choices((c, "") for c in ("USD", "EUR", "JPY", "KRW", "CNY"))
        self.session_id = self._line("sessionId", "Session ID", "the player's session ID at the partner")
        self.new_session_button = named(QPushButton("New", self), "newSessionId", "New session ID")
        self.new_session_button.setToolTip("Generate a new session ID")
        self.ip = self._line("playerIp", "IP address", "the player's IP address, e.g. 203.0.113.7")
        session_row = QHBoxLayout()
        session_row.setContentsMargins(0, 0, 0, 0)
        session_row.addWidget(self.session_id, 1)
        session_row.addWidget(self.new_session_button)

        game_form = self._group_form()
        game_form.addRow(self._label("Type", self.slot_radio), type_row)
        game_form.addRow(self._label("Game", self._game_picker_widget), self._game_picker_widget)
        player_form = self._group_form()
        player_form.addRow(self._label("ID", self.player_id), self.player_id)
        player_form.addRow(self._label("Nickname", self.nickname), self.nickname)
        player_form.addRow(self._label("Language", self.language), self.language)
        player_form.addRow(self._label("Currency", self.currency), self.currency)
        session_form = self._group_form()
        session_form.addRow(self._label("ID", self.session_id), session_row)
        session_form.addRow(self._label("IP", self.ip), self.ip)

        self.problems_label = self._message_label("problems", "Problems with the request")
        self.problems_label.setTextFormat(Qt.TextFormat.RichText)
        # Suggestions are links ("use lm_60_tumblefortune"): one click applies them.
        self.problems_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.problems_label.linkActivated.connect(self._on_problems_label_link_activated)
        self.problems_label.hide()

        self.launch_button = named(QPushButton("Launch", self), "launchButton", "Launch")
        set_role(self.launch_button, "primary")
        self.launch_button.setToolTip("Send the request and open the game (Ctrl+Enter)")
        self.launch_button.setDefault(True)
        self.cancel_button = named(QPushButton("Cancel", self), "cancelButton", "Cancel the request")
        self.cancel_button.setToolTip("Stop waiting for the answer (Esc)")
        self.cancel_button.setEnabled(False)
        self.send_anyway_button = named(QPushButton("Send anyway", self), "sendAnywayButton", "Send anyway")
        self.send_anyway_button.setToolTip("Send the request as it is, problems included (to test the API's answer)")
        self.send_anyway_button.hide()
        # Why a launch did not go (or failed) stands beside the button, where the eye
        # is, not only in the status bar (which a small screen may not even show).
        self.launch_message = self._message_label("launchMessage", "Launch message")
        self.launch_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.launch_message.hide()
        shortcut_hint = named(QLabel("Ctrl+Enter to launch · Esc to cancel", self), "shortcutHint", "Shortcuts")
        set_role(shortcut_hint, "hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.launch_button, 1)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        for title, form in (("GAME", game_form), ("PLAYER", player_form), ("SESSION", session_form)):
            heading = named(QLabel(title, self), f"heading{title.title()}", f"{title.title()} fields")
            set_role(heading, "heading")
            layout.addWidget(heading)
            layout.addLayout(form)
            layout.addSpacing(8)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.send_anyway_button)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        layout.addWidget(self.launch_message)
        layout.addWidget(shortcut_hint, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

        for line in (self.player_id, self.nickname, self.session_id, self.ip):
            line.textChanged.connect(self._on_field_changed)
        self.language.code_changed.connect(self._on_field_changed)
        self.currency.code_changed.connect(self._on_field_changed)
        self.game_picker.game_changed.connect(self._on_field_changed)
        self.slot_radio.toggled.connect(self._on_field_changed)
        self.new_session_button.clicked.connect(lambda: set_field_text(self.session_id, new_session_id()))
        self.launch_button.clicked.connect(lambda: self.launch_requested.emit(False))
        self.send_anyway_button.clicked.connect(lambda: self.launch_requested.emit(True))
        self.cancel_button.clicked.connect(self.cancel_requested)
        self._fields: dict[str, QWidget] = {
            "gametype": self.slot_radio,
            "gameid": self._game_picker_widget,
            "player.id": self.player_id,
            "player.nickname": self.nickname,
            "player.language": self.language,
            "player.currency": self.currency,
            "player.session.id": self.session_id,
            "player.session.ip": self.ip,
        }

    # ------------------------------------------------------------------ building

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        line = named(QLineEdit(self), name, accessible)
        line.setPlaceholderText(placeholder)
        line.setClearButtonEnabled(True)
        return line

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(f"label{buddy.objectName()[:1].upper()}{buddy.objectName()[1:]}")
        label.setAccessibleName(f"{text} label")
        label.setBuddy(buddy)
        return label

    def _message_label(self, name: str, accessible: str) -> QLabel:
        """A word-wrapped message box that grows with its text. The severity style
        draws a border over the label's edge; the margins keep every line inside it
        (without them the last line's descenders were cut)."""
        label = named(QLabel(self), name, accessible)
        label.setWordWrap(True)
        label.setContentsMargins(8, 4, 8, 4)
        return label

    def _group_form(self) -> QFormLayout:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        form.setContentsMargins(6, 0, 0, 0)
        return form

    # ------------------------------------------------------------------ public API

    def load_display_names(self) -> None:
        """Show language and currency names, every ISO code after the catalog's own
        (babel, ~130 ms: deferred until after first paint, when the plain combos are
        swapped for ones of their kind)."""
        if self.language.kind is None:
            self.language = self._swap_for_kind(self.language, "language")
            self.currency = self._swap_for_kind(self.currency, "currency")
            QWidget.setTabOrder(self.nickname, self.language)
            QWidget.setTabOrder(self.language, self.currency)
            QWidget.setTabOrder(self.currency, self.session_id)
        self.set_supported(*self._supported)

    def _swap_for_kind(self, old: CodeCombo, kind: str) -> CodeCombo:
        new = named(CodeCombo(self, kind=kind), old.objectName(), old.accessibleName())  # type: ignore[arg-type]
        new.set_code(old.code())
        layout = self.layout()
        assert layout is not None  # the form's own, made in __init__
        layout.replaceWidget(old, new)
        label = self.findChild(QLabel, f"label{old.objectName()[:1].upper()}{old.objectName()[1:]}")
        if label is not None:
            label.setBuddy(new)
        new.code_changed.connect(self._on_field_changed)
        field = f"player.{kind}"
        self._fields[field] = new
        old.hide()
        old.deleteLater()
        return new

    def set_supported(self, languages: tuple[str, ...], currencies: tuple[str, ...]) -> None:
        """List the catalog's languages and currencies first (empty: the defaults)."""
        self._supported = (tuple(languages), tuple(currencies))
        if self.language.kind is None:
            return  # applied by load_display_names
        self.language.set_supported(languages or DEFAULT_LANGUAGES)
        self.currency.set_supported(currencies or DEFAULT_CURRENCIES)

    def set_catalog(self, catalog) -> None:
        """Check requests against ``catalog`` too (soft hints with one-click fixes)."""
        self._catalog = catalog
        self._on_field_changed()

    def set_screen_share(self, on: bool) -> None:
        """Show the player and session IDs as a fixed-length mask (read-only meanwhile)."""
        for line in (self.player_id, self.session_id):
            mask_field(line, on)

    def apply_suggestion(self, field: str, value: str) -> None:
        """Put ``value`` into ``field`` (a problem's suggested fix)."""
        widget = self._fields.get(field)
        if field == "gameid":
            self.game_picker.set_game_id(value)
        elif isinstance(widget, CodeCombo):
            widget.set_code(value)
        elif isinstance(widget, QLineEdit):
            widget.setText(value)

    def request(self) -> LaunchRequest:
        """The request exactly as typed (not validated)."""
        return LaunchRequest(
            gameid=self.game_picker.game_id(),
            gametype="table" if self.table_radio.isChecked() else "slot",
            player_id=field_text(self.player_id),
            nickname=self.nickname.text(),
            language=self.language.code(),
            currency=self.currency.code(),
            session_id=field_text(self.session_id),
            ip=self.ip.text(),
        )

    def set_request(self, request: LaunchRequest) -> None:
        self.blockSignals(True)
        self._filling = True  # one check at the end, not one per field
        try:
            (self.table_radio if request.gametype == "table" else self.slot_radio).setChecked(True)
            self.game_picker.set_game_id(request.gameid)
            set_field_text(self.player_id, request.player_id)
            self.nickname.setText(request.nickname)
            self.language.set_code(request.language)
            self.currency.set_code(request.currency)
            set_field_text(self.session_id, request.session_id)
            self.ip.setText(request.ip)
        finally:
            self.blockSignals(False)
            self._filling = False
        self._on_field_changed()

    def enable_validation(self) -> None:
        """Start checking the fields (and check them now)."""
        self.validation_enabled = True
        self._on_field_changed()

    def game_title(self) -> str:
        """The chosen game's name if known, else its id."""
        game_id = self.game_picker.game_id()
        return self.game_picker.game_name(game_id) or game_id or "Game"

    def problems(self) -> list:
        return list(self._problems)

    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self._problems)

    def set_busy(self, busy: bool) -> None:
        self.launch_button.setEnabled(not busy)
        self.send_anyway_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.launch_button.setText("Sending…" if busy else "Launch")

    def show_elapsed(self, elapsed: float, deadline: float) -> None:
        """While a request is in flight: how long it has run against its deadline."""
        self.launch_button.setText(f"Sending… {elapsed:.1f} s of {deadline:g} s")

    def show_message(self, text: str, severity: str | None) -> None:
        """Show ``text`` under the Launch button (hidden when empty)."""
        self.launch_message.setText(text)
        set_severity(self.launch_message, severity)
        self.launch_message.setVisible(bool(text))

    def set_accent(self, color: str | None) -> None:
        """Tint the Launch button (e.g. production red); None for the normal look."""
        # The theme's own selector again: the later of two equal rules wins.
        themed(self.launch_button,
            f'QPushButton[role="primary"] {{ background: {color}; color: white; font-weight: 600; '
            "padding: 5px 14px; border-radius: 4px; border: 1px solid transparent; }"
            'QPushButton[role="primary"]:disabled { background: palette(mid); color: palette(window); }'
            'QPushButton[role="primary"]:focus { border: 2px solid white; }' if color else ""
        )

    def focus_first_problem(self) -> None:
        for problem in self._problems:
            widget = self._fields.get(problem.field)
            if widget is not None:
                widget.setFocus()
                return

    # ------------------------------------------------------------------ validation

    def _on_field_changed(self, *_args) -> None:
        if self._filling:
            return
        request = self.request()
        if not self.validation_enabled:
            self.request_changed.emit(request)
            return
        if self._catalog is not None:
            from console_app.core.hints import review

            self._problems = review(request, self._catalog)
        else:
            from console_app.core.validation import validate

            self._problems = list(validate(request))
        self._show_problems()
        self.request_changed.emit(request)

    def _on_problems_label_link_activated(self, link: str) -> None:
        index = int(link.removeprefix("fix:")) if link.startswith("fix:") else -1
        if 0 <= index < len(self._problems) and self._problems[index].suggestion:
            problem = self._problems[index]
            self.apply_suggestion(problem.field, problem.suggestion)

    def _show_problems(self) -> None:
        worst: dict[str, str] = {}
        for problem in self._problems:
            if worst.get(problem.field) != "error":
                worst[problem.field] = problem.severity
        for field, widget in self._fields.items():
            set_problem(widget, worst.get(field))
            widget.setToolTip(
                "\n".join(p.message for p in self._problems if p.field == field)
            )
        if not self._problems:
            self.problems_label.hide()
            self.send_anyway_button.hide()
            return
        rows = []
        for index, problem in enumerate(self._problems):
            icon = "✖" if problem.severity == "error" else "⚠"
            color = "error" if problem.severity == "error" else "warning"
            fix = (f' <a href="fix:{index}">use {escape(problem.suggestion)}</a>' if problem.suggestion else "")
            if problem.suggestion and getattr(problem, "difference", None) is not None:
                # I and l look alike in the UI font: show which characters differ.
                pair = f'{_marked(problem, "typed")} → {_marked(problem, "suggestion")}'
                fix += f' <span style="white-space:nowrap">({pair})</span>'

            rows.append(
                f'<div class="{color}">{icon} <b>{escape(problem.field)}</b>: {escape(problem.message)}{fix}</div>'
            )
        self.problems_label.setText("".join(rows))
        set_severity(self.problems_label, "error" if self.has_errors() else "warning")
        self.problems_label.show()
        self.send_anyway_button.setVisible(self.has_errors())
