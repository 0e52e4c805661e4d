"""``lm-console suite``: run launch suites (``run``), the built-in conformance suite
(``conformance``), and join or compare their results (``merge``, ``diff``).

Exit codes: 0 every expectation held (``diff``: no difference); 1 some case failed
(``diff``: something changed); 2 invalid input — a bad suite file, option or result
file — and nothing was sent; 130 interrupted (what finished is still reported).
A progress line on a terminal, one plain line per case otherwise (CI logs).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console_app.cli.common import COUNT, RETRIES, add_target_options, open_target, settings_from_args
from console_app.core.errors import InvalidInputError
from console_app.core.redaction import redact

if TYPE_CHECKING:
    from console_app.core.models import ApiTarget
    from console_app.core.suite import Case, CaseResult, GameChecker, SuiteRun

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``suite`` and its actions to the ``lm-console`` parser."""
    parser = subparsers.add_parser(
        "suite", help="run launch suites with expectations and write CI reports",
        description="Run saved launch cases (TOML) with expectations, over the catalog, with reports for CI.",
    )
    actions = parser.add_subparsers(dest="suite_command", metavar="ACTION", required=True)

    run = actions.add_parser("run", help="run a suite file", description=(
        "Run every case of a suite file. Exit 0 when every expectation held, 1 when a case failed, "
        "2 when the suite is invalid (nothing sent)."))
    run.add_argument("file", metavar="FILE", type=Path, help="the suite (TOML)")
    _add_run_options(run)
    run.add_argument("--shard", metavar="K/N", help="run only shard K of N (deterministic, disjoint)")
    run.add_argument("--only-failed", metavar="PREVIOUS.json", type=Path,
                     help="run only the cases that failed in a previous --json result")
    run.set_defaults(handler=run_suite)

    conformance = actions.add_parser("conformance", help="the built-in spec conformance suite", description=(
        "Run cases derived from the API spec against the target: each field missing, empty, of the wrong "
        "type and too long; bad codes; uuids; games; credentials; session behaviour. Its report is the "
        "environment's observed contract."))
    _add_run_options(conformance)
    conformance.add_argument("--games", action="store_true", help="also open the game of the happy paths")
    conformance.add_argument("--reopen-after", metavar="S", type=_seconds, default=0.0,
                             help="also reopen a used game URL after S seconds")
    conformance.set_defaults(handler=run_conformance)

    merge = actions.add_parser("merge", help="join shard results into one report")
    merge.add_argument("files", metavar="RESULT.json", nargs="+", type=Path)
    _add_report_options(merge)
    merge.set_defaults(handler=run_merge)

    diff = actions.add_parser("diff", help="compare two results (two environments, or today vs last week)")
    diff.add_argument("first", metavar="A.json", type=Path)
    diff.add_argument("second", metavar="B.json", type=Path)
    diff.set_defaults(handler=run_diff)


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", metavar="FILE", type=Path, help="write the JSON result (input of merge/diff)")
    parser.add_argument("--junit", metavar="FILE", type=Path, help="write JUnit XML (one testcase per case)")
    parser.add_argument("--html", metavar="FILE", type=Path, help="write a self-contained HTML report")


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    add_target_options(parser)
    parser.add_argument("--concurrency", metavar="N", type=COUNT, default=4,
                        help="cases (requests and game pages) at once (default 4)")
    parser.add_argument("--rate", metavar="R/s", type=_rate,
                        help=f"start at most R requests per second (production default: {_production_rate()}/s)")
    parser.add_argument("--retries", metavar="N", type=RETRIES, help="retries for retryable failures (default: the profile's)")
    parser.add_argument("--timeout", metavar="S", type=_seconds, help="deadline per attempt (default: the profile's)")
    parser.add_argument("--production", action="store_true", help="allow running against a production profile")
    parser.add_argument("--screen-share", action="store_true", help="mask partner, player and session IDs in reports")
    parser.add_argument("--no-web-sandbox", action="store_true",
                        help="game checks without Chromium's sandbox (needed as root, e.g. in CI containers)")
    _add_report_options(parser)


def _production_rate() -> str:
    from console_app.core.suite.runner import PRODUCTION_RATE

    return f"{PRODUCTION_RATE:g}"


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError("must be a number of seconds, 0 or more")
    return value


def _rate(text: str) -> float:
    number = text.strip().removesuffix("/s")
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate; write it as R/s, e.g. 5/s") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError("must be above 0 requests per second")
    return value


# --------------------------------------------------------------------------- run


def run_suite(args: argparse.Namespace) -> int:
    """``suite run FILE``."""
    from console_app.core.suite import CatalogValues, failed_names, load_document, load_suite, shard

    suite = load_suite(args.file, catalog=CatalogValues(lambda: _catalog(args)))
    cases = shard(suite.cases, args.shard)
    if args.only_failed is not None:
        wanted = failed_names(load_document(args.only_failed))
        cases = [case for case in cases if case.name in wanted]
        if not cases:
            _say(f"no case of {args.file} failed in {args.only_failed}: nothing to run")
            return EXIT_OK
    return _run(args, suite.name, cases)


def run_conformance(args: argparse.Namespace) -> int:
    """``suite conformance``."""
    from console_app.core.suite import conformance_suite

    catalog = _catalog(args)
    games = [game.id for game in catalog.games if game.type == "slot"]
    suite = conformance_suite(
        games[0] if games else "lm_8_treasureofzeus",
        language=catalog.languages[0] if catalog.languages else "en",
        currency=catalog.currencies[0] if catalog.currencies else "USD",
        check_games=args.games, reopen_after=args.reopen_after,
    )
    return _run(args, suite.name, list(suite.cases), conformance=True)


def _catalog(args: argparse.Namespace) -> Any:
    """The catalog "catalog" stands for: the profile's, else the bundled sample
    (the embedded sandbox serves the sample's games)."""
    from console_app.core.catalog import SANDBOX_PROFILE, CatalogStore

    return CatalogStore(args.paths).load(getattr(args, "profile", None) or SANDBOX_PROFILE)


def _run(args: argparse.Namespace, name: str, cases: list[Case], *, conformance: bool = False) -> int:
    from console_app.cli.history import open_store
    from console_app.core.errors import HistoryError
    from console_app.core.suite import SuiteRunner, history_recorder

    settings = settings_from_args(args)
    progress = _Progress(len(cases), sys.stderr.isatty(), screen_share=args.screen_share)
    needs_games = any(case.expect.checks_game for case in cases)
    with open_target(args) as target:
        _check_production(args, target)
        try:
            store = open_store(args)
        except HistoryError as exc:
            _warn(f"not recording history: {exc}")
            store = None
        runner = SuiteRunner(target, settings, concurrency=args.concurrency, rate=args.rate,
                             recorder=history_recorder(store) if store else None, on_result=progress.add)
        shard = getattr(args, "shard", None)
        interrupted = False
        run: SuiteRun | None
        try:
            if needs_games:
                run = _run_with_games(args, lambda checker: runner.run(cases, name=name, shard=shard,
                                                                       checker=checker))
            else:
                run = asyncio.run(runner.run(cases, name=name, shard=shard))
        except KeyboardInterrupt:
            interrupted = True
            run = runner.current
        finally:
            if store is not None:
                store.close()
    progress.finish()
    if run is None:  # Ctrl+C before the first case started (e.g. while Qt starts)
        _warn("interrupted before the first case: no reports written")
        return EXIT_INTERRUPTED
    _write_reports(args, run, conformance=conformance)
    _say(f"{run.suite}: {run.passed} passed, {run.failed} failed of {len(run.results)} cases "
         f"(history tag {run.run_id})")
    if interrupted:
        _warn("interrupted: the reports hold the cases that finished")
        return EXIT_INTERRUPTED
    return EXIT_OK if run.ok else EXIT_FAILED


def _run_with_games(args: argparse.Namespace, main: Callable[[GameChecker], Awaitable[SuiteRun]]) -> SuiteRun:
    """Run ``main(checker)`` with the QtWebEngine game checker (offscreen without a display)."""
    from console_app.qtenv import ROOT_MESSAGE, QtOptions, prepare_qt

    plan = prepare_qt(QtOptions(no_web_sandbox=args.no_web_sandbox, headless=True))
    if plan.error:
        raise InvalidInputError(plan.error)
    if not plan.web_sandbox.can_show_games:
        raise InvalidInputError(f"game checks: {ROOT_MESSAGE}")
    from console_app.webengine.suite_checker import run_with_checker

    return run_with_checker(main, size=args.concurrency)


def _check_production(args: argparse.Namespace, target: ApiTarget) -> None:
    if target.profile_kind == "production" and not args.production:
        raise InvalidInputError(
            f"profile {target.profile_name!r} is PRODUCTION: real players, real money; add --production "
            "to run a suite there (it defaults to a gentle rate); nothing was sent"
        )


class _Progress:
    """One updating line on a terminal; one plain line per case otherwise."""

    def __init__(self, total: int, tty: bool, *, screen_share: bool = False) -> None:
        self.total = total
        self.tty = tty
        self.screen_share = screen_share
        self.results: list[CaseResult] = []

    def add(self, result: CaseResult) -> None:
        from console_app.core.suite.reports import identifiers, scrub

        self.results.append(result)
        if self.screen_share:  # case names and failures can hold player and session IDs
            ids = identifiers("", [result])
            result = replace(result, name=scrub(result.name, ids), failures=scrub(result.failures, ids))
        failed = sum(not r.passed for r in self.results)
        if self.tty:
            line = f"\r[{len(self.results)}/{self.total}] {len(self.results) - failed} passed, {failed} failed"
            print(redact(line), end="", file=sys.stderr, flush=True)
            if not result.passed:
                print(redact(f"\rFAIL {result.name}: {result.failures[0]}\033[K"), file=sys.stderr, flush=True)
        else:
            verdict = "PASS" if result.passed else "FAIL"
            why = f": {'; '.join(result.failures)}" if result.failures else ""
            print(redact(f"{verdict} {result.name}{why}"), flush=True)

    def finish(self) -> None:
        if self.tty and self.results:
            print(file=sys.stderr, flush=True)


def _write_reports(args: argparse.Namespace, run: SuiteRun, *, conformance: bool = False) -> None:
    from console_app.core.suite import run_document

    document = run_document(run, screen_share=getattr(args, "screen_share", False))
    if conformance:
        from console_app.core.suite.conformance import consistency

        document["two_at_once"] = consistency(document)
        if document["two_at_once"]:
            _say(f"two simultaneous launches: {document['two_at_once']}")
    _write_documents(args, document)


def _write_documents(args: argparse.Namespace, document: dict[str, Any]) -> None:
    from console_app.core.suite.reports import html_report, junit_xml, to_json, write_text

    for path, render in ((args.json, to_json), (args.junit, junit_xml), (args.html, html_report)):
        if path is not None:
            write_text(Path(path).expanduser(), render(document))
            _say(f"wrote {path}")


# --------------------------------------------------------------------------- merge / diff


def run_merge(args: argparse.Namespace) -> int:
    """``suite merge``: one report from shard results; exit 0 only if every case passed
    and no shard of the split is missing."""
    from console_app.core.suite import load_document, merge

    document = merge([load_document(path) for path in args.files])
    _write_documents(args, document)
    summary = document["summary"]
    _say(f"{document['suite']}: {summary['passed']} passed, {summary['failed']} failed of "
         f"{summary['total']} cases from {len(args.files)} results")
    missing = document.get("missing_shards") or []
    if missing:
        _say(f"error: shard{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing: "
             "the report is incomplete, its cases did not run; merge every shard of the run")
    ok = summary["failed"] == 0 and not document["cancelled"] and not missing
    return EXIT_OK if ok else EXIT_FAILED


def run_diff(args: argparse.Namespace) -> int:
    """``suite diff``: one line per case whose answers changed; exit 1 if any."""
    from console_app.core.suite import diff, load_document

    lines = diff(load_document(args.first), load_document(args.second))
    for line in lines:
        print(redact(line))
    _say(f"{len(lines)} case(s) differ" if lines else "no differences")
    return EXIT_FAILED if lines else EXIT_OK


def _say(line: str) -> None:
    print(f"lm-console: {redact(line)}", file=sys.stderr, flush=True)


def _warn(line: str) -> None:
    _say(f"warning: {line}")

