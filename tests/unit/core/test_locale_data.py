"""The window's copy of the language and currency tables: a second start reads it
instead of pycountry and babel, and a bad copy only means reading them again."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from console_app.core import locale_data

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _no_cache_after():
    yield
    locale_data.use_cache(None)


def _start(cache: Path) -> dict:
    """What a fresh process sees after the form's first checks, with ``cache`` in use."""
    script = textwrap.dedent(f"""
        import json, sys
        from pathlib import Path
        from console_app.core import locale_data, locale_names, validation
        locale_data.use_cache(Path({str(cache)!r}))
        out = {{
            "en": validation.is_iso639_1("en"), "xx": validation.is_iso639_1("xx"),
            "krw": validation.is_iso4217("KRW"), "korean": locale_names.language_name("ko"),
            "won": locale_names.currency_name("KRW"), "nowhere": locale_names.currency_name("ZZZ"),
            "languages": locale_names.all_languages(), "currencies": locale_names.all_currencies(),
            "english": locale_names.language_code_for_name("english"),
            "pycountry": "pycountry" in sys.modules, "babel": "babel" in sys.modules,
        }}
        print(json.dumps(out))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_second_start_reads_the_copy_not_pycountry_or_babel(tmp_path):
    cache = tmp_path / "cache" / "locale-data.json"
    first = _start(cache)
    assert first["pycountry"] and first["babel"] and cache.is_file()
    second = _start(cache)
    assert not second["pycountry"] and not second["babel"]
    # The same answers either way, and the real ones.
    assert {k: v for k, v in second.items() if k not in ("pycountry", "babel")} == \
           {k: v for k, v in first.items() if k not in ("pycountry", "babel")}
    assert (second["en"], second["xx"], second["krw"]) == (True, False, True)
    assert (second["korean"], second["won"], second["nowhere"], second["english"]) == \
           ("Korean", "South Korean won", None, "en")
    assert ["ar", "Arabic"] in second["languages"] and len(second["languages"]) > 150
    assert ["USD", "US dollar"] in second["currencies"]


def test_the_copy_holds_exactly_what_the_libraries_say(tmp_path):
    cache = tmp_path / "locale-data.json"
    locale_data.use_cache(cache)
    written = locale_data.stored_tables()
    assert written == locale_data.collect()
    locale_data.use_cache(cache)  # as a new start: the file is read back
    assert locale_data.stored_tables() == written
    assert json.loads(cache.read_text(encoding="utf-8"))["stamp"] == locale_data.library_stamp()


@pytest.mark.parametrize("content", [
    b"\x00\xff random bytes",
    b"[]",
    b'{"stamp": "pycountry 0.1; babel 0.1"}',  # another pycountry/babel wrote it
    "RIGHT_STAMP_WRONG_SHAPE",
    b"{" * 100_000,
    b" " * (locale_data.MAX_BYTES + 1),
], ids=["random", "not-a-table", "other-libraries", "wrong-shape", "deep", "oversized"])
def test_a_bad_copy_is_read_again_from_the_libraries_and_replaced(tmp_path, content):
    cache = tmp_path / "locale-data.json"
    if content == "RIGHT_STAMP_WRONG_SHAPE":
        content = json.dumps({"stamp": locale_data.library_stamp(), "iso639_1": 5, "iso4217": [],
                              "language_names": {}, "currency_names": {}}).encode()
    cache.write_bytes(content)
    locale_data.use_cache(cache)
    assert locale_data.stored_tables() == locale_data.collect()
    assert json.loads(cache.read_text(encoding="utf-8"))["stamp"] == locale_data.library_stamp()


def test_a_copy_that_cannot_be_written_only_costs_time(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    locale_data.use_cache(blocker / "locale-data.json")
    with caplog.at_level(logging.INFO, logger="console_app.core.locale_data"):
        tables = locale_data.stored_tables()
    assert tables is not None and "ko" in tables.iso639_1
    assert "not written" in caplog.text


def test_without_a_copy_nothing_is_kept():
    locale_data.use_cache(None)
    assert locale_data.stored_tables() is None
