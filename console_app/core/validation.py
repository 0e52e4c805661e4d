"""Advisory checks of an ENTER request, by field, in plain words.

Nothing here blocks: QA must be able to send a deliberately invalid request, so the
caller decides what to do with the problems (the CLI blocks errors unless
``--allow-invalid``; the window shows them beside the fields).

Language and currency tables come from pycountry (ISO 639 / ISO 4217), not from a
hand-typed list (the window keeps a copy between starts: :mod:`.locale_data`).

A problem that offers a fix also says where the fix differs from what was typed
(:class:`Difference`), so the UI can highlight the characters: ``I`` and ``l`` look
the same in most interface fonts.
"""

from __future__ import annotations

import difflib
import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from console_app.core import locale_data
from console_app.core.models import LaunchRequest

Severity = Literal["error", "warning"]

#: The spec sets no length for ``player.nickname``; past this many characters the
#: console warns, as a game's player badge shows a short name and may cut or refuse
#: a long one. A default, not a documented limit.
NICKNAME_WARN_LENGTH = 32
#: ISO 4217 codes that are valid but name no money a player could hold.
NOT_MONEY = {
    "XXX": "ISO 4217's code for \"no currency\"",
    "XTS": "ISO 4217's code reserved for testing",
}
# Characters that look alike in interface fonts, as a message names them.
_LOOKALIKES = {"I": "capital I", "l": "lower-case L", "1": "the digit 1", "|": "a vertical bar",
               "O": "capital O", "0": "the digit 0"}


@dataclass(frozen=True)
class Difference:
    """Where a typed value and its suggested fix differ.

    ``spans`` pairs a ``(start, end)`` character range of ``typed`` with the range of
    ``suggestion`` that replaces it; an empty range (``start == end``) is an insertion
    point (the fix adds or drops characters there)."""

    typed: str
    suggestion: str
    spans: tuple[tuple[tuple[int, int], tuple[int, int]], ...]

    def segments(self, side: Literal["typed", "suggestion"] = "suggestion") -> list[tuple[str, bool]]:
        """One side cut into ``(text, differs)`` runs, for a UI to escape and highlight:
        ``[("l", True), ("m_60_tumblefortune", False)]``. An insertion point on that side
        is an empty run that differs."""
        text = self.typed if side == "typed" else self.suggestion
        cuts = [t if side == "typed" else s for t, s in self.spans]
        runs, last = [], 0
        for start, end in cuts:
            if start > last:
                runs.append((text[last:start], False))
            runs.append((text[start:end], True))
            last = end
        if last < len(text):
            runs.append((text[last:], False))
        return runs

    def plain(self, left: str = "[", right: str = "]") -> str:
        """A plain-text rendering with each differing run marked:
        ``[I]m_60_tumblefortune → [l]m_60_tumblefortune``."""
        def marked(side: Literal["typed", "suggestion"]) -> str:
            return "".join(f"{left}{text}{right}" if differs else text for text, differs in self.segments(side))

        return f"{marked('typed')} → {marked('suggestion')}"

    def lookalikes(self) -> list[tuple[str, str]]:
        """``(typed, fixed)`` single characters that were swapped for a look-alike,
        e.g. ``[("I", "l")]``."""
        pairs = []
        for (t0, t1), (s0, s1) in self.spans:
            typed, fixed = self.typed[t0:t1], self.suggestion[s0:s1]
            if len(typed) == len(fixed) == 1 and typed in _LOOKALIKES and fixed in _LOOKALIKES \
                    and typed.casefold() != fixed.casefold():
                pairs.append((typed, fixed))
        return pairs


def difference(typed: str, suggestion: str) -> Difference:
    """The character runs where ``suggestion`` differs from ``typed``."""
    matcher = difflib.SequenceMatcher(None, typed, suggestion, autojunk=False)
    spans = tuple(((i1, i2), (j1, j2)) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")
    return Difference(typed, suggestion, spans)


def lookalike_note(typed: str, suggestion: str) -> str:
    """`` (capital I typed for lower-case L)`` when the fix swaps look-alike characters,
    else ``""``: the words a message appends so a reader sees what the font hides."""
    pairs = difference(typed, suggestion).lookalikes()
    if not pairs:
        return ""
    said = "; ".join(f"{_LOOKALIKES[a]} typed for {_LOOKALIKES[b]}" for a, b in dict.fromkeys(pairs))
    return f" ({said})"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) with one field; ``field`` uses body paths such as
    ``player.language``."""

    field: str
    message: str
    severity: Severity = "error"
    #: A replacement value the UI may offer with one click (e.g. ``"en"`` for ``"EN"``).
    suggestion: str | None = None
    #: Where ``suggestion`` differs from the typed value (set whenever ``suggestion`` is).
    difference: Difference | None = None

    def offering(self, typed: str, suggestion: str) -> Problem:
        """This problem with ``suggestion`` as its fix for the value ``typed``."""
        from dataclasses import replace

        return replace(self, suggestion=suggestion, difference=difference(typed, suggestion))


def _languages() -> frozenset[str]:
    stored = locale_data.stored_tables()
    return stored.iso639_1 if stored is not None else _pycountry_languages()


def _currencies() -> frozenset[str]:
    stored = locale_data.stored_tables()
    return stored.iso4217 if stored is not None else _pycountry_currencies()


@lru_cache(maxsize=1)
def _pycountry_languages() -> frozenset[str]:
    import pycountry

    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


@lru_cache(maxsize=1)
def _pycountry_currencies() -> frozenset[str]:
    import pycountry

    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def is_iso639_1(code: str) -> bool:
    """True for a lower-case ISO 639-1 two-letter language code."""
    return code in _languages()


def is_iso4217(code: str) -> bool:
    """True for an ISO 4217 three-letter currency code (upper case)."""
    return code in _currencies()


def validate(request: LaunchRequest) -> list[Problem]:
    """Every problem with ``request``, in body order; ``[]`` when it looks right."""
    problems: list[Problem] = []
    _check_gametype(request.gametype, problems)
    for field, value, what in (
        ("gameid", request.gameid, "game ID"),
        ("player.id", request.player_id, "player ID"),
        ("player.nickname", request.nickname, "nickname"),
    ):
        _check_present(field, value, what, problems)
    _check_nickname_length(request.nickname, problems)
    _check_gameid_typo(request.gameid, problems)
    _check_language(request.language, problems)
    _check_currency(request.currency, problems)
    _check_present("player.session.id", request.session_id, "session ID", problems)
    _check_ip(request.ip, problems)
    return problems


def check_uuid(value: str | None) -> list[Problem]:
    """A problem when ``value`` (a uuid given by hand) is not a canonical uuid4;
    ``None`` (a fresh one will be made) is fine."""
    if value is None:
        return []
    import uuid

    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return [Problem("uuid", f"{value!r} is not a uuid; leave it out to get a fresh uuid4")]
    if parsed.version != 4 or str(parsed) != value:
        return [Problem("uuid", f"{value!r} is not a canonical uuid4 (lower-case, hyphenated, version 4)")]
    return []


def errors_only(problems: list[Problem]) -> list[Problem]:
    """The problems of severity ``error``."""
    return [p for p in problems if p.severity == "error"]


def _check_present(field: str, value: str, what: str, problems: list[Problem]) -> None:
    if not value.strip():
        problems.append(Problem(field, f"the {what} is empty; fill it in"))
    elif value != value.strip():
        problems.append(
            Problem(field, f"the {what} has spaces at the start or end; they are sent as typed", "warning")
        )


def _check_gametype(gametype: str, problems: list[Problem]) -> None:
    if gametype == "slot":
        return
    if gametype == "table":
        problems.append(
            Problem("gametype", "table games are not available yet; LuckyMonaco will probably refuse it", "warning")
        )
    elif gametype.strip().lower() in ("slot", "table"):
        problems.append(Problem("gametype", f"{gametype!r} must be written {gametype.strip().lower()!r}"))
    else:
        problems.append(Problem("gametype", f"{gametype!r} is not a game type; use 'slot' (or 'table')"))


def _check_nickname_length(nickname: str, problems: list[Problem]) -> None:
    if len(nickname) > NICKNAME_WARN_LENGTH:
        problems.append(Problem(
            "player.nickname",
            f"the nickname is {len(nickname)} characters long; a game may cut it short or refuse it "
            f"(the spec sets no limit; the console warns above {NICKNAME_WARN_LENGTH})",
            "warning",
        ))


def _check_gameid_typo(gameid: str, problems: list[Problem]) -> None:
    # "Im_60_..." (capital I for l) appears in partner material and looks right on screen.
    if gameid.startswith("Im_"):
        problem = Problem(
            "gameid", f"{gameid!r} starts with a capital I; game IDs start with 'lm_' (lower-case L)", "warning")
        problems.append(problem.offering(gameid, "lm_" + gameid[3:]))


def _check_language(language: str, problems: list[Problem]) -> None:
    field = "player.language"
    if not language:
        problems.append(Problem(field, "the language is empty; use a two-letter ISO 639-1 code such as 'en'"))
    elif is_iso639_1(language):
        return
    elif is_iso639_1(language.strip().lower()):
        fixed = language.strip().lower()
        problems.append(
            Problem(field, f"{language!r} must be written {fixed!r} (lower-case ISO 639-1)").offering(language, fixed)
        )
    else:
        problems.append(
            Problem(field, f"{language!r} is not an ISO 639-1 language code; use two letters such as 'en' or 'ja'")
        )


def _check_currency(currency: str, problems: list[Problem]) -> None:
    field = "player.currency"
    if not currency:
        problems.append(Problem(field, "the currency is empty; use a three-letter ISO 4217 code such as 'USD'"))
    elif currency in NOT_MONEY:
        problems.append(Problem(
            field, f"{currency!r} is {NOT_MONEY[currency]}, not money a game can show; "
            "use the player's real currency", "warning"))
    elif is_iso4217(currency):
        return
    elif is_iso4217(currency.strip().upper()):
        fixed = currency.strip().upper()
        problems.append(
            Problem(field, f"{currency!r} must be written {fixed!r} (upper-case ISO 4217)").offering(currency, fixed)
        )
    elif len(currency) == 3 and currency.isascii() and currency.isalpha() and currency.isupper():
        # Partners use codes outside ISO 4217 (e.g. IDX); LuckyMonaco may accept them.
        problems.append(Problem(field, f"{currency!r} is not an ISO 4217 code; sent as typed", "warning"))
    else:
        problems.append(
            Problem(field, f"{currency!r} is not a currency code; use three capital letters such as 'USD'")
        )


def _check_ip(ip: str, problems: list[Problem]) -> None:
    field = "player.session.ip"
    if not ip:
        problems.append(Problem(field, "the IP address is empty; use the player's IPv4 or IPv6 address"))
        return
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        problems.append(
            Problem(field, f"{ip!r} is not an IPv4 or IPv6 address; use a form such as 203.0.113.7 or 2001:db8::1")
        )
