"""The bounds of one import (:class:`ImportLimits`) and the streaming pre-scan that
holds a workbook to them before openpyxl builds anything."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from console_app.core.errors import CatalogError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


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


def scan_workbook(archive: zipfile.ZipFile, name: str, limits: ImportLimits) -> None:
    """Hold the workbook ``archive`` (the file ``name``) to ``limits``: raises
    :class:`CatalogError` at the first one reached, before anything is built."""
    _WorkbookScan(name, limits).archive(archive)
