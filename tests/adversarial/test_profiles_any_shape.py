"""profiles.json of any shape: one line naming the file (and the field), the file left
untouched, and the built-in Sandbox still there for the window to open on."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console_app.core.errors import ProfileError
from console_app.core.paths import AppPaths
from console_app.core.profiles import Profile, ProfileStore

GOOD = {"name": "Prod", "api_url": "https://api.example.test", "partner_id": "p", "kind": "staging"}


def store_with(tmp_path, content: bytes) -> ProfileStore:
    paths = AppPaths.from_basedir(tmp_path).ensure()
    store = ProfileStore(paths)
    store.path.write_bytes(content)
    return store


def refusal(store: ProfileStore) -> str:
    """The one line loading ``store`` fails with; checks the file was not touched."""
    before = store.path.read_bytes()
    with pytest.raises(ProfileError) as caught:
        store.list()
    with pytest.raises(ProfileError):
        store.add(Profile("Other", "https://other.example.test", "p"))
    assert store.path.read_bytes() == before
    message = str(caught.value)
    assert "\n" not in message and str(store.path) in message
    return message


def document(**changes) -> bytes:
    return json.dumps({"format": 1, "profiles": [{**GOOD, **changes}]}).encode()


@pytest.mark.parametrize("field, value, expected", [
    ("color", 123, "field 'color': expected text, got 123"),
    ("verify_tls", "no", "field 'verify_tls': expected true or false, got 'no'"),
    ("retries", 2.5, "field 'retries': expected a whole number, got 2.5"),
    ("retries", True, "field 'retries': expected a whole number, got True"),
    ("deadline", "15", "field 'deadline': expected a number, got '15'"),
    ("proxy_url", ["x"], "field 'proxy_url': expected text or null, got ['x']"),
    ("ca_bundle", 7, "field 'ca_bundle': expected text or null, got 7"),
    ("defaults", [1], "field 'defaults': expected an object, got [1]"),
    ("defaults", {"player_id": {"a": 1}}, "field 'defaults.player_id': expected text, got {'a': 1}"),
    ("name", 5, "field 'name': expected text, got 5"),
])
def test_a_field_of_the_wrong_type_is_named(tmp_path, field, value, expected):
    message = refusal(store_with(tmp_path, document(**{field: value})))
    assert expected in message


@pytest.mark.parametrize("content, expected", [
    (os.urandom(64) + b"\xff\xfe", "is not UTF-8 text"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"format": 0, "profiles": [1, 2]}', "'profiles'"),
    (b'{"format": 0, "profiles": {"P": {"url": 5}}}', "field 'api_url'"),
    (b'{"format": true, "profiles": []}', "'format'"),
    (b'{"format": 1, "profiles": [7]}', "not a JSON object"),
    (b'{"format": 1, "profiles": {}}', "no 'profiles' list"),
    (b"null", "not a profiles file"),
    (b" " * (2 * 1024 * 1024), "larger than"),
])
def test_a_file_of_any_shape_gives_one_line_and_is_left_alone(tmp_path, content, expected):
    assert expected in refusal(store_with(tmp_path, content))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
_field_values = st.dictionaries(
    st.sampled_from(sorted({*GOOD, "color", "verify_tls", "retries", "deadline", "connect_timeout",
                            "proxy_mode", "proxy_url", "ca_bundle", "defaults", "token_host", "kind"})),
    _json, max_size=5)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=_field_values)
def test_any_values_either_load_or_give_one_line(tmp_path, changes):
    store = store_with(tmp_path, document(**changes))
    before = store.path.read_bytes()
    try:
        profiles = store.list()
    except ProfileError as exc:
        assert "\n" not in str(exc) and str(store.path) in str(exc)
    else:
        assert profiles[0].name == "Sandbox"
    assert store.path.read_bytes() == before
