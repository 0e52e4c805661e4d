"""Hostile SLOT_SPEC files, made at test time (no binary is committed).

Each function writes one file and returns its path. The workbooks start from a real
openpyxl workbook (a "Games" sheet with a header and one game), then have one part
replaced or patched, so that everything but the hostile part is what Excel would
write and the import gets as far as the part under test.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"
_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
_HEADER_ROW = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>Game ID</t></is></c>'
               b'<c r="B1" t="inlineStr"><is><t>Game Name</t></is></c></row>')


def base_workbook() -> bytes:
    """A small valid workbook: sheet "Games" with "Game ID", "Game Name" and one game."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Games"
    sheet.append(["Game ID", "Game Name"])
    sheet.append(["lm_8_treasureofzeus", "Treasure of Zeus"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    """``data`` (a zip) with member ``name`` replaced by ``content`` (deflated, level 9)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info))
    return out.getvalue()


def _sheet_xml(rows: bytes, extra: bytes = b"") -> bytes:
    return _SHEET_HEAD + b"<sheetData>" + _HEADER_ROW + rows + b"</sheetData>" + extra + b"</worksheet>"


def far_cell(path: Path, ref: str = "XFD1048576") -> Path:
    """A 1.6 KB-class workbook with one more cell at ``ref`` (the last cell Excel has)."""
    workbook = openpyxl.load_workbook(io.BytesIO(base_workbook()))
    workbook.active[ref] = "x"
    workbook.save(path)
    return path


def huge_merge(path: Path, ref: str = "A2:XFD1048576") -> Path:
    """A workbook whose only oddity is one merged range over (nearly) the whole sheet."""
    sheet = _sheet_xml(b"", b'<mergeCells count="1"><mergeCell ref="' + ref.encode() + b'"/></mergeCells>')
    path.write_bytes(_with_member(base_workbook(), SHEET, sheet))
    return path


def rows_bomb(path: Path, *, rows: int, cells_per_row: int = 1) -> Path:
    """A sheet of ``rows`` identical rows (no ``r`` attributes, so it compresses
    ~1000:1): a zip bomb when ``rows`` is large."""
    cell = b'<c t="inlineStr"><is><t>lm_1_x</t></is></c>'
    row = b"<row>" + cell * cells_per_row + b"</row>"
    path.write_bytes(_with_member(base_workbook(), SHEET, _sheet_xml(row * rows)))
    return path


# Zip headers: (signature, offset of the name length, offset of the name, offset of
# the uncompressed size) for the local file header and the central directory entry.
_ZIP_HEADERS = ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24))


def lying_sizes(path: Path, *, rows: int, declared: int = 4096) -> Path:
    """A rows bomb whose zip headers (local and central) declare the sheet is only
    ``declared`` bytes long: a reader that trusts them would look no further."""
    data = bytearray(rows_bomb(path, rows=rows).read_bytes())
    member = SHEET.encode()
    for signature, name_length_at, name_at, size_at in _ZIP_HEADERS:
        start = data.find(signature)
        while start >= 0:
            name_length = struct.unpack_from("<H", data, start + name_length_at)[0]
            if data[start + name_at:start + name_at + name_length] == member:
                struct.pack_into("<I", data, start + size_at, declared)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    return path


def entity_cell(path: Path, *, laughs: int = 0) -> Path:
    """A sheet whose cell text is an XML entity declared in a DTD; with ``laughs`` > 0
    the entity is a "billion laughs" chain of that depth."""
    entities = [b'<!ENTITY e0 "lm_1_entity">']
    for level in range(1, laughs + 1):
        entities.append(b"<!ENTITY e%d \"" % level + (b"&e%d;" % (level - 1)) * 10 + b'">')
    top = b"&e%d;" % laughs
    dtd = b"<!DOCTYPE worksheet [" + b"".join(entities) + b"]>"
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + top + b"</t></is></c></row>"
    sheet = _sheet_xml(row).replace(b"?>\n", b"?>\n" + dtd, 1)
    path.write_bytes(_with_member(base_workbook(), SHEET, sheet))
    return path


def big_csv(path: Path, size: int) -> Path:
    """A well-formed CSV of games, at least ``size`` bytes long."""
    line = b"lm_1_game%08d,Some Game\n"
    count = size // len(line % 0) + 1
    with path.open("wb") as out:
        out.write(b"Game ID,Game Name\n")
        for start in range(0, count, 10_000):
            out.write(b"".join(line % n for n in range(start, min(count, start + 10_000))))
    return path


def wide_csv(path: Path, columns: int) -> Path:
    """A CSV whose header row has ``columns`` columns."""
    path.write_text("Game ID,Game Name," + ",".join(f"c{n}" for n in range(columns - 2)) + "\nlm_1_x,X\n")
    return path


def deflate_ratio(path: Path) -> float:
    """Declared uncompressed bytes per byte of file (how much of a bomb it is)."""
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist()) / path.stat().st_size

