"""``lm-console launch``: create a game session (ENTER) and print its URL.

Exit codes: 0 success; 2 invalid input (nothing sent); 3 the API answered with an
error; 4 no usable answer (transport, timeout, TLS, malformed or unsafe body);
130 interrupted. Errors are one line on stderr; ``--json`` also prints one JSON
object on stdout for every outcome.

The game URL (with the player's token, which is needed to play) goes to stdout and
nowhere else; the partner token never appears in any output.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from console_app.cli.common import (
    RETRIES,
    SECONDS,
    add_request_options,
    add_target_options,
    call_api,
    open_target,
    request_from_args,
    settings_from_args,
    uses_sandbox,
)
from console_app.core.errors import ApiError, ConsoleError, InvalidInputError
from console_app.core.models import DEMO_PLAYER, Attempt, LaunchResult
from console_app.core.redaction import redact

EXIT_OK = 0
EXIT_INTERRUPTED = 130


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``launch`` to the ``lm-console`` parser."""
    parser = subparsers.add_parser(
        "launch",
        help="create a game session and print its URL",
        description=(
            "Create a LuckyMonaco game session (ENTER) and print the game URL. "
            "Without --profile or --api-url it uses a built-in sandbox (and a demo player "
            "for any request field left out)."
        ),
    )
    add_target_options(parser)
    add_request_options(parser, required=False)
    parser.add_argument("--uuid", metavar="U", help="the request uuid for the first attempt (default: a fresh uuid4)")
    parser.add_argument("--retries", metavar="N", type=RETRIES, help="retries for retryable failures (default 2)")
    parser.add_argument("--timeout", metavar="S", type=SECONDS, help="overall deadline per attempt in seconds (default 15)")
    parser.add_argument("--allow-invalid", action="store_true", help="send even when validation finds errors")
    parser.add_argument("--json", action="store_true", help="print one JSON object (result or error) on stdout")
    parser.add_argument("--open", action="store_true", help="open the game URL in the system browser")
    parser.set_defaults(handler=run_launch)


def run_launch(args: argparse.Namespace) -> int:
    """The ``launch`` command; returns the exit code."""
    from console_app.core.messages import one_line
    from console_app.core.validation import check_uuid, validate

    attempts: list[Attempt] = []
    try:
        request = request_from_args(args, defaults=DEMO_PLAYER if uses_sandbox(args) else None)
        problems = validate(request) + check_uuid(args.uuid)
        errors = [p for p in problems if p.severity == "error"]
        for problem in problems:
            severity = "warning" if problem.severity == "warning" or args.allow_invalid else "error"
            _stderr(f"{severity}: {problem.field}: {problem.message}")
        if errors and not args.allow_invalid:
            raise InvalidInputError(
                f"{len(errors)} field(s) invalid, nothing sent; fix them or add --allow-invalid to send anyway",
                problems=errors,
            )
        settings = settings_from_args(args)
        from console_app.cli.history import history_recorder

        with open_target(args) as target, history_recorder(args, target, request, also=attempts.append) as on_attempt:
            result = call_api(settings, lambda session: session.client.enter(
                target, request, uuid=args.uuid, on_attempt=on_attempt, on_sent=on_attempt.sent))
    except KeyboardInterrupt:
        in_flight = any(a.outcome == "cancelled" for a in attempts)
        note = "; a game session may have been created: check before launching again" if in_flight else ""
        if args.json:
            _print_json({"error": {"type": "Interrupted", "message": f"interrupted{note}",
                                   "maybe_delivered": in_flight}, "attempts": _attempts_json(attempts)})
        _stderr(f"error: interrupted{note}")
        return EXIT_INTERRUPTED
    except ConsoleError as error:
        if args.json:
            _print_json(_error_json(error, error.attempts or attempts))
        _stderr(f"error: {one_line(error)}")
        return error.exit_code
    if args.json:
        _print_json(_result_json(result))
    else:
        print(result.game_url.reveal(), flush=True)
    if args.open:
        _open_in_browser(result)
    return EXIT_OK


def _open_in_browser(result: LaunchResult) -> None:
    import webbrowser

    try:
        opened = webbrowser.open(result.game_url.reveal())
    except webbrowser.Error:
        opened = False
    if not opened:
        _stderr("warning: could not open a web browser; open the URL above yourself")


def _stderr(line: str) -> None:
    print(f"lm-console: {redact(line)}", file=sys.stderr, flush=True)


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, ensure_ascii=False), flush=True)


def _attempts_json(attempts: list[Attempt]) -> list[dict[str, Any]]:
    return [
        {
            "number": a.number,
            "uuid": a.uuid,
            "outcome": a.outcome,
            "http_status": a.exchange.http_status,
            "duration_ms": round(a.duration_ms, 1),
            "ttfb_ms": None if a.ttfb_ms is None else round(a.ttfb_ms, 1),
            "error_code": a.error_code,
            "error_message": a.error_message,
        }
        for a in attempts
    ]


def _result_json(result: LaunchResult) -> dict[str, Any]:
    return {
        "url": result.game_url.reveal(),
        "uuid": result.uuid,
        "http_status": result.http_status,
        "attempts": _attempts_json(result.attempts),
        "duration_ms": round(result.duration_ms, 1),
    }


def _error_json(error: ConsoleError, attempts: list[Attempt]) -> dict[str, Any]:
    from console_app.core.messages import describe

    description = describe(error)
    api = error if isinstance(error, ApiError) else None
    return {
        "error": {
            "type": type(error).__name__,
            "code": api.code if api else None,
            "message": redact(str(error)),
            "http_status": getattr(error, "http_status", None),
            "category": api.category if api else None,
            "retryable": description.retryable,
            "maybe_delivered": description.maybe_delivered,
            "next_step": description.next_step,
        },
        "attempts": _attempts_json(attempts),
    }
