"""Display names for language and currency codes, from maintained locale data.

Names come from babel (CLDR); which codes are valid ISO 639-1 / ISO 4217 comes from
:mod:`console_app.core.validation` (pycountry). babel is imported on first use, not
with this module: its import plus its first locale load cost about 50 ms, which
start-up should not pay before the form needs a name. Every lookup is cached, and the
window keeps its English names between starts (:mod:`.locale_data`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from console_app.core import locale_data
from console_app.core.validation import is_iso639_1, is_iso4217

__all__ = [
    "all_currencies",
    "all_languages",
    "currency_name",
    "is_iso4217",
    "is_iso639_1",
    "language_code_for_name",
    "language_name",
]


@lru_cache(maxsize=8)
def _locale(locale: str) -> Any:  # a babel.Locale (babel ships no type hints)
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


def _stored(locale: str) -> locale_data.Tables | None:
    return locale_data.stored_tables() if locale == locale_data.LOCALE else None


@lru_cache(maxsize=2048)
def language_name(code: str, locale: str = "en") -> str | None:
    """``"ko"`` -> ``"Korean"`` (in ``locale``); None for a code babel does not know."""
    if not code:
        return None
    stored = _stored(locale)
    names = stored.language_names if stored is not None else _locale(locale).languages
    name: str | None = names.get(code.strip().lower())
    return name


@lru_cache(maxsize=2048)
def currency_name(code: str, locale: str = "en") -> str | None:
    """``"KRW"`` -> ``"South Korean won"`` (CLDR's singular form, as in running text, first
    letter capitalised); None for a code babel does not know."""
    if not code:
        return None
    code = code.strip().upper()
    stored = _stored(locale)
    if stored is not None:
        return stored.currency_names.get(code)
    if code not in _locale(locale).currencies:
        return None
    from babel.numbers import get_currency_name

    name = get_currency_name(code, count=1, locale=_locale(locale))
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=8)
def all_languages(locale: str = "en") -> tuple[tuple[str, str], ...]:
    """Every ISO 639-1 code babel can name, with its name, sorted by code."""
    stored = _stored(locale)
    names = stored.language_names if stored is not None else _locale(locale).languages
    return tuple(sorted((code, name) for code, name in names.items() if len(code) == 2 and is_iso639_1(code)))


@lru_cache(maxsize=8)
def all_currencies(locale: str = "en") -> tuple[tuple[str, str], ...]:
    """Every current ISO 4217 code with its name, sorted by code (historic ones left out)."""
    stored = _stored(locale)
    known = stored.currency_names if stored is not None else _locale(locale).currencies
    codes = sorted(code for code in known if is_iso4217(code))
    return tuple((code, currency_name(code, locale) or code) for code in codes)


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.casefold())


@lru_cache(maxsize=1)
def _language_names_to_codes() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, name in all_languages("en"):
        table.setdefault(_name_key(name), code)
    return table


def language_code_for_name(name: str) -> str | None:
    """``"English"`` / ``"english "`` -> ``"en"``; None when no ISO 639-1 language has that
    English name."""
    return _language_names_to_codes().get(_name_key(name))
