"""Launch suites: saved cases with expectations, matrices over the catalog, a
built-in conformance suite, and reports CI understands. Qt-free.

The public API (what the CLI and a window panel use)::

    suite = load_suite(path, catalog=CatalogValues(lambda: store.load(profile)))
    cases = shard(suite.cases, "2/4")
    runner = SuiteRunner(target, settings, concurrency=8, rate=None, checker=checker,
                         recorder=history_recorder(store), on_result=show_row)
    run = await runner.run(cases, name=suite.name)     # cancel the task to stop
    document = run_document(run, screen_share=False)   # redacted: JSON / JUnit / HTML
"""

from console_app.core.suite.conformance import conformance_suite
from console_app.core.suite.loader import CatalogValues, load_suite, parse_shard, parse_suite, shard
from console_app.core.suite.model import Answer, Case, CaseResult, Expectation, GameCheck, Suite, SuiteError
from console_app.core.suite.reports import (
    diff,
    failed_names,
    html_report,
    junit_xml,
    load_document,
    merge,
    run_document,
    to_json,
    unknown_code_entries,
)
from console_app.core.suite.runner import GameChecker, SuiteRun, SuiteRunner, history_recorder, new_run_id

__all__ = [
    "Answer", "Case", "CaseResult", "CatalogValues", "Expectation", "GameCheck", "GameChecker", "Suite",
    "SuiteError", "SuiteRun", "SuiteRunner", "conformance_suite", "diff", "failed_names", "history_recorder",
    "html_report", "junit_xml", "load_document", "load_suite", "merge", "new_run_id", "parse_shard",
    "parse_suite", "run_document", "shard", "to_json", "unknown_code_entries",
]
