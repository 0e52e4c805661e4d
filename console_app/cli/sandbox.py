"""``lm-console sandbox``: run the local LuckyMonaco sandbox until Ctrl+C.

It prints the API URL, the partner ID, the demo token and a launch command to try.
The token is the public demo token unless ``--token-env VAR`` names a variable that
holds another one (never a command-line value: shell history would keep it). The
sandbox listens on loopback only unless ``--allow-remote`` is given.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import threading
from typing import TYPE_CHECKING

from console_app.cli.common import PORT
from console_app.core.errors import InvalidInputError
from console_app.core.profiles import is_loopback

if TYPE_CHECKING:
    from console_app.sandbox.server import SandboxServer


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sandbox`` to the ``lm-console`` parser."""
    parser = subparsers.add_parser(
        "sandbox",
        help="run the local LuckyMonaco sandbox (no credentials needed)",
        description=(
            "Run a local reference server of the LuckyMonaco API, with a demo game, until "
            "Ctrl+C. Faults can be switched at run time: POST /_sandbox/faults."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=PORT, default=0, metavar="N", help="port (default: a free one)")
    parser.add_argument("--partner-id", metavar="ID", help="the Partner ID (MEMB_ID) to accept (default sandbox-partner)")
    parser.add_argument("--token-env", metavar="VAR",
                        help="accept the token in environment variable VAR instead of the demo token")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow listening on a non-loopback address (anyone who can reach it can play)")
    parser.set_defaults(handler=run_sandbox)


def _token(args: argparse.Namespace) -> str:
    from console_app.sandbox.server import DEFAULT_TOKEN

    if not args.token_env:
        return DEFAULT_TOKEN
    value = os.environ.get(args.token_env, "").strip()
    if not value:
        raise InvalidInputError(
            f"the environment variable {args.token_env} is empty or not set; "
            f"export {args.token_env} with the token first, or leave out --token-env for the demo token")
    return value


def run_sandbox(args: argparse.Namespace) -> int:
    """Serve until interrupted; returns the exit code."""
    from console_app.core.redaction import register_secret
    from console_app.sandbox.server import DEFAULT_PARTNER_ID, DEFAULT_TOKEN, SandboxServer

    host = args.host.strip("[]")
    if not is_loopback(host) and not args.allow_remote:
        raise InvalidInputError(
            f"--host {args.host} is not a loopback address; add --allow-remote to serve the sandbox "
            "to other machines")
    token = _token(args)
    if token != DEFAULT_TOKEN:
        register_secret(token)  # a token of the user's own: keep it out of every log line
    server = SandboxServer(partner_id=args.partner_id or DEFAULT_PARTNER_ID, token=token,
                           host=host, port=args.port)
    try:
        server.start()
    except OSError as exc:
        raise InvalidInputError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; "
            "choose another --port (or 0 for a free one)") from None
    stop = threading.Event()
    # Ctrl+C and SIGTERM both end the wait below; no KeyboardInterrupt mid-print.
    signals = [signal.SIGINT, signal.SIGTERM]
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in signals}
    try:
        _print_banner(server, token_from_env=args.token_env)
        stop.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
    print("sandbox stopped", file=sys.stderr)
    return 0


def _print_banner(server: SandboxServer, *, token_from_env: str | None) -> None:
    from console_app.sandbox.server import DEFAULT_TOKEN

    token_var = token_from_env or "LM_SANDBOX_TOKEN"
    shown = DEFAULT_TOKEN if server.token == DEFAULT_TOKEN else f"(from ${token_var})"
    set_token = "" if token_from_env else f"{token_var}={shlex.quote(DEFAULT_TOKEN)} "
    lines = [
        "LuckyMonaco sandbox is running (Ctrl+C to stop)",
        f"  API URL:     {server.url}",
        f"  Partner ID:  {server.partner_id}",
        f"  Token:       {shown}",
        "",
        "Try it:",
        f"  {set_token}lm-console launch --api-url {server.url} "
        f"--partner-id {shlex.quote(server.partner_id)} --token-env {token_var} "
        "--game-id lm_8_treasureofzeus --player-id u1 --nickname Ann --language en "
        "--currency USD --session-id s1 --ip 203.0.113.7",
        f"  Faults:      curl -X POST {server.url}/_sandbox/faults -H 'Content-Type: application/json' "
        f"-d '{{\"kind\": \"g01\"}}'",
    ]
    print("\n".join(lines), flush=True)
