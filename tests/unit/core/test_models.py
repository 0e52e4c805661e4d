import re

from hypothesis import given
from hypothesis import strategies as st

from console_app.core.models import LaunchRequest, new_uuid

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_body_has_exactly_the_spec_fields():
    request = LaunchRequest("lm_8_treasureofzeus", "u1", "Ann", "en", "USD", "s1", "203.0.113.7")
    body = request.body("u")
    assert list(body) == ["uuid", "gametype", "gameid", "player"]
    assert list(body["player"]) == ["id", "nickname", "language", "currency", "session"]
    assert body["player"]["session"] == {"id": "s1", "ip": "203.0.113.7"}


def test_new_uuid_is_canonical_uuid4_and_fresh():
    a, b = new_uuid(), new_uuid()
    assert UUID4.match(a) and UUID4.match(b) and a != b


def test_from_body_round_trips():
    request = LaunchRequest("g", "p", "n", "ko", "KRW", "s", "::1", "table")
    assert LaunchRequest.from_body(request.body("x")) == request


@given(st.recursive(st.none() | st.text() | st.integers(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)))
def test_from_body_never_raises_on_pasted_junk(junk):
    body = {"player": junk, "gameid": junk} if not isinstance(junk, dict) else junk
    LaunchRequest.from_body(body)
