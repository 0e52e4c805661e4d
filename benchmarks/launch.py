"""Launch overhead and responsiveness, in one window run (``app_session launch``):

- ``launch_to_request``: Launch action triggered -> the request read by the sandbox
  (server-side clock); baseline: a raw ``httpx.AsyncClient`` POST of the same body
  to the same sandbox on the same qasync loop, interleaved launch by launch.
- ``response_to_tab``: the sandbox finished writing the answer -> the game tab
  created; baseline: answer written -> the raw POST returned and its JSON parsed.
- ``tick_gap_50_launches``: the largest gap between 5 ms QTimer ticks while 50
  launches are in flight (the sandbox delays each so they overlap); worst of two
  rounds; baseline: 50 raw POSTs the same way.
- ``tick_gap_5mb_response``: the same while a 5 MB answer is read, parsed and shown
  (Answer tab visible), until 0.3 s after the tab opened; baseline: raw POST + json.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.common import Metric, absolute_budget, child_env, median, overhead_budget, run_driver
from benchmarks.config import Config

OVERHEAD_MS = 5.0
MAX_TICK_GAP_MS = 50.0


def run(config: Config, scratch: Path) -> list[Metric]:
    env = child_env(scratch / "launch")
    result = run_driver("app_session", [
        "launch", "--basedir", str(scratch / "launch-basedir"), "--launches", str(config.launches),
        "--concurrent", str(config.concurrent), "--delay", str(config.concurrent_delay),
        "--big", str(config.big_answer),
    ], env, timeout=300)
    metrics = []
    for name, key in (("launch_to_request", "to_request_ms"), ("response_to_tab", "to_tab_ms")):
        app = [run[key] for run in result["app"]]
        raw = [run[key] for run in result["raw"]]
        metrics.append(overhead_budget(
            Metric(name, median(app), "ms", baseline=median(raw),
                   extra={"runs": len(app), "min": min(app), "baseline_min": min(raw), "samples": app}),
            OVERHEAD_MS,
        ))
    gaps = [run["max_gap_ms"] for run in result["concurrent"]]
    base_gaps = [run["max_gap_ms"] for run in result["concurrent_raw"]]
    metrics.append(absolute_budget(
        Metric("tick_gap_50_launches", max(gaps), "ms", baseline=max(base_gaps),
               extra={"rounds": gaps, "baseline_rounds": base_gaps, "in_flight": config.concurrent}),
        MAX_TICK_GAP_MS,
    ))
    big, big_raw = result["big"], result["big_raw"]
    metrics.append(absolute_budget(
        Metric("tick_gap_5mb_response", big["max_gap_ms"], "ms", baseline=big_raw["max_gap_ms"],
               extra={"outcome": big["outcome"], "shown_chars": big["shown_chars"], "body_bytes": config.big_answer}),
        MAX_TICK_GAP_MS,
    ))
    return metrics
