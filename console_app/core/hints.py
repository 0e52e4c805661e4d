"""Soft, catalog-aware hints for an ENTER request: never blocking, often with a
one-click fix.

- an unknown game ID gets the closest known ones ("did you mean
  lm_60_tumblefortune?"), catching the ``Im_``/``lm_`` confusion and case slips;
- ``EN`` suggests ``en``, ``usd`` suggests ``USD``;
- a language or currency the catalog does not list is flagged (a warning: it can
  still be sent — QA sends such requests on purpose).

Hints are :class:`~console_app.core.validation.Problem` objects (severity
``"warning"``, ``suggestion`` and ``difference`` set when there is a fix; a fix that
swaps look-alike characters says so in words, e.g. "capital I typed for lower-case L"). :func:`review` merges them
with :func:`~console_app.core.validation.validate` into the one list the form and
the CLI show.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import replace

from console_app.core.catalog import Catalog
from console_app.core.models import LaunchRequest
from console_app.core.validation import Problem, is_iso639_1, is_iso4217, lookalike_note, validate

#: How many "did you mean" candidates a message names.
MAX_SUGGESTIONS = 3
# difflib ratio below which a known ID is not offered as "close".
_CUTOFF = 0.6


def _game_key(game_id: str) -> str:
    """The form typos collapse to: case folded, a leading ``Im_`` read as ``lm_``."""
    key = game_id.strip().casefold()
    return "lm_" + key[3:] if key.startswith("im_") else key


def closest_game_ids(game_id: str, catalog: Catalog, n: int = MAX_SUGGESTIONS) -> list[str]:
    """Known IDs closest to ``game_id``, best first; an ID equal up to case, stray
    spaces or ``Im_``/``lm_`` comes first."""
    key = _game_key(game_id)
    if not key:
        return []
    by_key: dict[str, str] = {}
    for known in catalog.game_ids:
        by_key.setdefault(_game_key(known), known)
    exact = by_key.get(key)
    close = difflib.get_close_matches(key, list(by_key), n=n, cutoff=_CUTOFF)
    # A bare number or name fragment ("60", "tumble") is a common way to look for a game.
    fragment = [by_key[k] for k in by_key if len(key) >= 2 and key in k and k not in close][:n]
    ordered = ([exact] if exact else []) + [by_key[k] for k in close] + fragment
    return list(dict.fromkeys(ordered))[:n]


def _quoted_choices(items: list[str]) -> str:
    quoted = [f"'{item}'" for item in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" or {quoted[-1]}"


def _catalog_name(catalog: Catalog) -> str:
    return {"sample": "sample catalog", "slot_spec": "SLOT_SPEC catalog", "live": "live game list"}.get(
        catalog.label, "catalog"
    )


def _listing(codes: tuple[str, ...], limit: int = 8) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (", ..." if len(codes) > limit else "")


def _game_hints(request: LaunchRequest, catalog: Catalog) -> list[Problem]:
    game_id = request.gameid
    if not game_id.strip() or not catalog.games or catalog.game(game_id) is not None:
        return []
    where = _catalog_name(catalog)
    candidates = closest_game_ids(game_id, catalog)
    if not candidates:
        return [Problem("gameid", f"{game_id!r} is not in the {where}; it is sent as typed", "warning")]
    best = candidates[0]
    message = f"{game_id!r} is not in the {where}; did you mean {_quoted_choices(candidates)}?"
    return [Problem("gameid", message + lookalike_note(game_id, best), "warning").offering(game_id, best)]


_PLURAL = {"language": "languages", "currency": "currencies"}


def _code_hints(field: str, what: str, value: str, supported: tuple[str, ...], fixed: str,
                is_valid: Callable[[str], bool]) -> list[Problem]:
    if not value.strip():
        return []
    if value != fixed and (fixed in supported or is_valid(fixed)):
        # A spelling fix: "EN" -> "en". validate() says why; here the fix is offered.
        return [Problem(field, f"did you mean {fixed!r}?", "warning").offering(value, fixed)]
    if supported and value not in supported:
        return [
            Problem(
                field,
                f"{what} {value!r} is not among the catalog's {_PLURAL[what]} ({_listing(supported)}); "
                "it is sent as typed",
                "warning",
            )
        ]
    return []


def hints_for(request: LaunchRequest, catalog: Catalog) -> list[Problem]:
    """Catalog-aware hints for ``request`` (all severity ``"warning"``), in body order.

    Checks that need a catalog are skipped when the catalog lists nothing of that
    kind (e.g. a SLOT_SPEC without a currency sheet)."""
    hints = _game_hints(request, catalog)
    hints += _code_hints("player.language", "language", request.language, catalog.languages,
                         request.language.strip().lower(), is_iso639_1)
    hints += _code_hints("player.currency", "currency", request.currency, catalog.currencies,
                         request.currency.strip().upper(), is_iso4217)
    return hints


def review(request: LaunchRequest, catalog: Catalog) -> list[Problem]:
    """:func:`validate` plus :func:`hints_for`, one entry per finding: where a hint only
    offers a fix for something ``validate`` already reported, the fix is attached to
    that problem instead of listed twice."""
    problems = validate(request)
    for hint in hints_for(request, catalog):
        same_field = [i for i, p in enumerate(problems) if p.field == hint.field]
        if hint.suggestion and same_field and hint.message.startswith("did you mean"):
            index = same_field[0]
            if problems[index].suggestion is None:
                problems[index] = replace(problems[index], suggestion=hint.suggestion, difference=hint.difference)
        elif hint.field == "gameid" and hint.suggestion:
            # validate()'s "capital I" warning and this "did you mean" say one thing.
            problems = [p for p in problems if not (p.field == "gameid" and p.severity == "warning")]
            problems.append(hint)
        else:
            problems.append(hint)
    order = {name: i for i, name in enumerate(
        ("gametype", "gameid", "player.id", "player.nickname", "player.language", "player.currency",
         "player.session.id", "player.session.ip"))}
    return sorted(problems, key=lambda p: order.get(p.field, len(order)))
