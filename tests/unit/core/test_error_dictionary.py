"""The error dictionary: bundled entries per endpoint, user overrides in the config dir."""

from __future__ import annotations

import json

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
