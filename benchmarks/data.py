"""Catalog and history:

- ``picker_filter_1000``: typing a filter string into the GamePicker with 1,000 games
  until the popup is painted, median over several strings (``drivers.picker``);
  baseline: Qt's QSortFilterProxyModel fixed-string filter on the same strings.
- ``history_open_10000``: ``HistoryStore.open`` on a database of 10,000 entries (the
  migration check and first count), median over several opens; baseline: a bare
  ``sqlite3.connect`` and ``SELECT count(*)`` on the same file. Budget 200 ms.
- ``history_search_10000``: ``HistoryStore.search`` over 10,000 entries, median over
  several queries (exact IDs, free text, error codes, misses); baseline: the newest
  200 entries with no filter (the same page size and row decoding).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from benchmarks.common import Metric, absolute_budget, child_env, median, run_driver, timed_median
from benchmarks.config import Config
from benchmarks.fixtures import populated_basedir

BUDGET_MS = 16.0
#: Opening the history is once per start, not per keystroke.
OPEN_BUDGET_MS = 200.0

HISTORY_QUERIES = ("player-00042", "dragon", "G.01", "s-0000ff", "nothing-matches-this", "treasure zeus", "Nick7")


def run(config: Config, scratch: Path) -> list[Metric]:
    from console_app.core.history import FILE_NAME, HistoryStore
    from console_app.core.paths import AppPaths

    basedir = populated_basedir(scratch / "startup-data", history=config.history_entries, games=config.catalog_games)
    picker = run_driver("picker", [
        "--basedir", str(scratch / "picker-basedir"), "--games", str(config.catalog_games),
        "--repeats", str(config.repeats),
    ], child_env(scratch / "picker"))
    metrics = [absolute_budget(
        Metric("picker_filter_1000", median(list(picker["picker_ms"].values())), "ms",
               baseline=median(list(picker["baseline_ms"].values())),
               extra={"games": picker["games"], "per_query": picker["picker_ms"],
                      "worst": max(picker["picker_ms"].values()), "matches": picker["matches"]}),
        BUDGET_MS,
    )]

    data_dir = AppPaths.from_basedir(basedir).data_dir

    def open_and_count() -> None:
        with HistoryStore.open(data_dir) as opened:
            opened.count()

    def bare_open_and_count() -> None:
        db = sqlite3.connect(data_dir / FILE_NAME)
        try:
            db.execute("SELECT count(*) FROM history").fetchone()
        finally:
            db.close()

    open_ms, open_samples = timed_median(open_and_count, config.repeats)
    bare_ms, _ = timed_median(bare_open_and_count, config.repeats)
    metrics.append(absolute_budget(
        Metric("history_open_10000", open_ms, "ms", baseline=bare_ms, extra={"samples": open_samples}),
        OPEN_BUDGET_MS,
    ))

    with HistoryStore.open(data_dir) as store:
        entries = store.count()
        per_query, hits = {}, {}
        for query in HISTORY_QUERIES:
            per_query[query], _ = timed_median(lambda q=query: store.search(q), config.repeats)
            hits[query] = len(store.search(query))
        baseline, _ = timed_median(lambda: store.search(), config.repeats)
    metrics.append(absolute_budget(
        Metric("history_search_10000", median(list(per_query.values())), "ms", baseline=baseline,
               extra={"entries": entries, "per_query": per_query, "worst": max(per_query.values()), "hits": hits}),
        BUDGET_MS,
    ))
    return metrics
