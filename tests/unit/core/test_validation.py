"""Advisory validation of ENTER requests."""

from __future__ import annotations

import uuid

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from console_app.core.models import LaunchRequest
from console_app.core.validation import (
    NICKNAME_WARN_LENGTH,
    NOT_MONEY,
    Problem,
    check_uuid,
    difference,
    errors_only,
    validate,
)

GOOD = LaunchRequest("lm_8_treasureofzeus", "u1", "Ann", "en", "USD", "s1", "203.0.113.7")


def problems_for(**changes) -> dict[str, Problem]:
    return {p.field: p for p in validate(GOOD.with_changes(**changes))}


def test_a_good_request_has_no_problems():
    assert validate(GOOD) == []
    assert validate(GOOD.with_changes(ip="2001:db8::1", language="ja", currency="JPY")) == []


@pytest.mark.parametrize(
    "changes, field, severity, words",
    [
        ({"language": "EN"}, "player.language", "error", "'en'"),
        ({"language": "eng"}, "player.language", "error", "ISO 639-1"),
        ({"language": "xx"}, "player.language", "error", "ISO 639-1"),
        ({"language": ""}, "player.language", "error", "empty"),
        ({"currency": "usd"}, "player.currency", "error", "'USD'"),
        ({"currency": "IDX"}, "player.currency", "warning", "not an ISO 4217 code; sent as typed"),
        ({"currency": "US"}, "player.currency", "error", "three capital letters"),
        ({"currency": "U$D"}, "player.currency", "error", "three capital letters"),
        ({"ip": "1.2.3"}, "player.session.ip", "error", "IPv4 or IPv6"),
        ({"ip": "203.0.113.7 "}, "player.session.ip", "error", "IPv4 or IPv6"),
        ({"ip": ""}, "player.session.ip", "error", "empty"),
        ({"player_id": ""}, "player.id", "error", "empty"),
        ({"player_id": "  "}, "player.id", "error", "empty"),
        ({"nickname": ""}, "player.nickname", "error", "empty"),
        ({"nickname": " Ann"}, "player.nickname", "warning", "spaces"),
        ({"session_id": ""}, "player.session.id", "error", "empty"),
        ({"gameid": ""}, "gameid", "error", "empty"),
        ({"gameid": "Im_60_tumblefortune"}, "gameid", "warning", "lm_"),
        ({"gametype": "table"}, "gametype", "warning", "not available yet"),
        ({"gametype": "Slot"}, "gametype", "error", "'slot'"),
        ({"gametype": "poker"}, "gametype", "error", "not a game type"),
    ],
)
def test_each_problem_names_its_field(changes, field, severity, words):
    problems = problems_for(**changes)
    assert list(problems) == [field]
    assert problems[field].severity == severity and words in problems[field].message


def test_every_problem_is_reported_at_once():
    problems = validate(GOOD.with_changes(language="EN", currency="usd", ip="x", player_id=""))
    assert [p.field for p in problems] == ["player.id", "player.language", "player.currency", "player.session.ip"]
    assert len(errors_only(problems)) == 4


def test_check_uuid():
    assert check_uuid(None) == []
    assert check_uuid(str(uuid.uuid4())) == []
    assert check_uuid(str(uuid.uuid4()).upper())[0].field == "uuid"
    assert check_uuid(str(uuid.uuid1()))[0].severity == "error"
    assert "not a uuid" in check_uuid("abc")[0].message


requests = st.builds(
    LaunchRequest,
    gameid=st.text(),
    player_id=st.text(),
    nickname=st.text(),
    language=st.text(max_size=4),
    currency=st.text(max_size=4),
    session_id=st.text(),
    ip=st.text(max_size=45),
    gametype=st.text(max_size=6),
)


@given(requests)
def test_validate_never_raises(request):
    for problem in validate(request):
        assert problem.severity in ("error", "warning") and problem.message and problem.field


languages = sorted(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
currencies = sorted(c.alpha_3 for c in pycountry.currencies if c.alpha_3 not in NOT_MONEY)
ids = st.text(min_size=1).map(str.strip).filter(bool)


@given(
    gameid=ids.filter(lambda s: not s.startswith("Im_")),
    player_id=ids,
    nickname=ids.filter(lambda s: len(s) <= NICKNAME_WARN_LENGTH),
    language=st.sampled_from(languages),
    currency=st.sampled_from(currencies),
    session_id=ids,
    ip=st.ip_addresses().map(str),
    gametype=st.just("slot"),
)
def test_valid_requests_have_no_errors(**fields):
    assert validate(LaunchRequest(**fields)) == []


# -- frictions: look-alike characters, long nicknames, money that is not money --------

def test_a_fix_says_where_it_differs_so_the_ui_can_highlight_it():
    problem = problems_for(gameid="Im_60_tumblefortune")["gameid"]
    assert problem.suggestion == "lm_60_tumblefortune"
    diff = problem.difference
    assert diff.spans == (((0, 1), (0, 1)),)
    assert diff.plain() == "[I]m_60_tumblefortune → [l]m_60_tumblefortune"
    assert diff.lookalikes() == [("I", "l")]
    assert diff.segments() == [("l", True), ("m_60_tumblefortune", False)]
    assert diff.segments("typed") == [("I", True), ("m_60_tumblefortune", False)]
    case = problems_for(language="EN")["player.language"]
    assert (case.suggestion, case.difference.plain()) == ("en", "[EN] → [en]")
    assert case.difference.lookalikes() == []


@pytest.mark.parametrize(("typed", "fixed", "plain", "spans"), [
    ("lm_60_tumblefortun", "lm_60_tumblefortune", "lm_60_tumblefortun[] → lm_60_tumblefortun[e]",
     (((18, 18), (18, 19)),)),
    (" lm_8_x ", "lm_8_x", "[ ]lm_8_x[ ] → []lm_8_x[]", (((0, 1), (0, 0)), ((7, 8), (6, 6)))),
    ("lm_1O_a", "lm_10_a", "lm_1[O]_a → lm_1[0]_a", (((4, 5), (4, 5)),)),
    ("same", "same", "same → same", ()),
])
def test_difference_spans_and_plain_text(typed, fixed, plain, spans):
    diff = difference(typed, fixed)
    assert diff.plain() == plain and diff.spans == spans
    rebuilt, last = "", 0  # the spans turn the typed text into the fix
    for (t0, t1), (s0, s1) in diff.spans:
        rebuilt, last = rebuilt + typed[last:t0] + fixed[s0:s1], t1
    assert rebuilt + typed[last:] == fixed
    assert diff.plain("<b>", "</b>").count("<b>") == 2 * len(spans)


def test_a_very_long_nickname_is_a_warning_naming_the_limit():
    assert "player.nickname" not in problems_for(nickname="N" * NICKNAME_WARN_LENGTH)
    problem = problems_for(nickname="N" * (NICKNAME_WARN_LENGTH + 9))["player.nickname"]
    assert problem.severity == "warning"
    assert f"{NICKNAME_WARN_LENGTH + 9} characters" in problem.message
    assert f"warns above {NICKNAME_WARN_LENGTH}" in problem.message


@pytest.mark.parametrize(("code", "words"), [("XXX", "no currency"), ("XTS", "testing")])
def test_codes_that_are_not_money_are_flagged(code, words):
    assert code in NOT_MONEY
    problem = problems_for(currency=code)["player.currency"]
    assert problem.severity == "warning" and words in problem.message and "real currency" in problem.message


@given(st.text(max_size=30), st.text(max_size=30))
def test_difference_segments_always_rebuild_both_sides(typed, fixed):
    diff = difference(typed, fixed)
    assert "".join(text for text, _ in diff.segments("typed")) == typed
    assert "".join(text for text, _ in diff.segments("suggestion")) == fixed
    assert (diff.spans == ()) == (typed == fixed)
