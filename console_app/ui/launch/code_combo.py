"""An editable drop-down of ``code — name`` choices that also accepts any typed code.

``CodeCombo(kind="language")`` lists ``ko — Korean`` style entries: the catalog's
supported codes first (:meth:`CodeCombo.set_supported`), then a separator, then
every other ISO 639-1 language (or ISO 4217 currency for ``kind="currency"``),
with display names from babel (:mod:`console_app.core.locale_names`). Without a
``kind`` it lists whatever :meth:`CodeCombo.set_choices` gives (the launch form's
first version and :class:`~console_app.ui.launch.simple_game_picker.SimpleGamePicker`
use it that way).

Deliberately bad values (``US``, ``EN``, ``IDX``) can be typed: validation and hints
warn, nothing blocks typing. Typing filters the list by code or name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

SEPARATOR = " — "

#: Languages the API documents so far; SLOT_SPEC may add more (any code can be typed).
DEFAULT_LANGUAGES = ("en", "ja", "ko", "zh")
#: Currencies LuckyMonaco partners commonly use; any other code can be typed.
DEFAULT_CURRENCIES = (
    "USD", "EUR", "GBP", "JPY", "KRW", "CNY", "HKD", "TWD", "THB", "VND", "IDR", "MYR",
    "PHP", "SGD", "INR", "AUD", "CAD", "BRL",
)

Kind = Literal["language", "currency"]


class CodeCombo(QComboBox):
    """Choices shown as ``code — name``; :meth:`code` is the code, typed or chosen.

    ``code_changed(str)`` fires with the code whenever the shown text changes."""

    code_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, kind: Kind | None = None) -> None:
        super().__init__(parent)
        # The wheel scrolls the form, not the choice, unless the combo was clicked into.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._kind = kind
        self._supported: tuple[str, ...] = ()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        self.setMaxVisibleItems(16)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.currentTextChanged.connect(self._on_self_current_text_changed)
        if kind is not None:
            what = "Language" if kind == "language" else "Currency"
            self.setObjectName(f"{kind}Combo")
            self.setAccessibleName(what)
            self.line_edit().setPlaceholderText("e.g. en" if kind == "language" else "e.g. USD")
            self.set_supported(DEFAULT_LANGUAGES if kind == "language" else DEFAULT_CURRENCIES)

    @property
    def kind(self) -> Kind | None:
        return self._kind

    def line_edit(self) -> QLineEdit:
        """The combo's text field (always there: the combo is editable)."""
        edit = self.lineEdit()
        assert edit is not None
        return edit

    def _on_self_current_text_changed(self, _text: str) -> None:
        self.code_changed.emit(self.code())

    def set_choices(self, choices: Iterable[tuple[str, str]]) -> None:
        """Replace the list with ``(code, name)`` pairs, keeping the current code."""
        self._rebuild([(code, name) for code, name in choices], [])

    def set_supported(self, codes: Iterable[str]) -> None:
        """List ``codes`` (the catalog's) first, then a separator and every other code of
        this combo's kind. Keeps the current code, even one outside both lists."""
        self._supported = tuple(dict.fromkeys(c for c in codes if c))
        if self._kind is None:
            self.set_choices((code, "") for code in self._supported)
            return
        from console_app.core import locale_names

        if self._kind == "language":
            everything = locale_names.all_languages()
            name_of = locale_names.language_name
        else:
            everything = locale_names.all_currencies()
            name_of = locale_names.currency_name
        first = [(code, name_of(code) or "") for code in self._supported]
        listed = set(self._supported)
        self._rebuild(first, [(code, name) for code, name in everything if code not in listed])

    def supported(self) -> tuple[str, ...]:
        """The codes last given to :meth:`set_supported`."""
        return self._supported

    def _rebuild(self, first: list[tuple[str, str]], rest: list[tuple[str, str]]) -> None:
        current = self.code()
        self.blockSignals(True)
        try:
            self.clear()
            for code, name in first:
                self.addItem(f"{code}{SEPARATOR}{name}" if name else code, code)
            if first and rest:
                self.insertSeparator(self.count())
            for code, name in rest:
                self.addItem(f"{code}{SEPARATOR}{name}" if name else code, code)
            self.set_code(current)
        finally:
            self.blockSignals(False)

    def code(self) -> str:
        """The chosen code, or the code part of what was typed (as typed: ``EN`` stays ``EN``)."""
        text = self.currentText()
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0 and self.itemData(index):
            return str(self.itemData(index))
        return text.split(SEPARATOR, 1)[0].strip()

    def set_code(self, code: str) -> None:
        """Select ``code`` if listed (exactly; ``EN`` does not select ``en``), else show
        it as typed text."""
        index = self.findData(code)
        if index >= 0 and code:
            self.setCurrentIndex(index)
        else:
            self.setCurrentIndex(-1)
            self.setEditText(code)

    def name_of(self, code: str) -> str | None:
        """The display name listed for ``code``, if any."""
        index = self.findData(code)
        if index < 0:
            return None
        text = self.itemText(index)
        return text.split(SEPARATOR, 1)[1] if SEPARATOR in text else None


    def wheelEvent(self, event) -> None:  # noqa: N802
        edit = self.lineEdit()
        if self.hasFocus() or (edit is not None and edit.hasFocus()):
            super().wheelEvent(event)
        else:
            event.ignore()  # the scroll area behind it scrolls instead

def language_choices(codes: Iterable[str] = DEFAULT_LANGUAGES) -> list[tuple[str, str]]:
    """``(code, English name)`` pairs, e.g. ``("ko", "Korean")`` (babel, loaded on demand)."""
    from console_app.core.locale_names import language_name

    return [(code, language_name(code) or "") for code in codes]


def currency_choices(codes: Iterable[str] = DEFAULT_CURRENCIES) -> list[tuple[str, str]]:
    """``(code, English name)`` pairs, e.g. ``("KRW", "South Korean won")``."""
    from console_app.core.locale_names import currency_name

    return [(code, currency_name(code) or "") for code in codes]
