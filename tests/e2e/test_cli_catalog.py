"""`lm-console catalog import|fetch|show`, run as a user would (a child process)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from console_app.core.catalog import sandbox_catalog
from tests.fixtures.common import files_containing, run_cli
from tests.fixtures.spec_server import GAMES, SPEC_TOKEN
from tests.unit.core.test_slot_spec import build_workbook, slot_spec_like


def show_json(basedir: Path, *extra: str) -> dict:
    result = run_cli("catalog", "show", "--json", *extra, basedir=basedir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_must_show_slot_spec_import_then_show_json(tmp_path, basedir):
    """A title row above the headers, reordered columns and differently-cased sheet
    names: the right games, languages and currencies, and the skipped rows reported."""
    workbook = slot_spec_like(tmp_path / "SLOT_SPEC_v3.xlsx")
    result = run_cli("catalog", "import", str(workbook), basedir=basedir)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "read 3 games, 2 languages, 3 currencies from SLOT_SPEC_v3.xlsx" in out
    assert "skipped 3 rows:" in out
    assert "'SLOT game LIST' row 8: no game ID" in out
    assert "'SLOT game LIST' row 10: duplicate game ID lm_8_treasureofzeus" in out
    assert "'LANGUAGE support' row 6: language 'japanese' is not an ISO 639-1 code (did you mean 'ja'?)" in out
    assert "catalog of profile 'Sandbox' replaced" in out
    assert "games: +0" not in out and "-33 (" in out  # the sample's other games are gone

    shown = show_json(basedir)
    assert [(g["id"], g["name"]) for g in shown["games"]] == [
        ("lm_8_treasureofzeus", "Treasure of Zeus"),
        ("lm_1_pumpkinfarm", "Pumpkin Farm"),
        ("lm_60_tumblefortune", "Tumble Fortune"),
    ]
    assert shown["languages"] == ["en", "ko"]
    assert shown["currencies"] == ["USD", "KRW", "IDX"]
    assert shown["source"] == "SLOT_SPEC SLOT_SPEC_v3.xlsx" and shown["label"] == "slot_spec"
    assert shown["updated"]


def test_import_json_report(tmp_path, basedir):
    workbook = slot_spec_like(tmp_path / "spec.xlsx")
    result = run_cli("catalog", "import", str(workbook), "--json", basedir=basedir)
    report = json.loads(result.stdout)
    assert report["games_read"] == 3
    assert {"sheet": "SLOT game LIST", "row": 8, "reason": "no game ID"} in report["skipped"]
    assert report["changes"]["languages_removed"] == [c for c in sandbox_catalog().languages if c not in ("en", "ko")]


def test_show_defaults_to_the_labelled_sample(basedir):
    shown = show_json(basedir)
    assert shown["label"] == "sample" and len(shown["games"]) == 36
    text = run_cli("catalog", "show", basedir=basedir).stdout
    assert "catalog:    sample (bundled sample, not the real SLOT_SPEC)" in text
    assert re.search(r"^  lm_60_tumblefortune +Tumble Fortune$", text, re.M)


def test_broken_workbook_is_one_line_and_changes_nothing(tmp_path, basedir):
    good = build_workbook(tmp_path / "good.xlsx", {"Games": [["Game ID", "Name"], ["lm_1_a", "A"]]})
    assert run_cli("catalog", "import", str(good), basedir=basedir).returncode == 0
    before = show_json(basedir)
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
    result = run_cli("catalog", "import", str(locked), basedir=basedir)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "cannot read locked.xlsx: it is password-protected" in result.stderr
    assert show_json(basedir) == before


def test_unknown_profile_is_refused(tmp_path, basedir):
    good = build_workbook(tmp_path / "good.xlsx", {"Games": [["Game ID", "Name"], ["lm_1_a", "A"]]})
    result = run_cli("catalog", "import", str(good), "--profile", "Prodd", basedir=basedir)
    assert result.returncode == 2
    assert "no profile named 'Prodd'" in result.stderr
    assert not (basedir / "data" / "catalogs").exists()


def test_must_show_fetch_from_the_spec_server_stores_its_game_list(spec_server, basedir):
    result = run_cli(
        "catalog", "fetch", "--api-url", spec_server.url, "--partner-id", spec_server.partner_id,
        "--token-env", "T", basedir=basedir, env={"T": SPEC_TOKEN},
    )
    assert result.returncode == 0, result.stderr
    assert f"fetched {len(GAMES)} games from {spec_server.url}" in result.stdout
    [request] = spec_server.requests_to("/api/gamelist")
    assert request.json() == {"gametype": "slot"}
    assert request.query["MEMB_ID"] == [spec_server.partner_id]
    assert request.headers["content-type"].startswith("application/json")

    shown = show_json(basedir)
    assert [(g["id"], g["name"]) for g in shown["games"]] == [(g["gameid"], g["gameName"]) for g in GAMES]
    assert shown["games"][0]["icon_url"] == spec_server.url + GAMES[0]["icon_url"]
    assert shown["label"] == "live" and spec_server.url in shown["source"]
    # The game list names no languages/currencies: the previous ones are kept.
    assert shown["languages"] == list(sandbox_catalog().languages)
    for text in (result.stdout, result.stderr):
        assert SPEC_TOKEN not in text
    assert files_containing(basedir, SPEC_TOKEN) == []


def test_fetch_with_a_wrong_token_explains_g0_and_changes_nothing(spec_server, basedir):
    before = show_json(basedir)
    result = run_cli(
        "catalog", "fetch", "--api-url", spec_server.url, "--partner-id", spec_server.partner_id,
        "--token-env", "T", basedir=basedir, env={"T": "wrong-token-123"},
    )
    assert result.returncode == 3
    assert "G.0" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "wrong-token-123" not in result.stderr
    assert show_json(basedir) == before


def test_fetch_invalid_game_type_is_decoded_from_the_gamelist_dictionary(spec_server, basedir):
    result = run_cli(
        "catalog", "fetch", "--api-url", spec_server.url, "--partner-id", spec_server.partner_id,
        "--token-env", "T", "--game-type", "table", basedir=basedir, env={"T": SPEC_TOKEN},
    )
    assert result.returncode == 3
    assert "G.1" in result.stderr and "game type" in result.stderr.lower()


def test_fetch_from_the_built_in_sandbox_into_a_profile(basedir):
    result = run_cli("catalog", "fetch", basedir=basedir)
    assert result.returncode == 0, result.stderr
    shown = show_json(basedir)
    assert shown["label"] == "live"
    assert len(shown["games"]) >= 30
    assert all(g["icon_url"].startswith("http://127.0.0.1:") for g in shown["games"])
