"""Reading a SLOT_SPEC file: an ``.xlsx`` (pre-scanned, then opened with openpyxl) or
a CSV (encoding and delimiter found), each as named tables of text."""

from __future__ import annotations

import csv
import io
import logging
import stat
import zipfile
from pathlib import Path
from typing import Any

from console_app.core.catalog import Catalog
from console_app.core.errors import CatalogError
from console_app.core.slot_spec.bounds import LIMITS, ImportLimits, over_limit, scan_workbook
from console_app.core.slot_spec.columns import Rows, clean, currency_header, games_header, language_header
from console_app.core.slot_spec.report import ImportReport
from console_app.core.slot_spec.tables import import_tables

log = logging.getLogger("console_app.core.slot_spec")

_DELIMITERS = ",;\t|"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


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


def _xlsx_tables(path: Path, data: bytes, limits: ImportLimits) -> list[tuple[str, Rows]]:
    from xml.etree.ElementTree import ParseError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            scan_workbook(archive, path.name, limits)
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
        if games_header(rows) or language_header(rows) or currency_header(rows):
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
