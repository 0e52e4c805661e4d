"""Advisory validation of ENTER requests."""

from __future__ import annotations

import uuid

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from console_app.core.models import LaunchRequest
from console_app.core.validation import Problem, check_uuid, errors_only, validate

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
currencies = sorted(c.alpha_3 for c in pycountry.currencies)
ids = st.text(min_size=1).map(str.strip).filter(bool)


@given(
    gameid=ids.filter(lambda s: not s.startswith("Im_")),
    player_id=ids,
    nickname=ids,
    language=st.sampled_from(languages),
    currency=st.sampled_from(currencies),
    session_id=ids,
    ip=st.ip_addresses().map(str),
    gametype=st.just("slot"),
)
def test_valid_requests_have_no_errors(**fields):
    assert validate(LaunchRequest(**fields)) == []
