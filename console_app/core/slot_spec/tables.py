"""From tables of text to a catalog: each sheet classified by its name, then its header;
rows read into games, languages and currencies, each code checked, and whatever
could not be used put in the report."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence

from console_app.core.catalog import Catalog, Game
from console_app.core.errors import CatalogError
from console_app.core.locale_names import language_code_for_name
from console_app.core.slot_spec.columns import (
    HEADER_SCAN_ROWS,
    Header,
    Rows,
    currency_header,
    games_header,
    language_header,
    norm,
    supported,
)
from console_app.core.slot_spec.report import ImportReport
from console_app.core.validation import is_iso639_1, is_iso4217

log = logging.getLogger("console_app.core.slot_spec")


def _is_blank(row: Sequence[str]) -> bool:
    return not any(row)


def _cell(row: Sequence[str], col: int | None) -> str:
    return row[col] if col is not None and col < len(row) else ""


def _split_codes(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;/|]+", text) if part]


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
                state = supported(flag)
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


_PARTS = {"games": "games", "language": "languages", "currency": "currencies"}


def import_tables(tables: Iterable[tuple[str, Rows]], report: ImportReport, source: str) -> Catalog:
    """Build a catalog from named tables (sheets); classify each by name, then header."""
    collector = _Collector(report)
    for sheet, rows in tables:
        key = norm(sheet)
        if "language" in key or "lang" == key:
            header, kind = language_header(rows), "language"
        elif "currenc" in key:
            header, kind = currency_header(rows), "currency"
        else:
            header, kind = games_header(rows), "games"
            if header is None:
                # A CSV (or oddly named sheet) may hold just a language or currency table.
                for other, finder in (("language", language_header), ("currency", currency_header)):
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

