"""The language and currency tables the form needs at every start, kept between starts.

Which codes are ISO 639-1 / ISO 4217 comes from pycountry, their English names from
babel (CLDR). Reading them costs ~100 ms on the GUI thread (pycountry indexes some
8,000 ISO 639-3 languages, babel loads its English locale), which the window paid on
every start just before it was ready to launch. So the window keeps what it read in
a small JSON file in its cache folder (:func:`use_cache`), stamped with the installed
pycountry and babel; the next start reads that in about a millisecond and imports
neither library until something else asks them.

The file is only a copy: a missing, stale, damaged, oversized or unwritable one means
the tables are read from the libraries again, as they are without a cache (the
command line, which reads them only when a request is checked).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Bumped when the file's layout changes (an old file is then read again from the libraries).
SCHEMA = 1
#: A real file is ~25 KB; anything much larger is not ours.
MAX_BYTES = 1_000_000
#: The one locale kept (the form names codes in English).
LOCALE = "en"


@dataclass(frozen=True)
class Tables:
    """ISO code sets (pycountry) and English names (babel) for languages and currencies."""

    iso639_1: frozenset[str]
    iso4217: frozenset[str]
    #: Every language code babel names in English (``"ko"`` -> ``"Korean"``), as babel has it.
    language_names: dict[str, str]
    #: Every currency code babel knows in English, with the name ``locale_names`` shows.
    currency_names: dict[str, str]


_cache_file: Path | None = None


def use_cache(path: Path | None) -> None:
    """Keep the tables in ``path`` between starts (None: read the libraries each time)."""
    global _cache_file
    _cache_file = path
    stored_tables.cache_clear()


@lru_cache(maxsize=1)
def stored_tables() -> Tables | None:
    """The tables when a cache file is in use (read from it, or from the libraries and
    then written to it); None when none is (callers then ask the libraries themselves,
    and only for what they need)."""
    path = _cache_file
    if path is None:
        return None
    stamp = library_stamp()
    tables = _read(path, stamp)
    if tables is None:
        tables = collect()
        _write(path, stamp, tables)
    return tables


def library_stamp() -> str:
    """What identifies the installed pycountry and babel (their files' size and time),
    found without importing them."""
    from importlib.util import find_spec

    parts = [f"schema {SCHEMA}"]
    for name in ("pycountry", "babel"):
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        try:
            info = os.stat(origin) if origin else None
        except OSError:
            info = None
        parts.append(f"{name} {info.st_size}:{info.st_mtime_ns}" if info else f"{name} missing")
    return "; ".join(parts)


def collect() -> Tables:
    """The tables, read from pycountry and babel."""
    import pycountry
    from babel import Locale
    from babel.numbers import get_currency_name

    locale: Any = Locale.parse(LOCALE)  # babel ships no type hints
    currency_names: dict[str, str] = {}
    for code in locale.currencies:
        name = get_currency_name(code, count=1, locale=locale)
        currency_names[code] = name[:1].upper() + name[1:]
    return Tables(
        iso639_1=frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")),
        iso4217=frozenset(currency.alpha_3 for currency in pycountry.currencies),
        language_names=dict(locale.languages),
        currency_names=currency_names,
    )


def _read(path: Path, stamp: str) -> Tables | None:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.info("locale cache %s unreadable (%s): reading pycountry and babel", path, exc)
        return None
    if len(raw) > MAX_BYTES:
        log.info("locale cache %s is over %d bytes: reading pycountry and babel", path, MAX_BYTES)
        return None
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("stamp") != stamp:
            return None  # another pycountry/babel (or schema) wrote it
        return Tables(
            iso639_1=frozenset(_strings(data["iso639_1"])),
            iso4217=frozenset(_strings(data["iso4217"])),
            language_names=_names(data["language_names"]),
            currency_names=_names(data["currency_names"]),
        )
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        log.info("locale cache %s is damaged (%s): reading pycountry and babel", path, exc)
        return None


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("a list of codes was expected")
    return value


def _names(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError("a table of names was expected")
    return value


def _write(path: Path, stamp: str, tables: Tables) -> None:
    from console_app.core.paths import write_atomically

    data = {
        "stamp": stamp,
        "iso639_1": sorted(tables.iso639_1),
        "iso4217": sorted(tables.iso4217),
        "language_names": tables.language_names,
        "currency_names": tables.currency_names,
    }
    try:
        write_atomically(path, json.dumps(data, ensure_ascii=False, sort_keys=True))
    except OSError as exc:
        # Only a copy: the next start reads the libraries again.
        log.info("locale cache %s not written (%s)", path, exc)
