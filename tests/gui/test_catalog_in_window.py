"""The catalog in the window: the rich picker, catalog-aware hints with one-click
fixes, supported codes first, SLOT_SPEC import and live game-list fetch."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
from PySide6.QtWidgets import QLabel

from console_app.core.catalog import CatalogStore, GameShortlist, sandbox_catalog
from console_app.ui.catalog.game_picker import GamePicker
from tests.fixtures.qt import sandbox_target
from tests.gui.test_profiles_in_window import featured

TIMEOUT_MS = 30_000


def workbook(path: Path) -> Path:
    """A SLOT_SPEC-like workbook: a title row above the headers, reordered columns,
    odd sheet-name case, a blank row and a row without an ID."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    games = book.create_sheet("slot GAME list")
    for row in (["LuckyMonaco SLOT_SPEC", None, None], [], ["Game Name", "Release", "game id"],
                ["Neon Koi", "2024", "lm_70_neonkoi"], [], ["Nameless", "2024", None],
                ["Tumble Fortune", "2023", "lm_60_tumblefortune"]):
        games.append(row)
    languages = book.create_sheet("LANGUAGE SUPPORT")
    for row in (["Supported", "ISO 639-1"], ["O", "ko"], ["O", "en"]):
        languages.append(row)
    currencies = book.create_sheet("currency support")
    for row in (["Currency code"], ["KRW"], ["THB"]):
        currencies.append(row)
    book.save(path)
    return path


def problem_links(window) -> dict[str, str]:
    """``{link text: href}`` of the suggestions shown under the form."""
    text = window.findChild(QLabel, "problems").text()
    return {label: href for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', text)}


def test_window_uses_the_rich_picker_and_filters_as_you_type(qtbot, window_factory, app_paths, sandbox):
    window, _profiles, catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    picker = window.form.game_picker
    assert isinstance(picker, GamePicker) and picker.catalog() is sandbox_catalog()
    picker.line_edit().clear()
    qtbot.keyClicks(picker.line_edit(), "tumble")
    assert picker.visible_game_ids() == ["lm_52_cleopatratumble", "lm_60_tumblefortune"]
    assert picker.popup().isVisible()


def test_typo_gets_a_one_click_fix_and_deliberate_bad_values_stay_sendable(qtbot, window_factory, app_paths,
                                                                           sandbox):
    window, _profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    form = window.form
    form.game_picker.set_game_id("Im_60_tumblefortune")
    assert "did you mean 'lm_60_tumblefortune'" in " ".join(p.message for p in form.problems())
    links = problem_links(window)
    assert list(links) == ["use lm_60_tumblefortune"]
    # The character that differs (I typed for l) is marked, in a font that tells them apart.
    html = form.findChild(QLabel, "problems").text()
    assert "<b><u>I</u></b>m_60_tumblefortune" in html and "<b><u>l</u></b>m_60_tumblefortune" in html
    form.findChild(QLabel, "problems").linkActivated.emit(links["use lm_60_tumblefortune"])
    assert form.request().gameid == "lm_60_tumblefortune"
    assert form.problems() == []

    form.language.set_code("EN")
    assert "use en" in problem_links(window)
    form.currency.set_code("IDX")  # not in the sample catalog: flagged, still sendable
    assert any(p.field == "player.currency" and p.severity == "warning" for p in form.problems())
    form.language.set_code("en")
    assert form.send_anyway_button.isVisible() == form.has_errors()
    with qtbot.waitSignal(window.controller.busy_changed, check_params_cb=lambda busy: not busy, timeout=TIMEOUT_MS):
        (form.send_anyway_button if form.has_errors() else form.launch_button).click()
    # Nothing blocked it: the API itself got to judge the currency.
    assert [r.json["player"]["currency"] for r in sandbox.requests if r.path == "/api/session"] == ["IDX"]


def test_supported_codes_come_first(window_factory, app_paths, sandbox):
    window, _profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    language = window.form.language
    assert language.supported() == sandbox_catalog().languages
    assert [language.itemText(i) for i in range(2)] == ["en — English", "ja — Japanese"]
    assert language.count() > 100  # every other ISO 639-1 code follows


def test_import_slot_spec_replaces_the_profile_catalog_and_says_what_changed(qtbot, window_factory, app_paths,
                                                                             sandbox, tmp_path):
    window, _profiles, catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    path = workbook(tmp_path / "SLOT_SPEC.xlsx")
    with qtbot.waitSignal(catalog.catalog_replaced, timeout=TIMEOUT_MS) as replaced:
        catalog.import_file(str(path))
    profile, diff = replaced.args
    assert profile == "Sandbox" and diff.games_added == ("lm_70_neonkoi",)
    assert "lm_8_treasureofzeus" in diff.games_removed
    stored = CatalogStore(app_paths).load("Sandbox")
    assert stored.label == "slot_spec" and stored.game_ids == ("lm_70_neonkoi", "lm_60_tumblefortune")
    picker = window.form.game_picker
    assert picker.catalog().game_ids == stored.game_ids
    assert window.form.currency.supported() == ("KRW", "THB")
    box = catalog.result_box
    assert box.isVisible()
    assert "Imported 2 games" in box.text() and "games: +1 (lm_70_neonkoi)" in box.informativeText()
    assert "skipped 1 rows" in box.detailedText()
    box.close()


def test_broken_spreadsheet_is_one_clear_line_and_changes_nothing(qtbot, window_factory, app_paths, sandbox,
                                                                  tmp_path):
    window, _profiles, catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    broken = tmp_path / "SLOT_SPEC.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with qtbot.waitSignal(catalog.catalog_failed, timeout=TIMEOUT_MS) as failed:
        catalog.import_file(str(broken))
    assert "SLOT_SPEC.xlsx" in failed.args[0] and "\n" not in failed.args[0]
    assert catalog.result_box.informativeText() == "The catalog was not changed."
    assert not CatalogStore(app_paths).path_for("Sandbox").exists()
    assert window.form.game_picker.catalog() is sandbox_catalog()
    assert window.status_label.text().startswith("✖")


def test_fetch_game_list_from_the_sandbox_updates_the_picker(qtbot, window_factory, app_paths, sandbox):
    window, _profiles, catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    with qtbot.waitSignal(catalog.catalog_replaced, timeout=TIMEOUT_MS):
        catalog.fetch_action.trigger()
    fetched = window.form.game_picker.catalog()
    assert fetched.label == "live" and fetched.game_ids == tuple(sandbox.world.games)
    assert fetched.languages == sandbox_catalog().languages  # kept: the game list names none
    assert CatalogStore(app_paths).load("Sandbox").label == "live"
    assert "Fetched" in catalog.result_box.text()


def test_fetch_errors_use_the_user_error_dictionary(qtbot, window_factory, app_paths, spec_server):
    (app_paths.config_dir / "errors.json").write_text(json.dumps(
        {"gamelist": {"codes": {"G.0": {"meaning": "Our own words", "next_step": "Ask Dana for the token"}}}}))
    wrong = sandbox_target(spec_server, token="wrong-token-123")
    window, _profiles, catalog = featured(window_factory, app_paths, wrong)
    spec_server.script([(401, {}, {"error": {"code": "G.0", "message": "Could not authenticate"}})],
                       path="/api/gamelist")
    with qtbot.waitSignal(catalog.catalog_failed, timeout=TIMEOUT_MS) as failed:
        catalog.fetch()
    assert "Ask Dana for the token" in failed.args[0]
    assert window.form.game_picker.catalog() is sandbox_catalog()


def test_successful_launch_moves_the_game_to_recent(qtbot, window_factory, app_paths, sandbox):
    window, _profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    window.form.game_picker.set_game_id("lm_60_tumblefortune")
    with qtbot.waitSignal(window.controller.launch_finished, timeout=TIMEOUT_MS):
        window.launch()
    # The picker notes the game a loop pass after the tab opened.
    qtbot.waitUntil(lambda: GameShortlist(app_paths).recent()[:1] == ["lm_60_tumblefortune"], timeout=TIMEOUT_MS)
    assert window.form.game_picker.visible_game_ids()[0] == "lm_60_tumblefortune"
