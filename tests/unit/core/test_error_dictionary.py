"""The error dictionary: bundled entries per endpoint, user overrides in the config dir."""

from __future__ import annotations

import json

import pytest

from console_app.core.error_dictionary import (
    ENDPOINTS,
    OVERRIDE_FILE_NAME,
    bundled,
    category_of,
    for_paths,
    load_dictionary,
)


def test_bundled_seed_entries():
    for endpoint in ENDPOINTS:
        auth = bundled().lookup(endpoint, "G.0")
        assert auth is not None and not auth.retryable and "Authentication" in auth.meaning
        system = bundled().lookup(endpoint, "G.01")
        assert system.retryable and "report" in system.next_step
    assert "game type" in bundled().lookup("gamelist", "G.1").meaning.lower()
    assert bundled().lookup("session", "G.1") is None


def test_categories_from_prefix():
    assert category_of("G.77") == "G"
    assert category_of(" v.3") == "V"
    assert category_of("E-12") == "unknown"
    assert category_of(None) == "unknown"


def test_user_override_file_in_config_dir_wins(app_paths):
    (app_paths.config_dir / OVERRIDE_FILE_NAME).write_text(json.dumps({
        "session": {"codes": {
            "V.7": {"meaning": "Unsupported currency.", "next_step": "Use a SLOT_SPEC currency."},
            "G.01": {"meaning": "Our own words.", "retryable": True},
            "bad": {"no_meaning": 1},
        }},
    }))
    dictionary = for_paths(app_paths)
    assert dictionary.lookup("session", "V.7").meaning == "Unsupported currency."
    assert dictionary.lookup("session", "V.7").retryable is False
    assert dictionary.lookup("session", "G.01").meaning == "Our own words."
    assert dictionary.lookup("session", "bad") is None
    assert dictionary.lookup("gamelist", "G.01").meaning == bundled().lookup("gamelist", "G.01").meaning


def test_malformed_override_file_is_ignored_with_a_log(app_paths, caplog):
    path = app_paths.config_dir / OVERRIDE_FILE_NAME
    path.write_text("{not json")
    assert for_paths(app_paths).lookup("session", "G.0") == bundled().lookup("session", "G.0")
    assert "ignored the error dictionary override" in caplog.text


def test_no_override_file_is_the_bundled_dictionary(tmp_path):
    assert load_dictionary(tmp_path / "missing.json").codes("session") == bundled().codes("session")


# -- every code the sandbox sends has an entry -----------------------------------------

_API = {"session": "/api/session", "gamelist": "/api/gamelist", "snapshot": "/api/snapshot.php"}
_GOOD_BODY = {"gamelist": {"gametype": "slot"}, "snapshot": {"transaction_id": "tx-demo-1"}}


def _sandbox_answer(srv, endpoint: str, case: str) -> tuple[int, str]:
    """Ask the real sandbox something that fails in the way ``case`` names."""
    import httpx

    from console_app.sandbox.faults import Fault
    from tests.unit.sandbox.helpers import auth, enter_body

    good = enter_body() if endpoint == "session" else _GOOD_BODY[endpoint]
    url, params = srv.url + _API[endpoint], auth(srv)
    kwargs: dict = {"json": good}
    if case == "auth":
        params = {"MEMB_ID": "nobody", "HASH": "wrong"}
    elif case == "g01":
        srv.inject(Fault("g01", endpoint=endpoint))
    elif case == "method":
        kwargs = {"method": "PUT"}
    elif case == "path":
        url = srv.url + _API[endpoint] + "/extra"
    elif case == "content_type":
        kwargs = {"content": b"{}", "headers": {"Content-Type": "text/plain"}}
    elif case == "not_json":
        kwargs = {"content": b"{oops", "headers": {"Content-Type": "application/json"}}
    elif case == "too_big":
        kwargs = {"content": b" " * 1_000_001, "headers": {"Content-Type": "application/json"}}
    elif case == "table":
        kwargs = {"json": {**good, "gametype": "table"}}
    elif case == "bad_value":
        kwargs = {"json": {**good, "uuid": "nope"} if endpoint == "session" else {"transaction_id": " "}}
    elif case == "missing":
        kwargs = {"json": {k: v for k, v in good.items() if k not in ("uuid", "transaction_id")}}
    elif case == "wrong_type":
        kwargs = {"json": {**good, "uuid": 7} if endpoint == "session" else {"transaction_id": 7}}
    elif case == "unknown_game":
        kwargs = {"json": {**good, "gameid": "Im_60_tumblefortune"}}
    elif case == "same_uuid":
        httpx.post(url, params=params, json=good, timeout=10)
    elif case == "unknown_tx":
        kwargs = {"json": {"transaction_id": "tx-unknown"}}
    elif case == "bad_gametype":
        kwargs = {"json": {"gametype": "table"}}
    method = kwargs.pop("method", "POST")
    response = httpx.request(method, url, params=params, timeout=10, **kwargs)
    body = response.json()
    return response.status_code, (body.get("errors") or body.get("error"))["code"]


_CASES = {
    "session": ["auth", "g01", "method", "path", "content_type", "not_json", "too_big", "table",
                "bad_value", "missing", "wrong_type", "unknown_game", "same_uuid"],
    "gamelist": ["auth", "g01", "method", "path", "content_type", "not_json", "too_big", "bad_gametype"],
    "snapshot": ["auth", "g01", "method", "path", "content_type", "not_json", "too_big", "bad_value",
                 "missing", "wrong_type", "unknown_tx"],
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_code_the_sandbox_sends_has_an_entry(sandbox, endpoint):
    from console_app.sandbox.codes import CODES, ENDPOINT_CODES

    sent = {_sandbox_answer(sandbox, endpoint, case)[1] for case in _CASES[endpoint]}
    # The sandbox's own table of codes per endpoint is what it really sends...
    assert sent == set(ENDPOINT_CODES[endpoint])
    # ...and the dictionary explains each of them on that endpoint.
    missing = [code for code in ENDPOINT_CODES[endpoint] if bundled().lookup(endpoint, code) is None]
    assert missing == []
    assert set().union(*ENDPOINT_CODES.values()) == set(CODES)


def test_codes_the_spec_does_not_give_are_labelled_inferred():
    from console_app.core.errors import ApiError
    from console_app.core.messages import INFERRED_NOTE, describe

    def api_error(status, code):
        return ApiError(code, http_status=status, code=code, api_message="m", category=code[0], retryable=False)

    documented = {"G.0", "G.01", "G.1"}
    for endpoint in ENDPOINTS:
        for code, entry in bundled().codes(endpoint).items():
            assert entry.inferred == (code not in documented), (endpoint, code)
    assert describe(api_error(409, "V.6")).meaning.endswith(INFERRED_NOTE)
    assert INFERRED_NOTE not in describe(api_error(401, "G.0")).meaning


def test_an_override_entry_can_say_it_is_inferred(app_paths):
    (app_paths.config_dir / OVERRIDE_FILE_NAME).write_text(json.dumps({
        "session": {"codes": {"V.9": {"meaning": "Guessed.", "inferred": True}, "V.2": {"meaning": "Ours."}}}}))
    dictionary = for_paths(app_paths)
    assert dictionary.lookup("session", "V.9").inferred
    assert not dictionary.lookup("session", "V.2").inferred
