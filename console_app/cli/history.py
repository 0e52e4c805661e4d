"""``lm-console history`` (list, show, replay, curl, export) and ``lm-console snapshot``.

Every attempt the console makes is in the history store (see
:mod:`console_app.core.history`); these commands read it, replay entries (recorded
with ``replay_of``) and call the round-snapshot endpoint. Nothing printed here holds
the partner token: the cURL command reads it from ``$LM_TOKEN``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from console_app.cli.common import (
    COUNT,
    ENTRY_ID,
    SECONDS,
    add_target_options,
    call_api,
    open_target,
    read_token,
    settings_from_args,
)
from console_app.core.errors import ConsoleError, HistoryError, InvalidInputError
from console_app.core.history import Entry, HistoryStore, recorder
from console_app.core.messages import history_not_saved
from console_app.core.models import ApiTarget, Attempt, ClientSettings, LaunchRequest
from console_app.core.redaction import redact

#: What ``history --json`` promises per attempt (more may follow; never fewer).
LIST_FIELDS = ("id", "time", "profile", "profile_kind", "api_url", "endpoint", "uuid", "launch_id",
               "attempt", "game_id", "player_id", "session_id", "outcome", "http_status",
               "error_code", "error_message", "duration_ms", "replay_of")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``history`` (with its sub-commands) and ``snapshot``."""
    history = subparsers.add_parser(
        "history",
        help="list, search, replay and export past attempts",
        description="Every attempt (retries, errors and cancellations included), newest first.",
    )
    history.add_argument("--json", action="store_true", help="print a JSON array, one object per attempt")
    history.add_argument("--limit", type=COUNT, default=50, metavar="N", help="at most N entries (default 50)")
    history.add_argument("--search", metavar="TEXT",
                         help="player ID, session ID, game ID, uuid, error code or any text")
    history.add_argument("--outcome", choices=("success", "api_error", "transport_error", "bad_answer",
                                               "cancelled", "invalid", "unanswered"),
                         help="only this outcome (unanswered: sent, and the console stopped before the answer)")
    history.add_argument("--profile", metavar="NAME", help="only this profile")
    history.set_defaults(handler=run_list)
    actions = history.add_subparsers(dest="history_command", metavar="ACTION")

    show = actions.add_parser("show", help="one entry in full")
    show.add_argument("id", type=ENTRY_ID)
    show.add_argument("--json", action="store_true", help="print the entry as one JSON object")
    show.set_defaults(handler=run_show)

    replay = actions.add_parser(
        "replay", help="send an entry's request again (new uuid unless --same-uuid)",
        description="Send the entry's request again through its profile as it is now (its API URL, "
                    "partner ID and the token from the keyring, unless --token-env/--token-stdin give "
                    "one). If the profile now points at another host than the entry went to, nothing is "
                    "sent unless --to-current-host. Sandbox entries replay against a fresh built-in "
                    "sandbox; --api-url entries go to their own URL with the token you give.",
    )
    replay.add_argument("id", type=ENTRY_ID)
    replay.add_argument("--same-uuid", action="store_true",
                        help="reuse the entry's uuid (to test the API's duplicate-uuid handling)")
    token = replay.add_mutually_exclusive_group()
    token.add_argument("--token-env", metavar="VAR", help="read the partner token from environment variable VAR")
    token.add_argument("--token-stdin", action="store_true", help="read the partner token from stdin")
    replay.add_argument("--to-current-host", action="store_true",
                        help="the profile now points at another host: replay there (its token is for it)")
    replay.add_argument("--json", action="store_true", help="print the new entries as JSON")
    replay.set_defaults(handler=run_replay)

    curl = actions.add_parser("curl", help='the request as a cURL command (token as "$LM_TOKEN")')
    curl.add_argument("id", type=ENTRY_ID)
    curl.set_defaults(handler=run_curl)

    export = actions.add_parser("export", help="a redacted report of one entry for a ticket")
    export.add_argument("id", type=ENTRY_ID)
    export.add_argument("--format", choices=("md", "json"), default="md")
    export.add_argument("--out", metavar="FILE", type=Path, help="write to FILE instead of stdout")
    export.add_argument("--screenshot", metavar="FILE", help="a screenshot to reference in the report")
    export.set_defaults(handler=run_export)

    snapshot = subparsers.add_parser(
        "snapshot", help="get the page showing one round's result (from a transaction ID)",
        description="Call /api/snapshot.php with a transaction ID and print the result page's URL.",
    )
    snapshot.add_argument("--transaction-id", required=True, metavar="T",
                          help="the transaction ID from the partner's bet/win records")
    add_target_options(snapshot)
    snapshot.add_argument("--timeout", metavar="S", type=SECONDS, help="overall deadline in seconds (default 15)")
    snapshot.set_defaults(handler=run_snapshot)


# ---------------------------------------------------------------------- shared pieces

def open_store(args: argparse.Namespace) -> HistoryStore:
    """The history store of ``args.paths``."""
    return HistoryStore.open(args.paths.data_dir)


class _Recording:
    """Calling it records an attempt's outcome (and passes it to ``also``); ``sent``
    records it as sent, so a command killed while it waits leaves it in history."""

    def __init__(self, record: Callable[[Attempt], None] | None, also: Callable[[Attempt], None] | None) -> None:
        self._record = record
        self._also = also

    def __call__(self, attempt: Attempt) -> None:
        if self._also is not None:
            self._also(attempt)
        if self._record is not None:
            self._record(attempt)

    def sent(self, attempt: Attempt) -> None:
        if self._record is not None:
            self._record(attempt)


@contextmanager
def history_recorder(
    args: argparse.Namespace,
    target: ApiTarget,
    request: LaunchRequest | None,
    *,
    endpoint: str = "session",
    replay_of: int | None = None,
    also: Callable[[Attempt], None] | None = None,
) -> Iterator[_Recording]:
    """An ``on_attempt`` callback that records every attempt of one launch in history
    (and passes it to ``also``). If history cannot be written (a read-only data
    folder, a full disk, a damaged file) the command still runs: one warning line,
    nothing recorded."""
    try:
        store: HistoryStore | None = open_store(args)
    except HistoryError as exc:
        _stderr(f"warning: {history_not_saved(exc)}")
        store = None
    if store is not None and store.warning:
        _stderr(f"warning: {store.warning}")
        store.close()
        store = None

    def warn(exc: HistoryError) -> None:
        _stderr(f"warning: {exc}")

    record = (recorder(store, target, request, endpoint=endpoint, replay_of=replay_of, on_error=warn)
              if store else None)

    try:
        yield _Recording(record, also)
    finally:
        if store is not None:
            store.close()


def _entry(store: HistoryStore, entry_id: int) -> Entry:
    entry = store.get(entry_id)
    if entry is None:
        raise HistoryError(f"there is no history entry {entry_id}; `lm-console history` lists them")
    return entry


def _stderr(line: str) -> None:
    print(f"lm-console: {redact(line)}", file=sys.stderr, flush=True)


def _summary(entry: Entry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in LIST_FIELDS}


def _print_json(data: Any) -> None:
    print(redact(json.dumps(data, ensure_ascii=False)), flush=True)


def _one_line(error: ConsoleError, endpoint: str) -> int:
    from console_app.core.messages import one_line

    _stderr(f"error: {one_line(error, endpoint)}")
    return error.exit_code


# ---------------------------------------------------------------------- commands

def run_list(args: argparse.Namespace) -> int:
    """``history``: newest first, as a table or a JSON array."""
    with open_store(args) as store:
        entries = store.search(args.search, outcome=args.outcome, profile=args.profile, limit=args.limit)
    if args.json:
        _print_json([_summary(e) for e in entries])
        return 0
    if not entries:
        print("no history entries" + (f" match {args.search!r}" if args.search else ""))
        return 0
    print(f"{'ID':>6}  {'TIME (UTC)':19}  {'OUTCOME':15}  {'HTTP':4}  {'CODE':6}  {'MS':>6}  "
          f"{'GAME':24}  {'PLAYER':16}  UUID")
    for e in entries:
        ms = _ms(None if e.outcome == "unanswered" else e.duration_ms)  # unanswered: no answer's time
        print(redact(
            f"{e.id:>6}  {e.time[:19].replace('T', ' '):19}  {e.outcome:15}  {e.http_status or '-'!s:4}  "
            f"{e.error_code or '-':6}  {ms:>6}  {e.game_id[:24]:24}  {e.player_id[:16]:16}  {e.uuid}"
        ))
    return 0


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def run_show(args: argparse.Namespace) -> int:
    """``history show ID``: every field, request and response pretty-printed."""
    with open_store(args) as store:
        entry = _entry(store, args.id)
    if args.json:
        _print_json(entry.to_dict())
        return 0
    for name, value in entry.to_dict().items():
        if name not in ("request_json", "response_body") and value not in (None, ""):
            if name in ("duration_ms", "ttfb_ms") and isinstance(value, float):
                if entry.outcome == "unanswered":
                    continue  # the time until it was sent, not an answer's time
                value = f"{value:.0f}"
            print(redact(f"{name + ':':14} {value}"))
    for title, text in (("request", entry.request_json), ("response", entry.response_body)):
        print(f"\n{title}:")
        print(redact(_pretty(text)) or "(empty)")
    return 0


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def run_curl(args: argparse.Namespace) -> int:
    """``history curl ID``: a cURL command that sends the same request."""
    from console_app.core.curl import to_curl

    with open_store(args) as store:
        entry = _entry(store, args.id)
    # Never revealed here ("$LM_TOKEN"), so redacting the whole line cannot hide the token.
    print(redact(to_curl(entry)))
    return 0


def run_export(args: argparse.Namespace) -> int:
    """``history export ID --format md|json [--out FILE]``: a redacted report."""
    from console_app.core.paths import write_atomically
    from console_app.core.report import report_json, report_markdown

    with open_store(args) as store:
        entry = _entry(store, args.id)
        attempts = store.attempts_of(entry.launch_id)
        diagnostics = store.diagnostics_of(entry.launch_id)
    if args.format == "json":
        text = json.dumps(report_json(entry, attempts=attempts, screenshot_path=args.screenshot, diagnostics=diagnostics),
                          indent=2, ensure_ascii=False) + "\n"
    else:
        text = report_markdown(entry, attempts=attempts, screenshot_path=args.screenshot, diagnostics=diagnostics)
    text = redact(text)
    if args.out is None:
        sys.stdout.write(text)
    else:
        if not args.out.parent.is_dir():  # as capture: a typo in a folder name makes no folders
            raise InvalidInputError(f"--out: the folder {args.out.parent} does not exist; create it first")
        try:
            write_atomically(args.out, text)
        except OSError as exc:
            raise HistoryError(f"cannot write {args.out}: {exc.strerror or exc}; choose another --out") from exc
        _stderr(f"report written to {args.out}")
    return 0


def run_replay(args: argparse.Namespace) -> int:
    """``history replay ID``: send the entry's request again and record it."""
    with open_store(args) as store:
        entry = _entry(store, args.id)
    if entry.endpoint != "session":
        raise InvalidInputError(
            f"entry {entry.id} is a {entry.endpoint} call; only launches can be replayed "
            "(use `lm-console snapshot` for snapshots)"
        )
    request = entry.launch_request()
    uuid = entry.uuid if args.same_uuid else None
    attempts: list[Attempt] = []
    with _replay_target(args, entry) as (target, settings), history_recorder(
        args, target, request, replay_of=entry.id, also=attempts.append
    ) as on_attempt:
        try:
            result = call_api(settings, lambda session: session.client.enter(
                target, request, uuid=uuid, on_attempt=on_attempt, on_sent=on_attempt.sent))
        except ConsoleError as error:
            if args.json:
                _print_json({"error": redact(str(error)), "attempts": _attempts_json(attempts)})
            return _one_line(error, "session")
    if args.json:
        print(json.dumps({"url": result.game_url.reveal(), "uuid": result.uuid,
                          "attempts": _attempts_json(attempts)}, ensure_ascii=False))
    else:
        print(result.game_url.reveal(), flush=True)
    return 0


def _attempts_json(attempts: list[Attempt]) -> list[dict[str, Any]]:
    return [{"number": a.number, "uuid": a.uuid, "outcome": a.outcome,
             "http_status": a.exchange.http_status, "error_code": a.error_code} for a in attempts]


@contextmanager
def _replay_target(args: argparse.Namespace, entry: Entry) -> Iterator[tuple[ApiTarget, ClientSettings]]:
    """Where a replay goes, bound like a launch (see :mod:`console_app.core.replay`),
    and with the profile's network settings; an embedded-sandbox entry goes to a fresh
    built-in sandbox (the old port is gone)."""
    from console_app.core.profiles import ProfileStore
    from console_app.core.replay import replay_profile, replay_target

    profile = replay_profile(entry, ProfileStore(args.paths), to_current_host=args.to_current_host)
    settings = settings_from_args(args, profile.client_settings() if profile is not None else None)
    if profile is not None and profile.is_embedded:
        with open_target(argparse.Namespace()) as target:
            yield target, settings
        return
    token = read_token(args) if args.token_env or args.token_stdin else None
    credentials = None
    if token is None and profile is not None:
        from console_app.core.credentials import CredentialStore

        credentials = CredentialStore()
    yield replay_target(entry, profile, token=token, credentials=credentials), settings


def run_snapshot(args: argparse.Namespace) -> int:
    """``snapshot --transaction-id T``: print the round's result page URL."""
    transaction_id = args.transaction_id.strip()
    if not transaction_id:
        raise InvalidInputError("--transaction-id is empty; give the transaction ID from the bet/win records")
    settings = settings_from_args(args)
    with open_target(args) as target, history_recorder(args, target, None, endpoint="snapshot") as record:
        try:
            url = call_api(settings, lambda session: session.client.snapshot(
                target, transaction_id, on_attempt=record))
        except ConsoleError as error:
            return _one_line(error, "snapshot")
    print(url.reveal(), flush=True)
    return 0
