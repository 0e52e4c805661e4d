"""Profiles: validation, the versioned profiles.json, import/export without secrets,
and the binding of a token to its profile's API host."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from console_app.core.errors import ProfileError
from console_app.core.models import ClientSettings
from console_app.core.paths import AppPaths
from console_app.core.profiles import (
    FORMAT,
    KIND_COLORS,
    PlayerDefaults,
    Profile,
    ProfileStore,
    api_host,
    target_for,
    validate_profile,
)
from console_app.core.redaction import Secret
from tests.fixtures.common import CANARY_TOKEN, files_containing

STAGING = Profile(name="staging", api_url="https://api.staging.example:8443/v3", partner_id="P-1")


@pytest.fixture
def store(app_paths: AppPaths) -> ProfileStore:
    return ProfileStore(app_paths)


# --------------------------------------------------------------------------- the model


def test_colour_follows_kind_by_default() -> None:
    assert Profile("a", "https://x.example", "P", kind="sandbox").color == KIND_COLORS["sandbox"]
    assert STAGING.color == KIND_COLORS["staging"]
    prod = STAGING.with_changes(kind="production")
    assert prod.color == KIND_COLORS["production"]
    custom = STAGING.with_changes(color="#123456").with_changes(kind="production")
    assert custom.color == "#123456"


@pytest.mark.parametrize(
    ("changes", "verify", "proxy"),
    [
        ({}, True, None),
        ({"ca_bundle": "/etc/ca.pem"}, "/etc/ca.pem", None),
        ({"verify_tls": False, "ca_bundle": "/etc/ca.pem"}, False, None),
        ({"proxy_mode": "none"}, True, ""),
        ({"proxy_mode": "explicit", "proxy_url": "http://127.0.0.1:3128"}, True, "http://127.0.0.1:3128"),
    ],
)
def test_client_settings(changes, verify, proxy) -> None:
    profile = STAGING.with_changes(connect_timeout=2.5, deadline=9.0, retries=0, **changes)
    assert profile.client_settings() == ClientSettings(
        connect_timeout=2.5, deadline=9.0, retries=0, verify=verify, proxy=proxy
    )


def test_api_host() -> None:
    assert api_host("https://API.example.com/v3") == "api.example.com"
    assert api_host("https://api.example.com:443/") == "api.example.com"
    assert api_host("http://127.0.0.1:8080") == "127.0.0.1:8080"
    assert api_host("https://api.example.com:8443") == "api.example.com:8443"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name:"),
        ({"name": " padded "}, "name:"),
        ({"api_url": "ftp://example.com"}, "API URL:"),
        ({"api_url": "https://"}, "API URL:"),
        ({"api_url": "api.example.com"}, "API URL:"),
        ({"api_url": "https://user:pw@api.example.com"}, "API URL: remove the user name"),
        ({"api_url": "https://api.example.com/?MEMB_ID=1&HASH=x"}, "API URL: remove the '?"),
        ({"api_url": "https://api.example.com:99999"}, "API URL:"),
        ({"api_url": "embedded"}, "API URL: 'embedded'"),
        ({"partner_id": "  "}, "partner ID:"),
        ({"kind": "prod"}, "kind:"),
        ({"kind": "production", "api_url": "http://api.example.com"}, "production profile must use https"),
        ({"kind": "production", "verify_tls": False}, "TLS: a production profile"),
        ({"ca_bundle": "/nonexistent/ca.pem"}, "CA bundle: file not found"),
        ({"proxy_mode": "explicit"}, "proxy:"),
        ({"proxy_mode": "explicit", "proxy_url": "socks9://x"}, "proxy:"),
        ({"proxy_mode": "auto"}, "proxy: mode"),
        ({"proxy_mode": "explicit", "proxy_url": "http://u:pw@127.0.0.1:3128"}, "proxy: a user/password"),
        ({"color": "red"}, "colour:"),
        ({"deadline": 0}, "deadline:"),
        ({"connect_timeout": "5"}, "connect timeout:"),
        ({"retries": -1}, "retries:"),
        ({"retries": 2.5}, "retries:"),
    ],
)
def test_validation_names_the_field(changes, field) -> None:
    with pytest.raises(ProfileError) as caught:
        validate_profile(STAGING.with_changes(**changes))
    message = str(caught.value)
    assert field in message
    assert "\n" not in message


def test_risky_choices_outside_production_are_warnings() -> None:
    assert validate_profile(STAGING) == []
    warnings = validate_profile(STAGING.with_changes(api_url="http://10.0.0.5:8080", verify_tls=False))
    assert any("plain http" in w for w in warnings)
    assert any("verification is off" in w for w in warnings)
    assert validate_profile(STAGING.with_changes(kind="production")) == []


# --------------------------------------------------------------------------- the store


def test_sandbox_always_exists_and_is_protected(store: ProfileStore) -> None:
    assert store.names() == ["Sandbox"]
    assert store.get("Sandbox").api_url == "embedded"
    with pytest.raises(ProfileError, match="cannot be removed"):
        store.remove("Sandbox")
    with pytest.raises(ProfileError, match="cannot be renamed"):
        store.rename("Sandbox", "Mine")
    with pytest.raises(ProfileError, match="kind and API URL cannot change"):
        store.update(store.get("Sandbox").with_changes(api_url="https://x.example"))
    # Its player defaults may change, and it still comes first.
    store.add(STAGING)
    store.update(store.get("Sandbox").with_changes(defaults=PlayerDefaults(nickname="qa")))
    assert store.names() == ["Sandbox", "staging"]
    assert store.get("Sandbox").defaults.nickname == "qa"


def test_round_trip_and_file_shape(store: ProfileStore) -> None:
    full = STAGING.with_changes(
        kind="production", proxy_mode="explicit", proxy_url="http://127.0.0.1:3128",
        connect_timeout=3.0, deadline=20.0, retries=1,
        defaults=PlayerDefaults("p1", "Nick", "en", "EUR", "10.0.0.1"),
    )
    store.add(full)
    assert store.get("staging") == full
    document = json.loads(store.path.read_text())
    assert document["format"] == FORMAT
    assert [p["name"] for p in document["profiles"]] == ["Sandbox", "staging"]
    assert document["profiles"][1]["defaults"]["currency"] == "EUR"
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600


def test_add_update_rename_remove(store: ProfileStore) -> None:
    store.add(STAGING)
    with pytest.raises(ProfileError, match="already exists"):
        store.add(STAGING.with_changes(name="STAGING"))
    store.update(STAGING.with_changes(partner_id="P-2"))
    assert store.get("staging").partner_id == "P-2"
    store.rename("staging", "staging-eu")
    assert store.names() == ["Sandbox", "staging-eu"]
    with pytest.raises(ProfileError, match="no profile named 'staging'"):
        store.get("staging")
    store.remove("staging-eu")
    assert store.names() == ["Sandbox"]
    with pytest.raises(ProfileError, match="no profile named"):
        store.remove("staging-eu")


def test_writes_are_atomic(store: ProfileStore, monkeypatch) -> None:
    store.add(STAGING)
    before = store.path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("console_app.core.paths.os.replace", crash)
    with pytest.raises(ProfileError, match=r"^profiles not saved: cannot write .*profiles.json \(disk full\); nothing"):
        store.add(STAGING.with_changes(name="other"))
    assert store.path.read_bytes() == before
    assert [p.name for p in store.path.parent.iterdir()] == ["profiles.json"]


def test_upgrades_a_format_0_file(store: ProfileStore) -> None:
    fixture = Path(__file__).parent / "data" / "profiles_format0.json"
    store.path.write_text(fixture.read_text())
    profiles = {p.name: p for p in store.list()}
    assert list(profiles) == ["Sandbox", "Staging EU", "Prod"]
    assert profiles["Staging EU"] == Profile(
        name="Staging EU", api_url="http://staging.example:8080", partner_id="1001",
        kind="staging", verify_tls=False, proxy_mode="explicit", proxy_url="http://127.0.0.1:3128",
    )
    assert profiles["Prod"].kind == "production" and profiles["Prod"].proxy_mode == "system"
    # Upgraded in memory; the next change writes the current format.
    store.add(STAGING)
    assert json.loads(store.path.read_text())["format"] == FORMAT


def test_newer_or_broken_files_are_refused_and_left_alone(store: ProfileStore) -> None:
    store.path.write_text(json.dumps({"format": FORMAT + 1, "profiles": []}))
    with pytest.raises(ProfileError, match="newer than this app"):
        store.add(STAGING)
    store.path.write_text("{not json")
    with pytest.raises(ProfileError, match="not valid JSON .*left untouched"):
        store.list()
    assert store.path.read_text() == "{not json"
    store.path.write_text(json.dumps({"format": 1, "profiles": [
        {"name": "p", "api_url": "http://x.example", "partner_id": "1", "kind": "production"}]}))
    with pytest.raises(ProfileError, match="profile 'p': API URL: a production profile must use https"):
        store.list()


def test_never_stores_the_token(store: ProfileStore, basedir: Path) -> None:
    store.add(STAGING)
    store.set_token_host("staging", STAGING.host)
    target = target_for(store.get("staging"), Secret(CANARY_TOKEN))
    assert target.token.reveal() == CANARY_TOKEN
    store.update(store.get("staging").with_changes(partner_id="P-9"))
    store.path.with_name("export.json").write_text(store.export_json("staging"))
    assert files_containing(basedir, CANARY_TOKEN) == []


# --------------------------------------------------------------------------- export / import


def test_export_has_no_secret_or_binding_and_imports_elsewhere(store: ProfileStore, tmp_path: Path) -> None:
    store.add(STAGING)
    store.set_token_host("staging", STAGING.host)
    exported = store.export_json("staging")
    document = json.loads(exported)
    assert document["kind"] == "luckymonaco-console-profile"
    assert "token_host" not in document["profile"]
    other = ProfileStore(AppPaths.from_basedir(tmp_path / "other"))
    imported, warnings = other.import_json(exported)
    assert warnings == []
    assert imported == STAGING and other.get("staging").token_host is None
    with pytest.raises(ProfileError, match="already exists"):
        other.import_json(exported)
    renamed, _ = other.import_json(exported, name="staging-2")
    assert renamed.name == "staging-2"


@pytest.mark.parametrize("key", ["token", "HASH", "Password"])
def test_import_refuses_a_file_with_a_secret(store: ProfileStore, key: str) -> None:
    document = {"format": 1, "kind": "luckymonaco-console-profile",
                "profile": {**STAGING.to_dict(for_export=True), key: CANARY_TOKEN}}
    with pytest.raises(ProfileError) as caught:
        store.import_json(json.dumps(document), source="shared.json")
    message = str(caught.value)
    assert f"shared.json contains a secret (profile.{key})" in message
    assert "rotate the token" in message
    assert CANARY_TOKEN not in message
    assert store.names() == ["Sandbox"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nope", "is not JSON"),
        ("[]", "not a profile export"),
        ('{"profile": {"name": "x"}}', "no text field 'api_url'"),
        ('{"format": 7, "profile": {}}', "export format 7"),
        ('{"kind": "history", "profile": {}}', "'history' file"),
    ],
)
def test_import_rejects_bad_documents(store: ProfileStore, text: str, expected: str) -> None:
    with pytest.raises(ProfileError, match=expected):
        store.import_json(text)


def test_import_cannot_replace_the_builtin(store: ProfileStore) -> None:
    document = {"profile": {"name": "Sandbox", "api_url": "embedded", "partner_id": "x", "kind": "sandbox"}}
    with pytest.raises(ProfileError, match="built-in profile"):
        store.import_json(json.dumps(document))


# --------------------------------------------------------------------------- host binding


def test_token_goes_only_to_the_host_it_was_stored_for(store: ProfileStore) -> None:
    store.add(STAGING)
    token = Secret(CANARY_TOKEN)
    with pytest.raises(ProfileError, match="was stored for another host"):
        target_for(store.get("staging"), token)
    profile = store.set_token_host("staging", STAGING.host)
    target = target_for(profile, token)
    assert (target.api_url, target.partner_id, target.profile_name, target.profile_kind) == (
        "https://api.staging.example:8443/v3", "P-1", "staging", "staging")

    # Pointing the profile elsewhere (an edit, a look-alike import) strands the token.
    moved = store.get("staging").with_changes(api_url="https://evil.example:8443/v3")
    store.update(moved)
    with pytest.raises(ProfileError) as caught:
        target_for(store.get("staging"), token)
    assert "stored for api.staging.example:8443" in str(caught.value)
    assert "profile set-token staging --token-stdin" in str(caught.value)

    # An override URL must stay on the profile's host.
    with pytest.raises(ProfileError, match="refusing to send"):
        target_for(profile, token, api_url="https://api.staging.example/v3")
    assert target_for(profile, token, api_url="https://api.staging.example:8443/v4").api_url.endswith("/v4")


def test_embedded_sandbox_takes_the_resolved_url(store: ProfileStore) -> None:
    target = target_for(store.get("Sandbox"), Secret("sandbox-token"), api_url="http://127.0.0.1:5000")
    assert target.api_url == "http://127.0.0.1:5000" and target.profile_kind == "sandbox"


# --------------------------------------------------------------------------- target from a store


def test_target_from_store_needs_a_token(store: ProfileStore) -> None:
    from console_app.core.credentials import MemoryCredentials
    from console_app.core.errors import CredentialError
    from console_app.core.profiles import target_from_store

    store.add(STAGING)
    profile = store.set_token_host("staging", STAGING.host)
    memory = MemoryCredentials()
    with pytest.raises(CredentialError, match="has no token"):
        target_from_store(profile, memory)
    memory.set("staging", CANARY_TOKEN)
    assert target_from_store(profile, memory).token.reveal() == CANARY_TOKEN


# --------------------------------------------------------------------------- production guard


def test_production_guard_marks_production_loudly_and_confirms_once_per_run() -> None:
    from console_app.core.profiles import ProductionGuard, builtin_sandbox

    guard = ProductionGuard()
    prod = STAGING.with_changes(name="prod", kind="production")
    view = guard.view(prod)
    assert view.banner == "PRODUCTION — real players, real money: prod (api.staging.example:8443, partner P-1)"
    assert view.title_suffix == " — PRODUCTION"
    assert view.launch_tint == KIND_COLORS["production"] == view.accent

    for calm in (STAGING, builtin_sandbox()):
        assert guard.view(calm).banner is None and guard.view(calm).launch_tint is None
        assert guard.view(calm).title_suffix == ""
        assert guard.needs_confirmation(calm) is False

    assert guard.needs_confirmation(prod) is True
    assert "api.staging.example:8443" in guard.confirmation_text(prod)
    guard.confirm(prod)
    assert guard.needs_confirmation(prod) is False
    # Another production host (same profile name, edited) asks again; so does a new run.
    assert guard.needs_confirmation(prod.with_changes(api_url="https://api.example.com")) is True
    assert ProductionGuard().needs_confirmation(prod) is True
