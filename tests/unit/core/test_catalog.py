"""Catalog model, per-profile store, diff and the picker's shortlist."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from console_app.core.catalog import (
    Catalog,
    CatalogDiff,
    CatalogStore,
    Game,
    GameShortlist,
    safe_file_stem,
    sample_catalog,
)
from console_app.core.errors import CatalogError
from console_app.core.hints import review
from console_app.core.models import DEMO_PLAYER, LaunchRequest
from console_app.core.paths import resources_dir


def make_catalog(ids=("lm_1_a", "lm_2_b"), languages=("en",), currencies=("USD",), label="slot_spec"):
    return Catalog(
        games=tuple(Game(gid, gid.upper()) for gid in ids),
        languages=languages,
        currencies=currencies,
        source="test",
        label=label,
        updated=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
    )


def test_sample_catalog_is_labelled_and_complete():
    sample = sample_catalog()
    assert sample.label == "sample" and sample.is_sample
    assert len(sample.games) == 36
    assert sample.game("lm_60_tumblefortune").name == "Tumble Fortune"
    assert set(sample.languages) == {"en", "ja", "zh", "ko"}
    assert "USD" in sample.currencies


def test_json_round_trip_keeps_everything():
    catalog = Catalog(
        games=(Game("lm_8_x", "Zeus", "slot", "https://cdn.example/zeus.svg", {"RTP": "96.5"}),),
        languages=("en", "ko"),
        currencies=("KRW",),
        source="SLOT_SPEC v3.xlsx",
        label="slot_spec",
    )
    again = Catalog.from_json(catalog.to_json())
    assert again == catalog
    assert again.games[0].extra == {"RTP": "96.5"}
    assert again.games[0].icon_url == "https://cdn.example/zeus.svg"
    assert again.updated.tzinfo is not None


@pytest.mark.parametrize("text", ["not json", "[]", '{"label": "weird"}', '{"games": [{"name": "no id"}]}'])
def test_malformed_catalog_json_is_a_catalog_error(text):
    with pytest.raises(CatalogError, match="malformed catalog"):
        Catalog.from_json(text)


def test_store_falls_back_to_sample_and_keeps_profiles_apart(app_paths):
    store = CatalogStore(app_paths)
    assert store.load("Sandbox").label == "sample"
    assert store.load("Staging").label == "sample"
    assert store.stored("Staging") is None
    store.replace("Staging", make_catalog())
    assert store.load("Staging").game_ids == ("lm_1_a", "lm_2_b")
    assert store.load("Sandbox").label == "sample"
    assert store.path_for("Staging").parent == app_paths.data_dir / "catalogs"


def test_replace_reports_what_changed(app_paths):
    store = CatalogStore(app_paths)
    store.replace("P", make_catalog(("lm_1_a", "lm_2_b"), ("en", "ja"), ("USD",)))
    diff = store.replace("P", make_catalog(("lm_2_b", "lm_3_c"), ("en", "ko"), ("USD", "KRW")))
    assert diff.games_added == ("lm_3_c",) and diff.games_removed == ("lm_1_a",)
    assert diff.languages_added == ("ko",) and diff.languages_removed == ("ja",)
    assert diff.currencies_added == ("KRW",) and diff.currencies_removed == ()
    text = diff.summary()
    assert "games: +1 (lm_3_c), -1 (lm_1_a)" in text
    assert "currencies: +1 (KRW)" in text


def test_diff_summary_names_renames_and_no_change():
    old = make_catalog()
    assert CatalogDiff.between(old, old).summary() == "no changes"
    new = Catalog(games=(Game("lm_1_a", "Renamed"), Game("lm_2_b", "LM_2_B")), languages=("en",),
                  currencies=("USD",), source="x", label="live")
    assert "lm_1_a: 'LM_1_A' -> 'Renamed'" in CatalogDiff.between(old, new).summary()


def test_diff_summary_limits_long_lists():
    new = make_catalog(tuple(f"lm_{i}_g" for i in range(30)))
    text = CatalogDiff.between(make_catalog(()), new).summary(limit=3)
    assert "+30 (lm_0_g, lm_1_g, lm_2_g, and 27 more)" in text


def test_damaged_store_file_falls_back_but_stored_explains(app_paths, caplog):
    store = CatalogStore(app_paths)
    path = store.path_for("P")
    path.parent.mkdir(parents=True)
    path.write_text("{broken")
    with pytest.raises(CatalogError, match="damaged.*import or fetch it again"):
        store.stored("P")
    assert store.load("P").label == "sample"
    assert "using the sample catalog" in caplog.text


def test_store_writes_atomically_no_temp_files_left(app_paths):
    store = CatalogStore(app_paths)
    store.replace("P", make_catalog())
    assert [p.name for p in (app_paths.data_dir / "catalogs").iterdir()] == [store.path_for("P").name]
    assert json.loads(store.path_for("P").read_text())["label"] == "slot_spec"


def test_remove_returns_to_sample(app_paths):
    store = CatalogStore(app_paths)
    store.replace("P", make_catalog())
    assert store.remove("P") is True
    assert store.remove("P") is False
    assert store.load("P").label == "sample"


@pytest.mark.parametrize("a,b", [("Prod", "prod"), ("a/b", "a_b"), ("..", "_")])
def test_safe_file_stems_differ_for_different_names(a, b):
    assert safe_file_stem(a) != safe_file_stem(b)
    for name in (a, b):
        stem = safe_file_stem(name)
        assert "/" not in stem and not stem.startswith(".")


def test_shortlist_persists_recent_and_favourites(app_paths):
    shortlist = GameShortlist(app_paths)
    for gid in ("a", "b", "a", "c"):
        shortlist.note_used(gid)
    assert shortlist.recent() == ["c", "a", "b"]
    assert shortlist.toggle_favourite("b") is True
    shortlist.set_favourite("x", True)
    again = GameShortlist(app_paths)
    assert again.recent() == ["c", "a", "b"]
    assert again.favourites() == ["b", "x"]
    assert again.toggle_favourite("b") is False
    assert GameShortlist(app_paths).favourites() == ["x"]


def test_shortlist_keeps_only_the_latest_recent(app_paths):
    shortlist = GameShortlist(app_paths)
    for i in range(GameShortlist.MAX_RECENT + 5):
        shortlist.note_used(f"g{i}")
    assert len(GameShortlist(app_paths).recent()) == GameShortlist.MAX_RECENT
    assert shortlist.recent()[0] == f"g{GameShortlist.MAX_RECENT + 4}"


def test_damaged_shortlist_is_treated_as_empty(app_paths, caplog):
    (app_paths.data_dir / "games.json").write_text("[1, 2")
    assert GameShortlist(app_paths).recent() == []
    assert "ignored damaged game shortlist" in caplog.text


def test_two_shortlists_do_not_undo_each_other(app_paths):
    first, second = GameShortlist(app_paths), GameShortlist(app_paths)
    first.set_favourite("a", True)
    second.note_used("b")
    assert GameShortlist(app_paths).favourites() == ["a"]
    assert GameShortlist(app_paths).recent() == ["b"]


def test_the_sandbox_catalog_lists_every_language_its_demo_game_speaks(app_paths):
    spoken = json.loads((resources_dir() / "demo_game" / "strings.json").read_text("utf-8"))
    sandbox = CatalogStore(app_paths).load("Sandbox")
    assert set(sandbox.languages) == set(spoken) >= {"th", "vi", "id", "es", "pt", "de", "tr", "ru", "ar"}
    assert sandbox.game_ids == sample_catalog().game_ids and sandbox.currencies == sample_catalog().currencies
    # Every other profile without a catalog of its own keeps the spec's documented four.
    assert CatalogStore(app_paths).load("Staging EU").languages == sample_catalog().languages
    assert review(LaunchRequest(**DEMO_PLAYER).with_changes(language="th"), sandbox) == []
