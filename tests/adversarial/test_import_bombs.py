"""SLOT_SPEC import of hostile files: each stops at its first limit with one line,
within bounded memory (peak Python allocations, traced), before building anything."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from console_app.core.errors import CatalogError
from console_app.core.slot_spec import LIMITS, ImportLimits, read_slot_spec
from console_app.core.slot_spec.bounds import _Counted, _WorkbookScan
from tests.adversarial import hostile_files as hostile

#: Far above what refusing any of these files needs; far below what importing them did.
PEAK_BYTES = 64 * 1024 * 1024


def refused(path: Path, limits: ImportLimits = LIMITS) -> str:
    """The one-line error the import of ``path`` stops with, checking its peak memory."""
    tracemalloc.start()
    try:
        with pytest.raises(CatalogError) as caught:
            read_slot_spec(path, limits=limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert "\n" not in message and path.name in message
    assert peak < PEAK_BYTES, f"peak {peak:,} bytes"
    return message


def test_a_cell_at_the_last_excel_position_is_refused_by_its_row(tmp_path):
    message = refused(hostile.far_cell(tmp_path / "far.xlsx"))
    assert message == ("catalog import: far.xlsx has 1,048,576 rows; the limit is 20,000 "
                       "(a SLOT_SPEC holds far fewer: check this is the right file)")


def test_too_many_columns_is_refused(tmp_path):
    message = refused(hostile.far_cell(tmp_path / "wide.xlsx", ref="XFD2"))
    assert "has 16,384 columns; the limit is 500" in message


def test_a_merged_range_over_the_whole_sheet_is_refused(tmp_path):
    message = refused(hostile.huge_merge(tmp_path / "merge.xlsx"))
    assert "has 1,048,576 rows" in message


def test_rows_times_columns_over_the_cell_limit_is_refused(tmp_path):
    # 10,000 x 100 is within the row and column limits but a million cells.
    message = refused(hostile.huge_merge(tmp_path / "cells.xlsx", ref="A2:CV10000"))
    assert "has 1,000,000 cells; the limit is 200,000" in message


def test_a_zip_bomb_is_refused_from_its_declared_size_before_unpacking(tmp_path):
    path = hostile.rows_bomb(tmp_path / "bomb.xlsx", rows=1_000_000)
    assert hostile.deflate_ratio(path) > 200
    message = refused(path)
    assert "bytes unpacked; the limit is 52,428,800" in message


def test_a_zip_that_lies_about_its_sizes_is_bounded_by_what_is_unpacked(tmp_path):
    path = hostile.lying_sizes(tmp_path / "lying.xlsx", rows=1_000_000)
    message = refused(path)
    # zipfile stops at the declared size and the XML is then cut short: damaged.
    assert "damaged or incomplete" in message


def test_what_is_unpacked_is_counted_not_only_declared():
    # zipfile itself stops at a part's declared size; the scan counts what it is
    # given as well, so a reader that did not stop would still be cut off.
    scan = _WorkbookScan("counted.xlsx", ImportLimits(unpacked_bytes=100_000))
    stream = io.BytesIO(b"<worksheet><sheetData>" + b"<row/>" * 50_000)
    with pytest.raises(CatalogError, match="counted.xlsx has 1[0-9,]+ bytes unpacked; the limit is 100,000"):
        scan._part(io.BufferedReader(_Counted(stream, scan)), "sheet.xml")


def test_too_many_rows_within_the_unpacked_size_is_refused(tmp_path):
    message = refused(hostile.rows_bomb(tmp_path / "rows.xlsx", rows=30_000))
    assert "has 20,001 rows; the limit is 20,000" in message


@pytest.mark.parametrize("laughs", [0, 8])
def test_xml_entities_are_refused(tmp_path, laughs):
    message = refused(hostile.entity_cell(tmp_path / "entity.xlsx", laughs=laughs))
    assert "declares XML entities (a DTD)" in message


def test_a_100_mb_csv_is_refused_from_its_size_without_reading_it(tmp_path):
    message = refused(hostile.big_csv(tmp_path / "big.csv", 100_000_000))
    assert "big.csv has 100,000,0" in message and "bytes; the limit is 10,485,760" in message


def test_a_csv_with_too_many_rows_is_refused(tmp_path):
    message = refused(hostile.big_csv(tmp_path / "rows.csv", 1_000_000))
    assert "has 20,001 rows; the limit is 20,000" in message


def test_a_csv_with_too_many_columns_is_refused(tmp_path):
    message = refused(hostile.wide_csv(tmp_path / "wide.csv", 200_000))
    assert "has 200,000 columns; the limit is 500" in message


def test_a_device_or_folder_is_not_read(tmp_path):
    assert "not a regular file" in refused(Path("/dev/zero"))
    assert "not a regular file" in refused(tmp_path)


def test_a_file_at_the_limits_still_imports(tmp_path):
    path = hostile.rows_bomb(tmp_path / "many.xlsx", rows=LIMITS.rows - 2, cells_per_row=2)
    catalog, report = read_slot_spec(path)
    assert catalog.game_ids == ("lm_1_x",)
    assert sum(1 for skipped in report.skipped if "duplicate" in skipped.reason) == LIMITS.rows - 3
