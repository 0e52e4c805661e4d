"""Replay binding (core/replay.py), as the window uses it: which profile a history
entry replays with, and when nothing may be sent."""

from __future__ import annotations

import pytest

from console_app.core.errors import InvalidInputError, ProfileError
from console_app.core.history import HistoryStore
from console_app.core.models import ApiTarget
from console_app.core.profiles import Profile, ProfileStore
from console_app.core.redaction import Secret
from console_app.core.replay import ReplayHostChangedError, replay_profile, replay_target
from tests.unit.core.test_history import make_attempt


@pytest.fixture
def profiles(app_paths) -> ProfileStore:
    store = ProfileStore(app_paths)
    store.add(Profile(name="stage", api_url="https://new.example:8443", partner_id="P2", kind="staging"))
    return store


def _entry(app_paths, api_url: str, profile: str, kind: str):
    with HistoryStore.open(app_paths.data_dir) as history:
        target = ApiTarget(api_url, "P1", Secret("old-token-value"), profile, kind)
        return history.get(history.record_attempt(make_attempt(), target=target))


def test_a_moved_profile_refuses_with_both_hosts_and_the_way_on(app_paths, profiles) -> None:
    entry = _entry(app_paths, "https://old.example", "stage", "staging")
    with pytest.raises(ReplayHostChangedError) as raised:
        replay_profile(entry, profiles)
    error = raised.value
    assert (error.entry_host, error.profile_host, error.profile_name) == ("old.example", "new.example:8443", "stage")
    assert isinstance(error, ProfileError) and error.exit_code == 2 and "\n" not in str(error)
    profile = replay_profile(entry, profiles, to_current_host=True)
    target = replay_target(entry, profile, token=Secret("new-token-value"))
    assert (target.api_url, target.partner_id) == ("https://new.example:8443", "P2")


def test_the_same_host_replays_through_the_profile_as_it_is_now(app_paths, profiles) -> None:
    entry = _entry(app_paths, "https://new.example:8443/", "stage", "staging")
    assert replay_profile(entry, profiles).name == "stage"


def test_sandbox_entries_use_the_embedded_sandbox_whatever_port_they_had(app_paths, profiles) -> None:
    entry = _entry(app_paths, "http://127.0.0.1:40123", "Sandbox", "sandbox")
    assert replay_profile(entry, profiles).is_embedded


def test_a_command_line_entry_needs_a_token_and_keeps_its_url(app_paths, profiles) -> None:
    entry = _entry(app_paths, "https://adhoc.example", "command line", "adhoc")
    assert replay_profile(entry, profiles) is None
    with pytest.raises(InvalidInputError, match="--token-env VAR or --token-stdin"):
        replay_target(entry, None)
    assert replay_target(entry, None, token=Secret("given-token")).api_url == "https://adhoc.example"


def test_a_removed_profile_sends_nothing(app_paths, profiles) -> None:
    entry = _entry(app_paths, "https://old.example", "gone", "staging")
    with pytest.raises(ProfileError, match="'gone', which no longer exists"):
        replay_profile(entry, profiles)


def test_a_request_cut_in_history_is_not_replayed(app_paths, profiles) -> None:
    with HistoryStore.open(app_paths.data_dir) as history:
        attempt = make_attempt()
        attempt.exchange.request_body = '{"uuid": "u", "gameid": "' + "x" * 40_000 + '"}'
        entry = history.get(history.record_attempt(
            attempt, target=ApiTarget("https://new.example:8443", "P2", Secret("tok-value"), "stage", "staging")))
    assert entry.request_cut
    with pytest.raises(InvalidInputError, match="too long to keep whole"):
        replay_profile(entry, profiles)


def test_a_moved_profile_names_the_host_its_token_is_really_bound_to(app_paths, profiles) -> None:
    """The token stays bound to the host it was set for until set-token again: the
    refusal names that host, as ``profile show`` does (it named the profile's new host)."""
    profiles.set_token_host("stage", "old.example")
    entry = _entry(app_paths, "https://old.example", "stage", "staging")
    with pytest.raises(ReplayHostChangedError, match=r"\(its token is only for old\.example\)"):
        replay_profile(entry, profiles)
