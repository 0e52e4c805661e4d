"""ENTER (POST /api/session) against a real sandbox: success, auth, validation codes."""

from __future__ import annotations

import uuid

import httpx
import pytest

from console_app.sandbox.codes import AUTH_MESSAGE, CODES
from tests.unit.sandbox.helpers import auth, enter, enter_body, launch, token_of


def test_success_returns_a_game_url_on_the_sandbox(sandbox):
    response = enter(sandbox)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    url = response.json()["url"]
    assert url.startswith(f"{sandbox.url}/game/index.html?token=")
    # secrets.token_urlsafe(24): 32 URL-safe characters, different every time
    assert len(token_of(url)) == 32
    assert token_of(url) != token_of(launch(sandbox))


def test_session_remembers_the_player(sandbox):
    url = launch(sandbox, gameid="lm_53_jellyjelly",
                 player={"nickname": "Mina", "language": "ko", "currency": "KRW", "id": "p-9"})
    session, expired = sandbox.world.session(token_of(url))
    assert not expired
    assert (session.game_id, session.game_name, session.nickname, session.player_id,
            session.language, session.currency) == (
        "lm_53_jellyjelly", "Jelly Jelly", "Mina", "p-9", "ko", "KRW")


@pytest.mark.parametrize("params", [
    {},
    {"MEMB_ID": "sandbox-partner"},
    {"HASH": "sandbox-demo-token"},
    {"MEMB_ID": "sandbox-partner", "HASH": "wrong"},
    {"MEMB_ID": "other-partner", "HASH": "sandbox-demo-token"},
    {"MEMB_ID": "sandbox-partner", "HASH": ""},
])
def test_bad_credentials_get_the_spec_g0_answer(sandbox, params):
    response = enter(sandbox, params=params)
    assert response.status_code == 401
    assert response.json() == {"errors": {"code": "G.0", "message": AUTH_MESSAGE}}
    assert AUTH_MESSAGE.endswith("customer support ")


def test_credentials_are_the_servers_own(sandbox_factory):
    srv = sandbox_factory(partner_id="brand-7", token="tok-7")
    assert enter(srv).status_code == 200
    assert enter(srv, params={"MEMB_ID": "sandbox-partner", "HASH": "sandbox-demo-token"}).status_code == 401


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_content_type_must_be_json(sandbox, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.post(f"{sandbox.url}/api/session", params=auth(sandbox), timeout=10,
                          content=b'{"uuid": "x"}', headers=headers)
    assert response.status_code == 415
    assert response.json()["errors"]["code"] == "V.0"
    assert "Content-Type" in response.json()["errors"]["message"]


def test_json_content_type_with_charset_is_fine(sandbox):
    import json

    response = enter(sandbox, content=json.dumps(enter_body()).encode(),
                     headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[1, 2]", b'"text"', b"null"])
def test_body_must_be_a_json_object(sandbox, raw):
    response = enter(sandbox, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    error = response.json()["errors"]
    assert error["code"] == "V.1"
    assert error["message"].startswith("body:")


def _without(path: str) -> dict:
    body = enter_body()
    *parents, last = path.split(".")
    node = body
    for key in parents:
        node = node[key]
    del node[last]
    return body


def _with(path: str, value) -> dict:
    body = enter_body()
    *parents, last = path.split(".")
    node = body
    for key in parents:
        node = node[key]
    node[last] = value
    return body


FIELDS = ["uuid", "gametype", "gameid", "player", "player.id", "player.nickname",
          "player.language", "player.currency", "player.session", "player.session.id",
          "player.session.ip"]


@pytest.mark.parametrize("field", FIELDS)
def test_missing_field_is_v3_naming_it(sandbox, field):
    response = enter(sandbox, _without(field))
    assert response.status_code == 400
    assert response.json() == {"errors": {"code": "V.3", "message": f"{field}: missing"}}


@pytest.mark.parametrize("field", FIELDS)
def test_wrong_type_is_v4_naming_it(sandbox, field):
    response = enter(sandbox, _with(field, 42))
    assert response.status_code == 400
    error = response.json()["errors"]
    assert error["code"] == "V.4"
    assert error["message"].startswith(f"{field}: expected ")
    assert error["message"].endswith("got number")


@pytest.mark.parametrize(("field", "value", "says"), [
    ("uuid", "not-a-uuid", "is not a canonical uuid4"),
    ("uuid", str(uuid.uuid1()), "is not a canonical uuid4"),
    ("uuid", str(uuid.uuid4()).upper(), "is not a canonical uuid4"),
    ("uuid", str(uuid.uuid4()).replace("-", ""), "is not a canonical uuid4"),
    ("gametype", "poker", "is not one of slot, table"),
    ("player.id", "  ", "must not be empty"),
    ("player.nickname", "", "must not be empty"),
    ("player.language", "xx", "'xx' is not an ISO 639-1 code"),
    ("player.language", "EN", "is not an ISO 639-1 code"),
    ("player.language", "eng", "is not an ISO 639-1 code"),
    ("player.currency", "usd", "is not a 3-letter upper-case currency code"),
    ("player.currency", "US", "is not a 3-letter upper-case currency code"),
    ("player.session.id", "", "must not be empty"),
    ("player.session.ip", "203.0.113.300", "is not an IPv4 or IPv6 address"),
    ("player.session.ip", "localhost", "is not an IPv4 or IPv6 address"),
])
def test_invalid_value_is_v2_naming_the_field(sandbox, field, value, says):
    response = enter(sandbox, _with(field, value))
    assert response.status_code == 400
    error = response.json()["errors"]
    assert error["code"] == "V.2"
    assert error["message"].startswith(f"{field}: ")
    assert says in error["message"]


def test_the_spec_example_message_for_a_bad_language(sandbox):
    response = enter(sandbox, _with("player.language", "xx"))
    assert response.json() == {
        "errors": {"code": "V.2", "message": "player.language: 'xx' is not an ISO 639-1 code"}}


@pytest.mark.parametrize("currency", ["USD", "JPY", "KRW", "IDX"])
def test_iso_and_partner_currencies_are_accepted(sandbox, currency):
    assert enter(sandbox, enter_body(player={"currency": currency})).status_code == 200


@pytest.mark.parametrize("ip", ["203.0.113.7", "2001:db8::1", "::1"])
def test_ipv4_and_ipv6_are_accepted(sandbox, ip):
    assert enter(sandbox, enter_body(session={"ip": ip})).status_code == 200


def test_unknown_game_is_v5_with_a_hint_for_typos(sandbox):
    response = enter(sandbox, enter_body(gameid="Im_60_tumblefortune"))
    assert response.status_code == 400
    assert response.json() == {"errors": {
        "code": "V.5",
        "message": "gameid: unknown game 'Im_60_tumblefortune' (did you mean 'lm_60_tumblefortune'?)"}}
    far = enter(sandbox, enter_body(gameid="zz_nothing")).json()["errors"]["message"]
    assert far == "gameid: unknown game 'zz_nothing'"


def test_games_given_to_the_constructor_are_playable(sandbox_factory):
    srv = sandbox_factory(games={"qa_1_neonkoi": "Neon Koi"})
    url = launch(srv, gameid="qa_1_neonkoi")
    assert srv.world.session(token_of(url))[0].game_name == "Neon Koi"
    assert launch(srv, gameid="lm_8_treasureofzeus")  # the catalog is still there


def test_reused_uuid_is_a_409_v6(sandbox):
    body = enter_body()
    assert enter(sandbox, body).status_code == 200
    again = enter(sandbox, body)
    assert again.status_code == 409
    error = again.json()["errors"]
    assert error["code"] == "V.6"
    assert body["uuid"] in error["message"] and "already used" in error["message"]


def test_a_failed_request_does_not_use_up_its_uuid(sandbox):
    body = enter_body(player={"language": "xx"})
    assert enter(sandbox, body).status_code == 400
    body["player"]["language"] = "en"
    assert enter(sandbox, body).status_code == 200


def test_table_games_are_not_available(sandbox):
    response = enter(sandbox, enter_body(gametype="table"))
    assert response.status_code == 400
    assert response.json() == {"errors": {"code": "G.2", "message": "table games are not available now"}}


def test_wrong_method_and_unknown_api_paths(sandbox):
    wrong = httpx.get(f"{sandbox.url}/api/session", params=auth(sandbox), timeout=10)
    assert wrong.status_code == 405
    assert wrong.json()["errors"]["code"] == "G.3"
    missing = httpx.post(f"{sandbox.url}/api/nothing", params=auth(sandbox), json={}, timeout=10)
    assert missing.status_code == 404
    assert missing.json()["errors"]["code"] == "G.4"


def test_oversized_body_is_refused_unread(sandbox):
    response = enter(sandbox, content=b"{" + b" " * 1_000_001 + b"}",
                     headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["errors"]["code"] == "V.8"


def test_every_code_answered_has_the_status_of_the_table(sandbox):
    seen = {
        enter(sandbox, params={}).json()["errors"]["code"]: 401,
        enter(sandbox, enter_body(gametype="table")).json()["errors"]["code"]: 400,
        enter(sandbox, enter_body(gameid="nope")).json()["errors"]["code"]: 400,
    }
    for code, status in seen.items():
        assert CODES[code][0] == status
