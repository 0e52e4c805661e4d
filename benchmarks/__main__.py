"""``python -m benchmarks [--quick] [--only GROUP ...] [--out build/bench.json]``

Runs every metric group, prints the table and writes the JSON file. Exit code 0 even
when budgets are missed (it is a benchmark); 1 only when a measurement itself failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

from benchmarks import data, frames, launch, memory, startup, suites
from benchmarks.common import DriverError, Metric, format_table, machine_info, write_json
from benchmarks.config import FULL, QUICK

GROUPS = {"startup": startup.run, "launch": launch.run, "frames": frames.run, "memory": memory.run,
          "data": data.run, "suites": suites.run}

#: Every metric the suite writes, in table order.
METRIC_NAMES = (
    "startup_first_paint", "startup_with_data", "ready_to_launch", "launch_to_request", "response_to_tab",
    "tick_gap_50_launches", "tick_gap_5mb_response", "launch_to_first_frame", "diagnostics_cost", "rss_idle", "pss_one_game",
    "rss_growth_per_launch", "picker_filter_1000", "history_open_10000", "history_search_10000",
    "suite_200_requests", "suite_cli_vs_newman", "suite_50_games", "suite_games_peak_memory",
)

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "build" / "bench.json"


def _compile_sources() -> None:
    """Byte-compile the project as an installed app has it. Where
    PYTHONDONTWRITEBYTECODE is set (as on these machines) every start would
    otherwise compile the app's sources again, which the bare baseline never does."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("console_app", "benchmarks"):
        compileall.compile_dir(root / package, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller data (a smoke test, < 1 min)")
    parser.add_argument("--only", nargs="+", choices=sorted(GROUPS), metavar="GROUP",
                        help=f"run only these groups ({', '.join(GROUPS)})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the JSON (default build/bench.json)")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL

    started = time.perf_counter()
    _compile_sources()
    machine = machine_info()
    metrics: list[Metric] = []
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="lm-bench-") as tmp:
        scratch = Path(tmp)
        for name in args.only or GROUPS:
            group_start = time.perf_counter()
            print(f"[bench] {name}…", file=sys.stderr, flush=True)
            try:
                metrics.extend(GROUPS[name](config, scratch))
            except (DriverError, OSError, ValueError, KeyError, TimeoutError) as exc:
                failures[name] = str(exc)
                traceback.print_exc()
            print(f"[bench] {name} took {time.perf_counter() - group_start:.1f} s", file=sys.stderr, flush=True)

    order = {name: i for i, name in enumerate(METRIC_NAMES)}
    metrics.sort(key=lambda m: order.get(m.name, len(order)))
    meta = {"mode": "quick" if args.quick else "full", "seconds": round(time.perf_counter() - started, 1),
            "config": config.__dict__, "failed_groups": failures}
    write_json(args.out, machine, metrics, meta)
    print(f"{machine['cpu']} · {machine['cores']} cores · Python {machine['python']} · Qt {machine['qt']} "
          f"· {meta['mode']} run in {meta['seconds']} s")
    print(format_table(metrics))
    missed = [m.name for m in metrics if not m.ok]
    print(f"budgets missed: {', '.join(missed) if missed else 'none'} · written to {args.out}")
    if failures:
        print(f"groups that failed to measure: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
