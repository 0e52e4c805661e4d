"""How much each group measures: the full run (``make bench``) and ``--quick``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    #: Recorded start-up runs of each kind (after one warm-up round).
    startup_runs: int = 7
    #: Sequential launches measured for the launch overhead (after two warm-ups).
    launches: int = 20
    #: Launches in flight at once for the tick-gap measurement.
    concurrent: int = 50
    #: The sandbox's delay on each of them, so that they overlap.
    concurrent_delay: float = 0.25
    #: Size of the big answer, in bytes.
    big_answer: int = 5_000_000
    #: Sequential open-load-close launches for the growth slope.
    growth_launches: int = 30
    history_entries: int = 10_000
    catalog_games: int = 1_000
    #: Repeats of each filter string / search query.
    repeats: int = 15
    #: Request-only suite cases, measured rounds, and game checks (benchmarks/suites.py).
    suite_cases: int = 200
    suite_rounds: int = 3
    suite_games: int = 50
    #: Window processes per diagnostics setting, and the launches each measures after its first.
    frame_rounds: int = 3
    frame_launches: int = 6
    #: Use newman only if already installed (the quick run never calls npm).
    quick_newman: bool = False


FULL = Config()
QUICK = Config(
    startup_runs=1, launches=3, concurrent=20, growth_launches=5,
    history_entries=1_000, catalog_games=200, repeats=3,
    suite_cases=40, suite_rounds=1, suite_games=4, frame_rounds=1, frame_launches=1, quick_newman=True,
)
