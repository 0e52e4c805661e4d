"""SLOT_SPEC import: workbooks and CSVs built here, in varied layouts, plus broken files."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from console_app.core.catalog import CatalogStore
from console_app.core.errors import CatalogError
from console_app.core.slot_spec import read_slot_spec


def build_workbook(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """Write an .xlsx with one sheet per entry (rows as lists; None is an empty cell)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell_range in (merges or {}).get(title, []):
            sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def slot_spec_like(path: Path) -> Path:
    """A SLOT_SPEC-like workbook: a merged title row above the headers, reordered and
    extra columns, differently-cased sheet names, blank rows, a missing ID, a
    duplicate ID and a language name instead of a code."""
    return build_workbook(
        path,
        {
            "SLOT game LIST": [
                ["LuckyMonaco SLOT_SPEC — partner edition", None, None, None, None],
                ["Updated 2025-01-01", None, None, None, None],
                [],
                ["No.", "RTP (%)", "Game Name", "GAME  ID", "Release"],
                [1, 96.5, "Treasure of Zeus", "lm_8_treasureofzeus", "2020"],
                [2, 96.1, "Pumpkin Farm", " lm_1_pumpkinfarm ", "2019"],
                [],
                [3, 95.0, "Nameless", None, "2021"],
                [4, 96.0, "Tumble Fortune", "lm_60_tumblefortune", "2023"],
                [5, 96.5, "Zeus again", "lm_8_treasureofzeus", "2020"],
            ],
            "LANGUAGE support": [
                ["Supported languages"],
                ["Supported", "Language", "ISO 639-1"],
                ["O", "English", "en"],
                ["O", "Korean", "KO"],
                ["X", "Thai", "th"],
                ["O", "Japanese", "japanese"],
            ],
            "currency Support ": [
                ["Currency code", "Currency"],
                ["USD", "US Dollar"],
                ["krw", "Korean Won"],
                [None, None],
                ["IDX", "Indonesian Rupiah (x1000)"],
            ],
        },
        merges={"SLOT game LIST": ["A1:E1"]},
    )


def test_slot_spec_like_workbook(tmp_path):
    catalog, report = read_slot_spec(slot_spec_like(tmp_path / "SLOT_SPEC.xlsx"))
    assert catalog.label == "slot_spec" and "SLOT_SPEC.xlsx" in catalog.source
    assert catalog.game_ids == ("lm_8_treasureofzeus", "lm_1_pumpkinfarm", "lm_60_tumblefortune")
    assert catalog.game("lm_8_treasureofzeus").name == "Treasure of Zeus"
    assert catalog.game("lm_8_treasureofzeus").extra == {"No.": "1", "RTP (%)": "96.5", "Release": "2020"}
    assert catalog.languages == ("en", "ko")
    assert catalog.currencies == ("USD", "KRW", "IDX")
    assert (report.games_read, report.languages_read, report.currencies_read) == (3, 2, 3)
    reasons = [str(s) for s in report.skipped]
    assert "'SLOT game LIST' row 8: no game ID" in reasons
    assert "'SLOT game LIST' row 10: duplicate game ID lm_8_treasureofzeus" in reasons
    assert any("'japanese' is not an ISO 639-1 code (did you mean 'ja'?)" in r for r in reasons)
    assert any("'IDX' is not in ISO 4217 (kept)" in w for w in report.warnings)
    assert "skipped 3 rows" in report.summary()


def test_merged_cells_fill_their_whole_range(tmp_path):
    path = build_workbook(
        tmp_path / "m.xlsx",
        {"Games": [
            ["Game ID", "Game name", "Type"],
            ["lm_1_a", "A", "slot"],
            ["lm_2_b", "B", None],
            ["lm_3_c", "C", None],
        ]},
        merges={"Games": ["C2:C4"]},
    )
    catalog, _ = read_slot_spec(path)
    assert [g.type for g in catalog.games] == ["slot", "slot", "slot"]


def test_merged_header_cells_still_find_columns(tmp_path):
    path = build_workbook(
        tmp_path / "m.xlsx",
        {"games": [
            ["Game", None, "Details"],
            ["gameid", "gameName", "icon_url"],
            ["lm_1_a", "A", "https://cdn.example/a.svg"],
            ["lm_2_b", "B", "javascript:alert(1)"],
        ]},
        merges={"games": ["A1:B1"]},
    )
    catalog, _ = read_slot_spec(path)
    assert catalog.game("lm_1_a").icon_url == "https://cdn.example/a.svg"
    assert catalog.game("lm_2_b").icon_url is None  # only http(s) icons are kept


def test_bare_id_column_needs_a_name_column(tmp_path):
    path = build_workbook(
        tmp_path / "log.xlsx",
        {
            "Change log": [["ID", "Change"], [1, "added lm_60"]],
            "Games": [["ID", "Name"], ["lm_60_tumblefortune", "Tumble Fortune"]],
        },
    )
    catalog, report = read_slot_spec(path)
    assert catalog.game_ids == ("lm_60_tumblefortune",)
    assert report.sheets["games"] == ["Games"]


def test_games_across_two_sheets_and_duplicates_between_them(tmp_path):
    path = build_workbook(
        tmp_path / "two.xlsx",
        {
            "Slots A": [["Game ID", "Name"], ["lm_1_a", "A"]],
            "Slots B": [["Name", "Game ID"], ["B", "lm_2_b"], ["A again", "lm_1_a"]],
        },
    )
    catalog, report = read_slot_spec(path)
    assert catalog.game_ids == ("lm_1_a", "lm_2_b")
    assert [str(s) for s in report.skipped] == ["'Slots B' row 3: duplicate game ID lm_1_a"]


def test_missing_language_and_currency_sheets_warn(tmp_path):
    path = build_workbook(tmp_path / "g.xlsx", {"Sheet1": [["Game ID", "Game Name"], ["lm_1_a", "A"]]})
    catalog, report = read_slot_spec(path)
    assert catalog.languages == () and catalog.currencies == ()
    assert any("no languages found" in w for w in report.warnings)
    assert any("no currencies found" in w for w in report.warnings)


def test_unclear_supported_values_are_reported(tmp_path):
    path = build_workbook(
        tmp_path / "s.xlsx",
        {
            "Games": [["Game ID"], ["lm_1_a"]],
            "Language Support": [["Code", "Supported"], ["en", "yes"], ["ja", "maybe"], ["ko", None], ["zh", "✓"]],
        },
    )
    catalog, report = read_slot_spec(path)
    assert catalog.languages == ("en", "zh")
    reasons = [s.reason for s in report.skipped]
    assert "language 'ja': unclear 'supported' value 'maybe'" in reasons
    assert "language 'ko': 'supported' is empty" in reasons


def test_no_games_sheet_is_an_error(tmp_path):
    path = build_workbook(tmp_path / "x.xlsx", {"Language support": [["Code"], ["en"]]})
    with pytest.raises(CatalogError, match=r"no games found in x.xlsx: expected a sheet with a 'Game ID' column"):
        read_slot_spec(path)


def test_header_beyond_the_scan_window_is_not_found(tmp_path):
    rows = [[f"note {i}"] for i in range(25)] + [["Game ID", "Name"], ["lm_1_a", "A"]]
    with pytest.raises(CatalogError, match="no games found"):
        read_slot_spec(build_workbook(tmp_path / "deep.xlsx", {"Games": rows}))


# ---------------------------------------------------------------- CSV

def test_csv_semicolons_bom_and_code_columns(tmp_path):
    path = tmp_path / "spec.csv"
    path.write_bytes(
        "\ufeffTitle line;;;\n"
        "Game Name;Game ID;Languages;Currency\n"
        "Treasure of Zeus;lm_8_treasureofzeus;en, ko;USD\n"
        ";;;\n"
        "No id;;;\n"
        "Tumble Fortune;lm_60_tumblefortune;ja/EN;krw;\n".encode("utf-8")
    )
    catalog, report = read_slot_spec(path)
    assert catalog.game_ids == ("lm_8_treasureofzeus", "lm_60_tumblefortune")
    assert catalog.languages == ("en", "ko", "ja")
    assert catalog.currencies == ("USD", "KRW")
    assert [str(s) for s in report.skipped] == ["'spec.csv' row 5: no game ID"]


def test_csv_tabs_and_windows_1252(tmp_path):
    path = tmp_path / "spec.txt"
    path.write_bytes("gameid\tgameName\nlm_1_a\tCaf\xe9 Royale\n".encode("cp1252"))
    catalog, report = read_slot_spec(path)
    assert catalog.game("lm_1_a").name == "Café Royale"
    assert any("not UTF-8" in w for w in report.warnings)


def test_csv_comma_default(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("ID,Name\nlm_1_a,A\n")
    assert read_slot_spec(path)[0].game_ids == ("lm_1_a",)


# ---------------------------------------------------------------- broken files

def _truncated_xlsx(tmp_path: Path) -> Path:
    whole = slot_spec_like(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _zip_without_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "notabook.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return path


def _random_bytes(tmp_path: Path) -> Path:
    path = tmp_path / "random.xlsx"
    path.write_bytes(os.urandom(4096).replace(b"PK", b"pk"))
    return path


def _encrypted(tmp_path: Path) -> Path:
    # A password-protected .xlsx is an OLE compound file, not a zip.
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + os.urandom(1024))
    return path


def _binary_csv(tmp_path: Path) -> Path:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\x00\x01\x02garbage\x00" * 50)
    return path


@pytest.mark.parametrize(
    "make, expected",
    [
        (_truncated_xlsx, r"cannot read truncated.xlsx: the workbook is damaged or incomplete; open it in Excel"),
        (_zip_without_workbook, r"cannot read notabook.xlsx: the workbook is damaged"),
        (_random_bytes, r"cannot read random.xlsx: it is not an .xlsx workbook \(not a zip archive\)"),
        (_encrypted, r"cannot read locked.xlsx: it is password-protected .*remove the password"),
        (_binary_csv, r"cannot read binary.csv: it is not a text CSV file"),
    ],
)
def test_broken_files_raise_one_clear_line_and_change_nothing(tmp_path, app_paths, make, expected):
    store = CatalogStore(app_paths)
    store.replace("P", read_slot_spec(slot_spec_like(tmp_path / "good.xlsx"))[0])
    before = store.path_for("P").read_bytes()
    with pytest.raises(CatalogError, match=expected) as info:
        read_slot_spec(make(tmp_path))
    assert "\n" not in str(info.value)
    assert store.path_for("P").read_bytes() == before


def test_missing_file(tmp_path):
    with pytest.raises(CatalogError, match="no such file; check the path"):
        read_slot_spec(tmp_path / "nope.xlsx")


def test_old_xls_extension_is_explained(tmp_path):
    path = tmp_path / "old.xls"
    path.write_text("whatever")
    with pytest.raises(CatalogError, match="old .xls format is not supported; save it as .xlsx"):
        read_slot_spec(path)
