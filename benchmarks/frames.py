"""First frames (``app_session frames``), the app side by side with headless Chromium
in the same run, and game diagnostics on against off:

- ``launch_to_first_frame``: a fresh window's first launch (Launch triggered ->
  the game page's first frame; QtWebEngine is imported and started by that launch)
  against Debian's headless ``chromium`` loading a fresh URL of the same sandbox game
  (process spawned -> first frame), with the app's Chromium flags. Both pages are
  served with the same frame beacon (see ``benchmarks/drivers/app_session.py``).
  Later launches in the same window are reported as ``warm``.
- ``diagnostics_cost``: launch -> first frame of the later launches with the
  page diagnostics on (the default) against off, processes alternated.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks.common import Metric, child_env, median, ratio_budget, run_driver
from benchmarks.config import Config

FIRST_FRAME_RATIO = 1.25
DIAGNOSTICS_RATIO = 1.05
CHROMIUM = "/usr/bin/chromium"


def run(config: Config, scratch: Path) -> list[Metric]:
    env = child_env(scratch / "frames")
    chromium = shutil.which(CHROMIUM)
    runs: dict[bool, list[dict]] = {True: [], False: []}
    for round_number in range(config.frame_rounds):
        # Alternated, so drift in the machine's load hits both alike.
        for diagnostics in (True, False) if round_number % 2 == 0 else (False, True):
            args = ["frames", "--basedir", str(scratch / "frames-basedir"), "--launches", str(config.frame_launches)]
            if chromium:
                args += ["--chromium", chromium, "--chromium-profile", str(scratch / "chromium-profile")]
            if not diagnostics:
                args.append("--no-diagnostics")
            runs[diagnostics].append(run_driver("app_session", args, env, timeout=300))

    cold = [run["cold"] for kinds in runs.values() for run in kinds]
    warm_on = [ms for run in runs[True] for ms in run["warm"]]
    warm_off = [ms for run in runs[False] for ms in run["warm"]]
    browser = [ms for kinds in runs.values() for run in kinds for ms in run["chromium"]]
    metrics = []
    frame = Metric("launch_to_first_frame", median(cold), "ms", baseline=median(browser) if browser else None, extra={
        "runs": len(cold), "samples": cold, "baseline_samples": browser, "warm": median(warm_on),
        "warm_ratio": median(warm_on) / median(browser) if browser else None, "chromium": chromium,
    })
    # Without Chromium there is no baseline: the row shows as missed.
    metrics.append(ratio_budget(frame, FIRST_FRAME_RATIO))
    metrics.append(ratio_budget(
        Metric("diagnostics_cost", median(warm_on), "ms", baseline=median(warm_off), extra={
            "runs": len(warm_on), "samples": warm_on, "baseline_samples": warm_off,
            "min": min(warm_on), "baseline_min": min(warm_off),
        }),
        DIAGNOSTICS_RATIO,
    ))
    return metrics
