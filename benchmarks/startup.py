"""Start-up: process spawn to the main window first painted, and to ready to launch
(the event loop idle after the deferred start-up work), the real ``lm-console gui`` against a bare QMainWindow, runs interleaved;
also with 10,000 history entries and a 1,000-game catalog in the basedir. The RSS
at idle (before any game opens) comes from the same runs."""

from __future__ import annotations

from pathlib import Path

from benchmarks.common import Metric, absolute_budget, child_env, median, ratio_budget, run_driver
from benchmarks.config import Config
from benchmarks.fixtures import populated_basedir

STARTUP_RATIO = 1.3
#: Ready to launch: the event loop idle after the deferred start-up work.
READY_RATIO = 1.6
IDLE_RSS_MB = 120.0


def run(config: Config, scratch: Path) -> list[Metric]:
    env = child_env(scratch / "startup")
    empty = scratch / "startup-empty"
    with_data = populated_basedir(scratch / "startup-data", history=config.history_entries, games=config.catalog_games)
    runs: dict[str, list[dict]] = {"bare": [], "app": [], "data": []}
    # Interleaved, so a burst of load from elsewhere hits every kind alike. One
    # unrecorded round first: disk caches, .pyc files.
    for round_number in range(config.startup_runs + 1):
        bare = run_driver("bare_window", [], env)
        app = run_driver("app_session", ["startup", "--basedir", str(empty)], env)
        data = run_driver("app_session", ["startup", "--basedir", str(with_data)], env)
        if round_number:
            runs["bare"].append(bare)
            runs["app"].append(app)
            runs["data"].append(data)

    def summary(kind: str, key: str) -> tuple[float, float, list[float]]:
        values = [run[key] for run in runs[kind]]
        return median(values), min(values), values

    metrics = []
    bare_paint, bare_paint_min, bare_paints = summary("bare", "first_paint_s")
    bare_idle, bare_idle_min, bare_idles = summary("bare", "idle_s")
    for name, kind in (("startup_first_paint", "app"), ("startup_with_data", "data")):
        paint, paint_min, paints = summary(kind, "first_paint_s")
        idle, idle_min, _ = summary(kind, "idle_s")
        metric = Metric(name, paint, "s", baseline=bare_paint, extra={
            "min": paint_min, "baseline_min": bare_paint_min, "runs": len(paints), "samples": paints,
            "baseline_samples": bare_paints, "idle": idle, "idle_min": idle_min, "baseline_idle": bare_idle,
            "interpreter": summary(kind, "interpreter_s")[0],
        })
        metrics.append(ratio_budget(metric, STARTUP_RATIO))
    idle, idle_min, idles = summary("app", "idle_s")
    metrics.append(ratio_budget(
        Metric("ready_to_launch", idle, "s", baseline=bare_idle, extra={
            "min": idle_min, "baseline_min": bare_idle_min, "samples": idles, "baseline_samples": bare_idles,
            "with_data": summary("data", "idle_s")[0],
        }),
        READY_RATIO,
    ))
    rss, rss_min, _ = summary("app", "rss_mb")
    bare_rss, _, _ = summary("bare", "rss_mb")
    metrics.append(absolute_budget(
        Metric("rss_idle", rss, "MB", baseline=bare_rss, extra={
            "min": rss_min, "with_data": summary("data", "rss_mb")[0],
            "webengine_imported_at_idle": all(run.get("webengine_loaded") for run in runs["app"]),
        }),
        IDLE_RSS_MB,
    ))
    return metrics
