"""Soft, catalog-aware hints and their merge with validation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from console_app.core.catalog import Catalog, Game, sample_catalog
from console_app.core.hints import closest_game_ids, hints_for, review
from console_app.core.models import LaunchRequest

REQUEST = LaunchRequest("lm_8_treasureofzeus", "u1", "Ann", "en", "USD", "s-1", "203.0.113.7")


def by_field(problems):
    return {p.field: p for p in problems}


def test_a_good_request_has_no_hints():
    assert hints_for(REQUEST, sample_catalog()) == []
    assert review(REQUEST, sample_catalog()) == []


def test_capital_i_typo_suggests_the_real_id_once():
    request = REQUEST.with_changes(gameid="Im_60_tumblefortune")
    hint = by_field(hints_for(request, sample_catalog()))["gameid"]
    assert hint.suggestion == "lm_60_tumblefortune"
    assert "did you mean 'lm_60_tumblefortune'" in hint.message
    assert hint.severity == "warning"
    merged = [p for p in review(request, sample_catalog()) if p.field == "gameid"]
    assert len(merged) == 1 and merged[0].suggestion == "lm_60_tumblefortune"


def test_case_slip_and_fragment_find_the_game():
    assert closest_game_ids("LM_8_TreasureOfZeus", sample_catalog())[0] == "lm_8_treasureofzeus"
    assert closest_game_ids("zeus", sample_catalog()) == ["lm_8_treasureofzeus"]
    assert closest_game_ids("lm_60_tumblefortun", sample_catalog())[0] == "lm_60_tumblefortune"


def test_unknown_id_with_nothing_close_is_flagged_but_sendable():
    hint = by_field(hints_for(REQUEST.with_changes(gameid="qqqqqqqqqqqq"), sample_catalog()))["gameid"]
    assert hint.severity == "warning" and hint.suggestion is None
    assert hint.message == "'qqqqqqqqqqqq' is not in the sample catalog; it is sent as typed"


def test_case_fixes_for_language_and_currency_attach_to_validation():
    request = REQUEST.with_changes(language="EN", currency="usd")
    hints = by_field(hints_for(request, sample_catalog()))
    assert hints["player.language"].suggestion == "en"
    assert hints["player.currency"].suggestion == "USD"
    merged = by_field(review(request, sample_catalog()))
    assert merged["player.language"].severity == "error"  # validate() says EN is wrong
    assert merged["player.language"].suggestion == "en"
    assert merged["player.currency"].suggestion == "USD"
    assert len(review(request, sample_catalog())) == 2


def test_codes_outside_the_catalog_are_warnings():
    request = REQUEST.with_changes(language="th", currency="IDX")
    hints = by_field(hints_for(request, sample_catalog()))
    assert hints["player.language"].severity == "warning"
    assert "'th' is not among the catalog's languages (en, ja, zh, ko)" in hints["player.language"].message
    assert "not among the catalog's currencies" in hints["player.currency"].message
    assert all(p.severity == "warning" for p in review(request, sample_catalog()))


def test_empty_catalog_lists_skip_those_checks():
    bare = Catalog(games=(Game("lm_1_a"),), languages=(), currencies=(), source="x", label="slot_spec")
    assert hints_for(REQUEST.with_changes(gameid="lm_1_a", language="th", currency="IDX"), bare) == []


@given(st.sampled_from(sample_catalog().game_ids), st.sampled_from(["upper", "capital_i", "space", "drop_last"]))
def test_every_typo_of_a_known_id_suggests_it(game_id, typo):
    typed = {
        "upper": game_id.upper(),
        "capital_i": "Im_" + game_id[3:],
        "space": f" {game_id} ",
        "drop_last": game_id[:-1],
    }[typo]
    suggestions = closest_game_ids(typed, sample_catalog())
    assert game_id in suggestions
    if typo != "drop_last":
        assert suggestions[0] == game_id


@given(st.text(max_size=30))
def test_hints_never_raise_and_are_never_errors(text):
    request = REQUEST.with_changes(gameid=text, language=text, currency=text)
    assert all(p.severity == "warning" for p in hints_for(request, sample_catalog()))


def test_did_you_mean_names_the_lookalike_and_carries_the_difference():
    request = REQUEST.with_changes(gameid="Im_60_tumblefortune")
    hint = by_field(hints_for(request, sample_catalog()))["gameid"]
    assert "(capital I typed for lower-case L)" in hint.message
    assert hint.difference.plain() == "[I]m_60_tumblefortune → [l]m_60_tumblefortune"
    merged = by_field(review(request, sample_catalog()))["gameid"]
    assert merged.difference == hint.difference
    fragment = by_field(hints_for(REQUEST.with_changes(gameid="zeus"), sample_catalog()))["gameid"]
    assert fragment.suggestion == "lm_8_treasureofzeus" and "typed for" not in fragment.message
    assert fragment.difference.suggestion == "lm_8_treasureofzeus"


def test_case_fixes_keep_one_entry_per_field_with_the_difference():
    merged = by_field(review(REQUEST.with_changes(currency="usd"), sample_catalog()))
    assert merged["player.currency"].difference.plain() == "[usd] → [USD]"
