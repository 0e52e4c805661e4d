"""SLOT_SPEC's field table: the column names each table may use (normalised, aliases
in order of preference), the yes/no words of a "Supported" column, and how a
header row is found among a sheet's first rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: How many rows from the top of a sheet may hold titles/notes before the header.
HEADER_SCAN_ROWS = 20

# Column names, normalised (see norm()). Earlier aliases win when several match.
GAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("gameid", "gamecode", "gameidentifier", "gamekey", "id"),
    "name": ("gamename", "gametitle", "gamenameen", "nameen", "englishname", "name", "title"),
    "type": ("gametype", "type", "category"),
    "icon_url": ("iconurl", "icon", "iconlink", "image", "imageurl", "thumbnail"),
    "language": ("languages", "language", "languagecodes", "supportedlanguages"),
    "currency": ("currencies", "currency", "currencycodes", "supportedcurrencies"),
}
LANGUAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("iso6391", "iso6391code", "languagecode", "langcode", "isocode", "code", "iso"),
    "name": ("language", "languagename", "name"),
    "supported": ("supported", "support", "available", "enabled", "status", "use"),
}
CURRENCY_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("iso4217", "iso4217code", "currencycode", "isocode", "code", "iso"),
    "name": ("currency", "currencyname", "name"),
    "supported": ("supported", "support", "available", "enabled", "status", "use"),
}
_YES = {"yes", "y", "o", "true", "1", "✓", "✔", "supported", "available", "ok", "●", "○", "v"}
_NO = {"no", "n", "x", "false", "0", "-", "✗", "✘", "unsupported", "notsupported", "na", "n/a", "×"}


def norm(text: object) -> str:
    """A header or sheet name reduced to lower-case letters and digits
    (``" Game  ID "`` -> ``"gameid"``, ``"ISO 639-1"`` -> ``"iso6391"``)."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").casefold())


def clean(value: object) -> str:
    """A cell as text: None -> "", numbers without a trailing ``.0``, whitespace
    (including non-breaking spaces) collapsed and stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\u00a0", " ").split())


# A sheet reduced to text: rows of cleaned cell strings.
Rows = list[list[str]]


@dataclass(frozen=True)
class Header:
    """Where a table's header is: its 0-based row index and column per field."""

    row: int
    columns: dict[str, int]
    names: dict[int, str]  # column index -> header text as written (for extra columns)


def find_header(rows: Sequence[Sequence[str]], columns: dict[str, tuple[str, ...]],
                required: str, *, scan: int = HEADER_SCAN_ROWS) -> Header | None:
    """The header row among the first ``scan`` rows: the one that names ``required``
    and the most other known columns (the first such row on a tie); None if no row
    names ``required``."""
    best: Header | None = None
    best_score = 0
    for index, row in enumerate(rows[:scan]):
        normalised = [norm(cell) for cell in row]
        found: dict[str, int] = {}
        taken: set[int] = set()
        for fld, aliases in columns.items():
            for alias in aliases:
                if alias in normalised:
                    col = normalised.index(alias)
                    if col not in taken:
                        found[fld] = col
                        taken.add(col)
                        break
        if required not in found:
            continue
        if len(found) > best_score:
            names = {col: cell for col, cell in enumerate(row) if cell}
            best, best_score = Header(index, found, names), len(found)
    return best


def supported(value: str) -> bool | None:
    """A "Supported" cell: True, False, or None for a word neither list knows."""
    key = value.casefold().replace(" ", "")
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def language_header(rows: Rows) -> Header | None:
    """A language table's header, found by its code column, else by its name column."""
    return find_header(rows, LANGUAGE_COLUMNS, "code") or find_header(rows, LANGUAGE_COLUMNS, "name")


def currency_header(rows: Rows) -> Header | None:
    """A currency table's header, as :func:`language_header`."""
    return find_header(rows, CURRENCY_COLUMNS, "code") or find_header(rows, CURRENCY_COLUMNS, "name")


def games_header(rows: Rows) -> Header | None:
    """A games table's header: an ID column, and a name column beside a bare "ID"."""
    header = find_header(rows, GAME_COLUMNS, "id")
    if header is None:
        return None
    # A bare "ID" column is too generic on its own (a change log has one too):
    # a games table also names its games.
    id_text = norm(header.names.get(header.columns["id"], ""))
    if id_text == "id" and "name" not in header.columns:
        return None
    return header

