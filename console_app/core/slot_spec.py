"""Import LuckyMonaco's SLOT_SPEC spreadsheet (``.xlsx``) or a CSV export of it.

SLOT_SPEC's exact layout is not published, so nothing here relies on positions:

- sheets are found by name, ignoring case and spacing: a sheet whose name contains
  "language" is the language list, one containing "currenc" the currency list; any
  other sheet with an ID column in its header row ("Game ID", "gameid", "ID", ...)
  is a games table;
- the header row is the row, among the first :data:`HEADER_SCAN_ROWS`, that names
  the most known columns (title rows and notes above it are skipped);
- columns are found by name (reordered or extra columns are fine; extra game columns
  are kept in :attr:`Game.extra`); blank rows are ignored; a merged cell's value
  (openpyxl keeps it in the top-left cell) is copied to every cell of the range;
- a language or currency sheet may have a "Supported" column (yes/no, O/X, ✓, ...).

A CSV holds the games table, optionally with "Language"/"Currency" columns (one or
more codes per cell), or a language or currency table on its own.

Everything that could not be used is reported in :class:`ImportReport`; a file that
cannot be read at all (broken, not a workbook, password-protected) raises
:class:`CatalogError` with one line naming the file and the next step.

Every import is bounded whatever the file (:data:`LIMITS`): its size on disk, what
a workbook unpacks to (the zip's declared sizes are checked before anything is
unpacked, and what is actually unpacked is counted too), and the rows, columns and
cells of its sheets, found by a streaming pre-scan of the workbook's XML before
openpyxl builds anything. The first limit reached stops the import with one line
(``catalog import: FILE has 1,048,576 rows; the limit is 20,000``). XML that declares
a DTD or entities is refused: Excel and LibreOffice never write one, and entities
are how "billion laughs" files grow.

openpyxl is imported only when an ``.xlsx`` is read; it parses through defusedxml.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import stat
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from console_app.core.catalog import Catalog, Game
from console_app.core.errors import CatalogError
from console_app.core.locale_names import language_code_for_name
from console_app.core.validation import is_iso639_1, is_iso4217

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

log = logging.getLogger("console_app.core.slot_spec")

#: How many rows from the top of a sheet may hold titles/notes before the header.
HEADER_SCAN_ROWS = 20


@dataclass(frozen=True)
class ImportLimits:
    """What one import may read. A real SLOT_SPEC is a few hundred games in a few
    sheets (about 10,000 cells); these leave ample room and keep the worst file
    within seconds and about 150 MB."""

    file_bytes: int = 10 * 1024 * 1024
    #: What a workbook's parts unpack to, all together.
    unpacked_bytes: int = 50 * 1024 * 1024
    archive_parts: int = 1_000
    #: Per sheet (or CSV).
    rows: int = 20_000
    columns: int = 500
    #: All sheets together, counted as openpyxl lays them out: rows x columns per sheet.
    cells: int = 200_000
    #: XML elements in all parts (styles and shared strings cost memory too).
    xml_elements: int = 1_000_000


LIMITS = ImportLimits()

_DELIMITERS = ",;\t|"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"

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


@dataclass(frozen=True)
class Skipped:
    """A row that was not imported, and why (``row`` is 1-based, as a spreadsheet shows it)."""

    sheet: str
    row: int
    reason: str

    def __str__(self) -> str:
        return f"{self.sheet.strip()!r} row {self.row}: {self.reason}"


@dataclass
class ImportReport:
    """What an import read, skipped and noticed."""

    file: str
    games_read: int = 0
    languages_read: int = 0
    currencies_read: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Which sheet each part came from, e.g. {"games": ["Games"], "languages": [...]}.
    sheets: dict[str, list[str]] = field(default_factory=dict)

    def skip(self, sheet: str, row: int, reason: str) -> None:
        self.skipped.append(Skipped(sheet, row, reason))

    def summary(self) -> str:
        """Readable lines for the CLI and the import dialog."""
        lines = [
            f"read {self.games_read} games, {self.languages_read} languages, "
            f"{self.currencies_read} currencies from {self.file}"
        ]
        for part, names in self.sheets.items():
            lines.append(f"  {part}: {', '.join(repr(n) for n in names)}")
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)} rows:")
            lines += [f"  {item}" for item in self.skipped]
        if self.warnings:
            lines.append("warnings:")
            lines += [f"  {text}" for text in self.warnings]
        return "\n".join(lines)


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


def _is_blank(row: Sequence[str]) -> bool:
    return not any(row)


def _cell(row: Sequence[str], col: int | None) -> str:
    return row[col] if col is not None and col < len(row) else ""


def _split_codes(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;/|]+", text) if part]


def _supported(value: str) -> bool | None:
    key = value.casefold().replace(" ", "")
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


# ---------------------------------------------------------------- code checks

def check_language(raw: str) -> tuple[str | None, str | None]:
    """(code, problem): a valid ISO 639-1 code in lower case, or None and why not.
    A two-letter code outside ISO 639-1 is kept with a warning-worthy problem."""
    value = raw.strip()
    if re.fullmatch(r"[A-Za-z]{2}", value):
        code = value.lower()
        return code, None if is_iso639_1(code) else f"language {code!r} is not in ISO 639-1 (kept)"
    guess = language_code_for_name(value)
    hint = f" (did you mean {guess!r}?)" if guess else ""
    return None, f"language {value!r} is not an ISO 639-1 code{hint}"


def check_currency(raw: str) -> tuple[str | None, str | None]:
    """(code, problem) for a currency, as :func:`check_language`. Codes outside ISO
    4217 (partners use e.g. ``IDX``) are kept with a problem note."""
    value = raw.strip()
    if re.fullmatch(r"[A-Za-z]{3}", value):
        code = value.upper()
        return code, None if is_iso4217(code) else f"currency {code!r} is not in ISO 4217 (kept)"
    return None, f"currency {value!r} is not a three-letter ISO 4217 code"


# ---------------------------------------------------------------- table readers

class _Collector:
    """Accumulates games, languages and currencies across sheets, with the report."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.games: dict[str, Game] = {}
        self.languages: dict[str, None] = {}
        self.currencies: dict[str, None] = {}

    def add_code(self, kind: str, raw: str, sheet: str, row: int) -> None:
        check, target = (check_language, self.languages) if kind == "language" else (check_currency, self.currencies)
        code, problem = check(raw)
        if code is None:
            self.report.skip(sheet, row, problem or f"unreadable {kind}")
            return
        if problem:
            self.report.warnings.append(f"{sheet.strip()!r} row {row}: {problem}")
        if code != raw.strip():
            log.debug("normalised %s %r to %r", kind, raw, code)
        target.setdefault(code, None)

    def read_games(self, sheet: str, rows: Rows, header: Header) -> None:
        cols = header.columns
        known = set(cols.values())
        for index in range(header.row + 1, len(rows)):
            row = rows[index]
            number = index + 1
            if _is_blank(row):
                continue
            game_id = _cell(row, cols["id"])
            if not game_id:
                self.report.skip(sheet, number, "no game ID")
                continue
            if any(ch.isspace() for ch in game_id):
                self.report.skip(sheet, number, f"game ID {game_id!r} contains spaces")
                continue
            if game_id in self.games:
                self.report.skip(sheet, number, f"duplicate game ID {game_id}")
                continue
            if game_id[:3] == "Im_":
                self.report.warnings.append(
                    f"{sheet.strip()!r} row {number}: game ID {game_id!r} starts with capital I, "
                    f"LuckyMonaco IDs start with 'lm_' (kept as written)"
                )
            icon = _cell(row, cols.get("icon_url"))
            extra = {
                header.names[col]: row[col]
                for col in header.names
                if col not in known and col < len(row) and row[col]
            }
            self.games[game_id] = Game(
                id=game_id,
                name=_cell(row, cols.get("name")),
                type=(_cell(row, cols.get("type")).lower() or "slot"),
                icon_url=icon if icon.lower().startswith(("http://", "https://")) else None,
                extra=extra,
            )
            for kind in ("language", "currency"):
                for code in _split_codes(_cell(row, cols.get(kind))):
                    self.add_code(kind, code, sheet, number)

    def read_codes(self, kind: str, sheet: str, rows: Rows, header: Header) -> None:
        cols = header.columns
        for index in range(header.row + 1, len(rows)):
            row = rows[index]
            number = index + 1
            if _is_blank(row):
                continue
            raw = _cell(row, cols.get("code"))
            if not raw:
                # Some sheets have only a name column; it may still hold codes.
                raw = _cell(row, cols.get("name"))
            if not raw:
                self.report.skip(sheet, number, f"no {kind} code")
                continue
            if "supported" in cols:
                flag = _cell(row, cols["supported"])
                state = _supported(flag)
                if state is False:
                    continue
                if state is None:
                    reason = f"{kind} {raw!r}: " + (
                        f"unclear 'supported' value {flag!r}" if flag else "'supported' is empty")
                    self.report.skip(sheet, number, reason)
                    continue
            self.add_code(kind, raw, sheet, number)

    def catalog(self, source: str) -> Catalog:
        return Catalog(
            games=tuple(self.games.values()),
            languages=tuple(self.languages),
            currencies=tuple(self.currencies),
            source=source,
            label="slot_spec",
        )


def _language_header(rows: Rows) -> Header | None:
    return find_header(rows, LANGUAGE_COLUMNS, "code") or find_header(rows, LANGUAGE_COLUMNS, "name")


def _currency_header(rows: Rows) -> Header | None:
    return find_header(rows, CURRENCY_COLUMNS, "code") or find_header(rows, CURRENCY_COLUMNS, "name")


def _games_header(rows: Rows) -> Header | None:
    header = find_header(rows, GAME_COLUMNS, "id")
    if header is None:
        return None
    # A bare "ID" column is too generic on its own (a change log has one too):
    # a games table also names its games.
    id_text = norm(header.names.get(header.columns["id"], ""))
    if id_text == "id" and "name" not in header.columns:
        return None
    return header


_PARTS = {"games": "games", "language": "languages", "currency": "currencies"}


def import_tables(tables: Iterable[tuple[str, Rows]], report: ImportReport, source: str) -> Catalog:
    """Build a catalog from named tables (sheets); classify each by name, then header."""
    collector = _Collector(report)
    for sheet, rows in tables:
        key = norm(sheet)
        if "language" in key or "lang" == key:
            header, kind = _language_header(rows), "language"
        elif "currenc" in key:
            header, kind = _currency_header(rows), "currency"
        else:
            header, kind = _games_header(rows), "games"
            if header is None:
                # A CSV (or oddly named sheet) may hold just a language or currency table.
                for other, finder in (("language", _language_header), ("currency", _currency_header)):
                    candidate = finder(rows)
                    if candidate is not None and "code" in candidate.columns:
                        header, kind = candidate, other
                        break
        if header is None:
            if kind != "games":
                report.warnings.append(f"sheet {sheet!r}: no {kind} code column found in its first "
                                       f"{HEADER_SCAN_ROWS} rows; its {kind}s were not imported")
            else:
                log.info("sheet %r has no games table; ignored", sheet)
            continue
        report.sheets.setdefault(_PARTS[kind], []).append(sheet)
        if kind == "games":
            collector.read_games(sheet, rows, header)
        else:
            collector.read_codes(kind, sheet, rows, header)
    if not collector.games:
        raise CatalogError(
            f"no games found in {report.file}: expected a sheet with a 'Game ID' column in its "
            f"first {HEADER_SCAN_ROWS} rows; check the file is the SLOT_SPEC"
        )
    for part in ("languages", "currencies"):
        if part not in report.sheets and not (collector.languages if part == "languages" else collector.currencies):
            report.warnings.append(f"no {part} found in {report.file}: the catalog lists none, so any is accepted")
    catalog = collector.catalog(source)
    report.games_read = len(catalog.games)
    report.languages_read = len(catalog.languages)
    report.currencies_read = len(catalog.currencies)
    return catalog


# ---------------------------------------------------------------- bounds

def over_limit(name: str, count: int, what: str, limit: int) -> CatalogError:
    """The one line an import stops with when a limit is reached."""
    return CatalogError(f"catalog import: {name} has {count:,} {what}; the limit is {limit:,} "
                        "(a SLOT_SPEC holds far fewer: check this is the right file)")


_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def _cell_position(ref: str) -> tuple[int, int] | None:
    """(row, column), 1-based, of an A1-style reference; None if it is not one."""
    match = _CELL_REF.fullmatch(ref.strip())
    if match is None:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


class _Counted(io.RawIOBase):
    """A zip member as a stream that stops the import once the archive's parts,
    together, unpack past the limit: declared sizes can lie."""

    def __init__(self, member: IO[bytes], scan: _WorkbookScan) -> None:
        self._member = member
        self._scan = scan

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer)
        data = self._member.read(len(view))
        self._scan.unpacked += len(data)
        if self._scan.unpacked > self._scan.limits.unpacked_bytes:
            raise over_limit(self._scan.name, self._scan.unpacked, "bytes unpacked",
                             self._scan.limits.unpacked_bytes)
        view[:len(data)] = data
        return len(data)


class _WorkbookScan:
    """A streaming pass over every XML part of a workbook that measures what openpyxl
    would build (rows and columns per sheet, cells, elements) and stops at the first
    limit, before openpyxl builds anything."""

    def __init__(self, name: str, limits: ImportLimits) -> None:
        self.name = name
        self.limits = limits
        self.unpacked = 0
        self.elements = 0
        self.cells = 0  # rows x columns of the sheets already scanned
        self.strings = 0

    def archive(self, archive: zipfile.ZipFile) -> None:
        limits = self.limits
        parts = archive.infolist()
        if len(parts) > limits.archive_parts:
            raise over_limit(self.name, len(parts), "parts", limits.archive_parts)
        declared = sum(part.file_size for part in parts)
        if declared > limits.unpacked_bytes:
            raise over_limit(self.name, declared, "bytes unpacked", limits.unpacked_bytes)
        for part in parts:
            if part.filename.lower().endswith((".xml", ".rels", ".vml")):
                with archive.open(part) as member:
                    self._part(io.BufferedReader(_Counted(member, self)), part.filename)

    def _part(self, stream: io.BufferedReader, part: str) -> None:
        from defusedxml.ElementTree import iterparse

        limits = self.limits
        rows = columns = 0  # this part's extent, if it is a sheet
        row = column = 0
        sheet_data = None
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = element.tag.rpartition("}")[2]
            if event == "end":
                if tag == "row" and sheet_data is not None:
                    sheet_data.clear()  # keep memory flat on long sheets
                elif tag == "sheetData":
                    sheet_data = None
                continue
            self.elements += 1
            if self.elements > limits.xml_elements:
                raise over_limit(self.name, self.elements, "XML elements", limits.xml_elements)
            if tag == "sheetData":
                sheet_data = element
            elif tag == "row" and sheet_data is not None:
                given = element.get("r", "")
                row = int(given) if given.isdigit() else row + 1
                column = 0
                rows = max(rows, row)
            elif tag == "c" and sheet_data is not None:
                position = _cell_position(element.get("r", ""))
                if position is not None:
                    row, column = position
                    rows = max(rows, row)
                else:
                    column += 1
                columns = max(columns, column)
            elif tag == "mergeCell":
                # The bottom-right corner: openpyxl makes a cell for every cell of the range.
                position = _cell_position(element.get("ref", "").rpartition(":")[2])
                if position is not None:
                    rows, columns = max(rows, position[0]), max(columns, position[1])
            elif tag == "si":
                self.strings += 1
                if self.strings > limits.cells:
                    raise over_limit(self.name, self.strings, "shared strings", limits.cells)
            else:
                continue
            if rows > limits.rows:
                raise over_limit(self.name, rows, "rows", limits.rows)
            if columns > limits.columns:
                raise over_limit(self.name, columns, "columns", limits.columns)
            if self.cells + rows * columns > limits.cells:
                raise over_limit(self.name, self.cells + rows * columns, "cells", limits.cells)
        self.cells += rows * columns


def _unreadable_xml(path: Path, exc: Exception) -> CatalogError:
    from defusedxml import DefusedXmlException

    if isinstance(exc, DefusedXmlException):
        return CatalogError(
            f"cannot read {path.name}: it declares XML entities (a DTD), which Excel and LibreOffice "
            "never write; open it in Excel or LibreOffice, save it again as .xlsx and re-import")
    return _damaged(path)


def _damaged(path: Path) -> CatalogError:
    return CatalogError(
        f"cannot read {path.name}: the workbook is damaged or incomplete; "
        "open it in Excel or LibreOffice, save it again as .xlsx and re-import"
    )


# ---------------------------------------------------------------- file readers

def _xlsx_tables(path: Path, data: bytes, limits: ImportLimits) -> list[tuple[str, Rows]]:
    from xml.etree.ElementTree import ParseError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _WorkbookScan(path.name, limits).archive(archive)
    except CatalogError:
        raise
    except (zipfile.BadZipFile, ParseError, ValueError, OSError, EOFError, NotImplementedError,
            RuntimeError) as exc:
        # zipfile and expat report a damaged or hostile archive as any of these.
        log.info("pre-scan of %s stopped: %r", path, exc)
        raise _unreadable_xml(path, exc) from exc

    import openpyxl  # heavy: only when a workbook is imported
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        try:
            return [(sheet.title, _sheet_rows(sheet)) for sheet in workbook.worksheets]
        finally:
            workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, ParseError, KeyError, OSError, ValueError,
            TypeError, EOFError, IndexError, AttributeError) as exc:
        # openpyxl surfaces a damaged archive as any of these; the detail goes to the log.
        log.info("openpyxl could not read %s: %r", path, exc)
        raise _unreadable_xml(path, exc) from exc


def _sheet_rows(sheet: Any) -> Rows:  # an openpyxl Worksheet (openpyxl ships no type hints)
    """A sheet as text rows, each merged range's value copied to all of its cells
    (the pre-scan has bounded the sheet's extent, merged ranges included)."""
    rows: Rows = [[clean(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(rows) else ""
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            row = rows[r]
            if len(row) < merged.max_col:
                row.extend([""] * (merged.max_col - len(row)))
            for c in range(merged.min_col - 1, merged.max_col):
                row[c] = value
    return rows


def _decode_text(path: Path, data: bytes, report: ImportReport) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise CatalogError(f"cannot read {path.name}: it is not a text CSV file; "
                           "export the SLOT_SPEC as .xlsx or CSV (UTF-8) and import that")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.warnings.append(f"{path.name} is not UTF-8; read it as Windows-1252")
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise CatalogError(f"cannot read {path.name}: unknown text encoding; "
                               "save it as CSV UTF-8 and import again") from exc


def _csv_rows(path: Path, text: str, delimiter: str, limits: ImportLimits) -> Rows:
    rows: Rows = []
    cells = 0
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        if len(row) > limits.columns:
            raise over_limit(path.name, len(row), "columns", limits.columns)
        cells += len(row)
        if cells > limits.cells:
            raise over_limit(path.name, cells, "cells", limits.cells)
        rows.append([clean(cell) for cell in row])
        if len(rows) > limits.rows:
            raise over_limit(path.name, len(rows), "rows", limits.rows)
    return rows


def _csv_tables(path: Path, data: bytes, report: ImportReport, limits: ImportLimits) -> list[tuple[str, Rows]]:
    text = _decode_text(path, data, report)
    try:
        sniffed = csv.Sniffer().sniff(text[:8192], delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    # The sniffer guesses from character counts and is fooled by title lines and
    # list cells ("en, ko"): prefer the delimiter under which a header is found.
    best: Rows | None = None
    for delimiter in dict.fromkeys(sniffed + _DELIMITERS):
        try:
            rows = _csv_rows(path, text, delimiter, limits)
        except csv.Error as exc:
            raise CatalogError(f"cannot read {path.name}: malformed CSV ({exc}); check the file and import again") from exc
        if best is None:
            best = rows
        if _games_header(rows) or _language_header(rows) or _currency_header(rows):
            best = rows
            break
    return [(path.name, best or [])]


def _read_capped(path: Path, limits: ImportLimits) -> bytes:
    """The file's bytes, refusing anything but a regular file within the size limit
    (checked before reading, and again on what was read: files can grow)."""
    try:
        # stat() first: opening a FIFO would wait for a writer.
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise CatalogError(f"cannot import {path}: not a regular file; give the path of the .xlsx or .csv")
        if info.st_size > limits.file_bytes:
            raise over_limit(path.name, info.st_size, "bytes", limits.file_bytes)
        with path.open("rb") as file:
            data = file.read(limits.file_bytes + 1)
    except FileNotFoundError as exc:
        raise CatalogError(f"cannot import {path}: no such file; check the path") from exc
    except OSError as exc:
        raise CatalogError(f"cannot import {path}: {exc.strerror or exc}; check the path and permissions") from exc
    if len(data) > limits.file_bytes:
        raise over_limit(path.name, len(data), "bytes", limits.file_bytes)
    return data


def read_slot_spec(path: str | Path, *, limits: ImportLimits = LIMITS) -> tuple[Catalog, ImportReport]:
    """Read a SLOT_SPEC ``.xlsx`` or ``.csv`` into a catalog (label ``"slot_spec"``) and
    a report. Raises :class:`CatalogError` (one line naming the file and the next
    step) if the file cannot be read, is over one of ``limits`` or holds no games.
    Touches no store."""
    path = Path(path)
    report = ImportReport(file=path.name)
    data = _read_capped(path, limits)
    suffix = path.suffix.lower()
    if data.startswith(_OLE_MAGIC):
        raise CatalogError(
            f"cannot read {path.name}: it is password-protected (or an old .xls file); "
            "open it in Excel or LibreOffice, remove the password / save as .xlsx, and import again"
        )
    if suffix in (".xlsx", ".xlsm") or data.startswith(_ZIP_MAGIC):
        if not data.startswith(_ZIP_MAGIC):
            raise CatalogError(
                f"cannot read {path.name}: it is not an .xlsx workbook (not a zip archive); "
                "save it from Excel or LibreOffice as .xlsx and import again"
            )
        tables = _xlsx_tables(path, data, limits)
    elif suffix == ".xls":
        raise CatalogError(f"cannot read {path.name}: the old .xls format is not supported; "
                           "save it as .xlsx and import again")
    else:
        tables = _csv_tables(path, data, report, limits)
    return import_tables(tables, report, source=f"SLOT_SPEC {path.name}"), report
