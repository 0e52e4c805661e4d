"""The ``lm-console`` command line. Each area registers its sub-commands from its own
module (``launch``, ``sandbox``, ``gui``, ``profile``, ``catalog``, ``history``,
``selfcheck``); every command is a thin layer over ``console_app.core``.

Errors are one line on stderr, never a traceback: a :class:`ConsoleError` exits with
its ``exit_code``; anything unexpected is logged (redacted) and exits 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from console_app.core.errors import ConsoleError
from console_app.core.paths import BASEDIR_ENV, AppPaths
from console_app.core.redaction import redact

log = logging.getLogger("console_app.cli")

# Each command, the module that registers it (``register(subparsers)``) and its help
# line. Only the module of the command being run is imported (the window starts
# ~40 ms sooner); the others appear in ``--help`` from this table.
_COMMANDS: dict[str, tuple[str, str]] = {
    "launch": ("launch", "create a game session and print its URL"),
    "sandbox": ("sandbox", "run the local LuckyMonaco sandbox (no credentials needed)"),
    "gui": ("gui", "open the console window (embedded sandbox, demo player filled in)"),
    "capture": ("gui", "launch a game in the window and save a screenshot (works without a display)"),
    "profile": ("profile", "manage connection profiles (API URL, partner ID, token in the OS keyring)"),
    "catalog": ("catalog", "import, fetch or show a profile's game catalog"),
    "history": ("history", "list, search, replay and export past attempts"),
    "snapshot": ("history", "get the page showing one round's result (from a transaction ID)"),
    "suite": ("suite", "run launch suites with expectations and write CI reports"),
}


class _VersionAction(argparse.Action):
    """``--version``, reading the version only when asked (importlib.metadata is slow)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> NoReturn:
        from console_app import __version__

        # stdout, as `--version | cat` and scripts expect (parser.exit writes stderr)
        print(f"lm-console {__version__}")
        parser.exit()


def _chosen_command(argv: Sequence[str] | None) -> str | None:
    """The first word of ``argv`` that names a command (global options come first)."""
    words = list(sys.argv[1:] if argv is None else argv)
    for index, word in enumerate(words):
        if word in _COMMANDS and (index == 0 or words[index - 1] != "--basedir"):
            return word
    return None


class _OneLineParser(argparse.ArgumentParser):
    """Bad input is one line naming the option and the next step, not the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(argv: Sequence[str] | None = None, *, full: bool = False) -> argparse.ArgumentParser:
    """The ``lm-console`` parser. Only the module of the command in ``argv`` adds its
    real sub-parser, unless ``full`` asks for every one (tests, documentation)."""
    parser = _OneLineParser(
        prog="lm-console",
        description="LuckyMonaco Test Console: launch and inspect LuckyMonaco games.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version and exit")
    parser.add_argument(
        "--basedir",
        metavar="DIR",
        default=os.environ.get(BASEDIR_ENV),
        help=f"keep all config, data, cache and logs under DIR (also ${BASEDIR_ENV})",
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check the installation (versions, keyring, paths, web view) and exit",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_OneLineParser)
    from importlib import import_module

    chosen = _chosen_command(argv)
    modules = {module for module, _ in _COMMANDS.values()} if full else (
        {_COMMANDS[chosen][0]} if chosen else set())
    for module in sorted(modules):
        import_module(f"console_app.cli.{module}").register(subparsers)
    for name, (_, help_text) in _COMMANDS.items():  # the rest: listed, not loaded
        if name not in subparsers.choices:
            subparsers.add_parser(name, help=help_text, add_help=False)
    # Keep --help in the order of the table, whichever modules were loaded.
    subparsers._choices_actions.sort(key=lambda action: list(_COMMANDS).index(action.dest))
    return parser


def _configure_logging(paths: AppPaths | None) -> None:
    from console_app.core.redaction import install_log_redaction

    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("lm-console: %(levelname)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    install_log_redaction(root)


def fail(message: str, code: int) -> int:
    """Print one redacted error line on stderr and return ``code``."""
    print(f"lm-console: error: {redact(message)}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    paths = AppPaths.resolve(args.basedir)
    args.paths = paths
    _configure_logging(paths)
    handler = getattr(args, "handler", None)
    if args.self_check:
        from console_app.cli.selfcheck import run_self_check

        handler = run_self_check
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except ConsoleError as exc:
        return fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: one line, details in the log
        log.exception("unexpected error in %s", args.command)
        return fail(f"unexpected {type(exc).__name__}: {exc} (please report it)", 1)


if __name__ == "__main__":
    sys.exit(main())
