"""Memory of the running window (``app_session memory``), with psutil:

- ``pss_one_game``: PSS summed over the app and its QtWebEngineProcess children with
  one game open and loaded; baseline: the same window idle before any game.
- ``rss_growth_per_launch``: least-squares slope of the app's RSS over N sequential
  launches (open tab, load, close tab); the slope of the PSS total is beside it,
  and the budget applies to both.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.common import Metric, child_env, no_budget, run_driver, slope
from benchmarks.config import Config

GROWTH_MB = 10.0
WARM_UP = 2


def run(config: Config, scratch: Path) -> list[Metric]:
    env = child_env(scratch / "memory")
    result = run_driver("app_session", [
        "memory", "--basedir", str(scratch / "memory-basedir"), "--launches", str(config.growth_launches),
    ], env, timeout=300)
    idle, one = result["idle"], result["one_game"]
    # The first launches settle Chromium's process set (a spare renderer appears
    # after the first navigations): they are warm-up, not growth.
    samples = result["samples"][WARM_UP:] if len(result["samples"]) > WARM_UP + 1 else result["samples"]
    rss = [s["rss_mb"] for s in samples]
    pss = [s["pss_total_mb"] for s in samples]
    pss_metric = no_budget(Metric("pss_one_game", one["pss_total_mb"], "MB", baseline=idle["pss_total_mb"], extra={
        "processes": one["processes"], "rss_main": one["rss_mb"], "note": "baseline: same window before any game",
    }))
    rss_slope, pss_slope = slope(rss), slope(pss)
    growth = Metric("rss_growth_per_launch", rss_slope, "MB", extra={
        "pss_total_slope": pss_slope, "launches": len(result["samples"]),
        "warm_up": len(result["samples"]) - len(rss), "rss_first": rss[0], "rss_last": rss[-1],
        "pss_first": pss[0], "pss_last": pss[-1], "rss_samples": rss, "pss_samples": pss,
    })
    growth.budget = f"<= {GROWTH_MB:g} MB per launch (RSS and PSS slopes)"
    growth.ok = rss_slope <= GROWTH_MB and pss_slope <= GROWTH_MB
    return [pss_metric, growth]
