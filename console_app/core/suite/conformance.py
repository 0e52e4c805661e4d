"""The built-in conformance suite: cases derived from the API spec
(``/api/session``), runnable against any environment.

Where the spec says what must happen (a missing field is a ``V.*`` validation
failure, a wrong partner ID or token is refused, a table game is not available yet)
the case expects it. Where the spec is silent (an ISO-valid language the catalog
does not list, an over-long field, two launches at once, reopening a used game URL)
the case only records what the environment did: its report is the environment's
observed contract, and two runs can be diffed.
"""

from __future__ import annotations

from typing import Any

from console_app.core.models import LaunchRequest
from console_app.core.suite.loader import AUTO
from console_app.core.suite.model import DEVICES, Case, Expectation, Suite

NAME = "conformance"
#: Body paths of the ENTER fields, in the spec's order.
FIELDS = ("uuid", "gametype", "gameid", "player.id", "player.nickname", "player.language",
          "player.currency", "player.session.id", "player.session.ip")
#: Fields sent 10,000 characters long (the spec gives no limit: observed only).
LONG_FIELDS = ("gameid", "player.id", "player.nickname", "player.session.id")
LONG = "x" * 10_000

_REFUSED = Expectation(outcome="api_error", code_prefix="V.")
_OBSERVE = Expectation()


def conformance_suite(game_id: str = "lm_8_treasureofzeus", *, language: str = "en", currency: str = "USD",
                      check_games: bool = False, reopen_after: float = 0.0) -> Suite:
    """The conformance cases for a happy ``game_id`` (from the profile's catalog).

    ``check_games`` also opens the game of the happy paths (needs a game checker)."""
    base = LaunchRequest(gameid=game_id, player_id="conformance-player", nickname="Conformance",
                         language=language, currency=currency, session_id=AUTO, ip="203.0.113.7")
    happy = Expectation(outcome="success", game="loads" if check_games else None)
    cases: list[Case] = [Case("happy path", base, happy, group="happy path")]

    def add(group: str, name: str, expect: Expectation, **options: Any) -> None:
        request = options.pop("request", base)
        cases.append(Case(f"{group}: {name}", request, expect, group=group, **options))

    for path in FIELDS:
        add("missing field", path, _REFUSED, omit=(path,))
    for path in FIELDS:
        add("empty field", path, _REFUSED, override=((path, ""),))
    for path in FIELDS:
        add("wrong type", f"{path} as a number", _REFUSED, override=((path, 12345),))
    for path in LONG_FIELDS:
        add("too long", f"{path} of {len(LONG):,} characters", _OBSERVE, override=((path, LONG),))
    for name, value, expect in (
        ("ISO-invalid 'xx'", "xx", _REFUSED),
        ("wrong case 'EN'", "EN", _REFUSED),
        ("ISO-valid but not in the catalog 'de'", "de", _OBSERVE),
    ):
        add("language", name, expect, request=base.with_changes(language=value))
    for name, value, expect in (
        ("ISO-invalid 'US'", "US", _REFUSED),
        ("wrong case 'usd'", "usd", _REFUSED),
        ("ISO-valid but not in the catalog 'CHF'", "CHF", _OBSERVE),
        ("outside ISO 4217 'IDX'", "IDX", _OBSERVE),
    ):
        add("currency", name, expect, request=base.with_changes(currency=value))
    add("uuid", "not a uuid", _REFUSED, uuid="not-a-uuid")
    add("uuid", "a version-1 uuid", _REFUSED, uuid="6fa459ea-ee8a-11e0-a7c5-0800200c9a66")
    add("uuid", "reused", Expectation(outcome="api_error"), send="same_uuid_twice")
    add("game", "unknown game ID", Expectation(outcome="api_error"),
        request=base.with_changes(gameid="lm_999_nosuchgame"))
    add("game", "capital-I typo 'Im_60_tumblefortune'", Expectation(outcome="api_error"),
        request=base.with_changes(gameid="Im_60_tumblefortune"))
    add("game", "table game", Expectation(outcome="api_error"), request=base.with_changes(gametype="table"))
    add("credentials", "wrong partner ID", Expectation(outcome="api_error", code_prefix="G."),
        wrong_credentials="partner_id")
    add("credentials", "wrong token", Expectation(outcome="api_error", code_prefix="G."),
        wrong_credentials="token")
    for number in (1, 2, 3):
        # Same player and session for the pair (a fixed session ID, not "auto").
        add("session", f"two simultaneous launches #{number}", _OBSERVE, send="two_at_once",
            request=base.with_changes(session_id=f"conformance-twice-{number}"))
    add("session", "reopen the game URL after use", _OBSERVE, send="reopen")
    if reopen_after:
        add("session", f"reopen the game URL after {reopen_after:g} s", _OBSERVE, send="reopen",
            reopen_after=reopen_after)
    for device in DEVICES:
        add("device", f"happy path on {device}", happy, device=device)
    return Suite(NAME, tuple(Case(**{**case.__dict__, "index": i}) for i, case in enumerate(cases)),
                 source="built-in")


def consistency(document: dict[str, Any]) -> str | None:
    """Whether the repeated two-at-once launches behaved the same every time."""
    seen = {case.get("observed", "").split(" (")[0] for case in document["cases"]
            if case.get("name", "").startswith("session: two simultaneous launches")}
    if not seen:
        return None
    return "the same every time" if len(seen) == 1 else "NOT the same every time: " + "; ".join(sorted(seen))
