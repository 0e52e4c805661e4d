"""Pieces shared by the commands that send requests (``launch``, capture, history
replay, snapshot, catalog fetch): target and request options, reading the token
safely, :func:`open_target`, which also starts and stops the embedded sandbox, and
:func:`call_api`, the one way a command calls the API.

No option ever takes the token itself: it would end up in shell history and in the
process list. The token comes from an environment variable, stdin or a profile.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from console_app.core.errors import InvalidInputError
from console_app.core.models import MAX_RETRIES, MAX_SECONDS, ApiTarget, ClientSettings, LaunchRequest
from console_app.core.redaction import Secret

if TYPE_CHECKING:
    from console_app.core.session import ApiSession

#: The request fields: (option, LaunchRequest attribute, metavar, help).
REQUEST_FIELDS = (
    ("--game-id", "gameid", "G", "game ID from SLOT_SPEC, e.g. lm_8_treasureofzeus"),
    ("--player-id", "player_id", "P", "the player's ID at the partner"),
    ("--nickname", "nickname", "N", "the player's nickname"),
    ("--language", "language", "xx", "ISO 639-1 language code, e.g. en"),
    ("--currency", "currency", "XXX", "ISO 4217 currency code, e.g. USD"),
    ("--session-id", "session_id", "S", "the player's session ID at the partner"),
    ("--ip", "ip", "IP", "the player's IPv4 or IPv6 address"),
)



class Bounded:
    """The argparse ``type`` of every number option: one rule for all of them. The
    text must be a finite number (whole for ``int``) from ``low`` to ``high``;
    ``above_low`` excludes ``low`` itself (a timeout of 0 is no timeout)."""

    def __init__(self, kind: type[int] | type[float], low: float, high: float, *,
                 above_low: bool = False, what: str = "", rule: str = "") -> None:
        self.kind, self.low, self.high, self.above_low = kind, low, high, above_low
        noun = what or ("a whole number" if kind is int else "a number")
        bound = f"above {low:g}" if above_low else f"from {low:g}"
        self.rule = rule or f"must be {noun} {bound} to {high:g}"
        self.__name__ = noun  # argparse names the type in some of its messages

    def __call__(self, text: str) -> int | float:
        try:
            value = self.kind(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} {self.rule}") from None
        if not (self.low < value if self.above_low else self.low <= value) or not value <= self.high:
            # NaN fails both comparisons; inf fails the upper bound.
            raise argparse.ArgumentTypeError(f"{text!r} {self.rule}")
        return value


#: ``--retries``: as a profile's retries.
RETRIES = Bounded(int, 0, MAX_RETRIES)
#: ``--timeout``, ``--deadline``, ``--connect-timeout``: as a profile's timeouts.
SECONDS = Bounded(float, 0, MAX_SECONDS, above_low=True, what="a number of seconds")
#: ``--limit``: how many entries to list.
COUNT = Bounded(int, 1, 1_000_000)
#: A history entry ID (SQLite integers are 64-bit).
ENTRY_ID = Bounded(int, 1, 2**63 - 1, what="an entry ID",
                   rule="must be an entry ID, a whole number from 1 (the first column of lm-console history)")
#: ``--port``; 0 picks a free one.
PORT = Bounded(int, 0, 65535, what="a port number")


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """``--profile NAME | --api-url URL --partner-id ID`` and ``--token-env VAR | --token-stdin``."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--profile", metavar="NAME", help="send with a saved profile")
    where.add_argument("--api-url", metavar="URL", help="the API base URL (https://...); needs --partner-id and a token")
    parser.add_argument("--partner-id", metavar="ID", help="the Partner ID (MEMB_ID) for --api-url")
    token = parser.add_mutually_exclusive_group()
    token.add_argument("--token-env", metavar="VAR", help="read the partner token (HASH) from environment variable VAR")
    token.add_argument("--token-stdin", action="store_true", help="read the partner token (HASH) from the first line of stdin")


def add_request_options(parser: argparse.ArgumentParser, required: bool = True) -> None:
    """The ENTER fields; with ``required=False`` missing ones are checked by
    :func:`request_from_args` (so the sandbox can fill in a demo player)."""
    group = parser.add_argument_group("request")
    for option, dest, metavar, help_text in REQUEST_FIELDS[:1]:
        group.add_argument(option, dest=dest, metavar=metavar, required=required, help=help_text)
    group.add_argument(
        "--game-type", dest="gametype", metavar="slot|table", default="slot", help="slot (default) or table"
    )
    for option, dest, metavar, help_text in REQUEST_FIELDS[1:]:
        group.add_argument(option, dest=dest, metavar=metavar, required=required, help=help_text)


def uses_sandbox(args: argparse.Namespace) -> bool:
    """True when neither ``--profile`` nor ``--api-url`` was given."""
    return not getattr(args, "profile", None) and not getattr(args, "api_url", None)


def request_from_args(args: argparse.Namespace, defaults: dict[str, str] | None = None) -> LaunchRequest:
    """The :class:`LaunchRequest` the options describe (not validated).

    Missing fields come from ``defaults``; any still missing raise
    :class:`InvalidInputError` naming every missing option.
    """
    values: dict[str, str] = {}
    missing: list[str] = []
    for option, dest, _metavar, _help in REQUEST_FIELDS:
        value = getattr(args, dest, None)
        if value is None and defaults:
            value = defaults.get(dest)
        if value is None:
            missing.append(option)
        else:
            values[dest] = value
    if missing:
        raise InvalidInputError(
            f"missing {', '.join(missing)} (nothing sent); give every request field "
            "(only the built-in sandbox fills in a demo player)"
        )
    return LaunchRequest(gametype=getattr(args, "gametype", None) or "slot", **values)


def settings_from_args(args: argparse.Namespace, base: ClientSettings | None = None) -> ClientSettings:
    """``base`` (by default the ``--profile``'s network settings, else the defaults)
    with ``--retries`` / ``--timeout`` applied."""
    if base is None and getattr(args, "profile", None):
        from console_app.core.profiles import ProfileStore

        base = ProfileStore(args.paths).get(args.profile).client_settings()
    settings = base or ClientSettings()
    if getattr(args, "retries", None) is not None:
        settings = replace(settings, retries=args.retries)
    if getattr(args, "timeout", None) is not None:
        settings = replace(settings, deadline=args.timeout)
    return settings


def call_api[T](settings: ClientSettings, call: Callable[[ApiSession], Awaitable[T]]) -> T:
    """``call(session)`` run to its end on a new event loop, over an API session made
    from ``settings`` and closed afterwards."""
    import asyncio

    from console_app.core.session import api_session

    async def main() -> T:
        async with api_session(settings) as session:
            return await call(session)

    return asyncio.run(main())


def read_token(args: argparse.Namespace) -> Secret:
    """The partner token from ``--token-env VAR`` or ``--token-stdin``."""
    if getattr(args, "token_env", None):
        value = os.environ.get(args.token_env, "").strip()
        if not value:
            raise InvalidInputError(
                f"the environment variable {args.token_env} is empty or not set; "
                f"export {args.token_env} with the partner token first"
            )
        return Secret(value)
    if getattr(args, "token_stdin", False):
        value = sys.stdin.readline().strip()
        if not value:
            raise InvalidInputError("--token-stdin read an empty line; pipe the partner token into lm-console")
        return Secret(value)
    raise InvalidInputError(
        "--api-url needs the partner token: use --token-env VAR or --token-stdin "
        "(never on the command line, where shell history would keep it)"
    )


@contextmanager
def open_target(args: argparse.Namespace) -> Iterator[ApiTarget]:
    """The :class:`ApiTarget` the options name; with neither ``--profile`` nor
    ``--api-url`` an embedded sandbox runs for the duration of the block."""
    if getattr(args, "profile", None):
        yield _target_from_profile(args)
    elif getattr(args, "api_url", None):
        yield _target_from_flags(args)
    else:
        with _embedded_sandbox() as target:
            yield target


def _target_from_flags(args: argparse.Namespace) -> ApiTarget:
    from console_app.core.profiles import api_url_problem

    url = args.api_url.strip()
    problem = api_url_problem(url)
    if problem:
        raise InvalidInputError(f"--api-url: {problem} (nothing sent)")
    if not getattr(args, "partner_id", None):
        raise InvalidInputError("--api-url needs --partner-id ID (the MEMB_ID LuckyMonaco gave you)")
    return ApiTarget(
        api_url=url,
        partner_id=args.partner_id,
        token=read_token(args),
        profile_name="command line",
        profile_kind="adhoc",
    )


def _target_from_profile(args: argparse.Namespace) -> ApiTarget:
    """The target of the saved profile ``args.profile``: its token from ``--token-env`` /
    ``--token-stdin`` when given (this run only), else from the OS keyring, and only for
    the API host it was stored for."""
    from console_app.core.credentials import CredentialStore
    from console_app.core.errors import ProfileError
    from console_app.core.profiles import ProfileStore, target_for, target_from_store

    profile = ProfileStore(args.paths).get(args.profile)
    if profile.is_embedded:
        raise ProfileError(f"'{profile.name}' is the embedded sandbox: leave out --profile to use it")
    if getattr(args, "token_env", None) or getattr(args, "token_stdin", False):
        return target_for(profile, read_token(args), from_store=False)
    return target_from_store(profile, CredentialStore())


@contextmanager
def _embedded_sandbox() -> Iterator[ApiTarget]:
    from console_app.sandbox.server import DEFAULT_PARTNER_ID, DEFAULT_TOKEN, SandboxServer

    server = SandboxServer(partner_id=DEFAULT_PARTNER_ID, token=DEFAULT_TOKEN, port=0)
    server.start()
    try:
        yield server.api_target()
    finally:
        server.stop()
