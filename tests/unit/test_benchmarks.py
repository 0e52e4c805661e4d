"""Smoke test of the benchmark suite: ``python -m benchmarks --quick`` runs end to
end and writes valid JSON with every metric. The budgets are not checked here (they
are a benchmark's verdict, reported by ``make bench``)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.__main__ import METRIC_NAMES
from benchmarks.common import Metric, format_table, overhead_budget, ratio_budget, slope

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "startup_first_paint", "startup_with_data", "ready_to_launch", "launch_to_request", "response_to_tab",
    "tick_gap_50_launches", "tick_gap_5mb_response", "launch_to_first_frame", "diagnostics_cost", "rss_idle", "pss_one_game",
    "rss_growth_per_launch", "picker_filter_1000", "history_open_10000", "history_search_10000",
    "suite_200_requests", "suite_cli_vs_newman", "suite_50_games", "suite_games_peak_memory",
}
UNITS = {"s", "ms", "MB"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=110,
    )
    return proc, out


@pytest.mark.timeout(120)
def test_quick_run_writes_every_metric_as_valid_json(quick_run) -> None:
    proc, out = quick_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["metrics"]) == EXPECTED
    for key in ("cpu", "cores", "python", "qt", "platform"):
        assert data["machine"][key], key
    assert data["run"]["mode"] == "quick"
    for name, metric in data["metrics"].items():
        assert metric["unit"] in UNITS, name
        assert isinstance(metric["value"], (int, float)) and math.isfinite(metric["value"]), name
        assert metric["value"] >= 0 or name == "rss_growth_per_launch", name
        assert isinstance(metric["ok"], bool), name
        if metric["baseline"] is None:
            assert metric["ratio"] is None, name
        else:
            assert metric["ratio"] == pytest.approx(metric["value"] / metric["baseline"], rel=1e-2, abs=1e-3), name


@pytest.mark.timeout(120)
def test_quick_run_prints_the_table(quick_run) -> None:
    proc, _out = quick_run
    for name in EXPECTED:
        assert name in proc.stdout
    assert "budgets missed:" in proc.stdout


def test_metric_names_are_the_issue_s() -> None:
    assert set(METRIC_NAMES) == EXPECTED


def test_budgets_judge_ratio_overhead_and_slope() -> None:
    assert ratio_budget(Metric("m", 1.2, "s", baseline=1.0), 1.3).ok
    assert not ratio_budget(Metric("m", 1.4, "s", baseline=1.0), 1.3).ok
    assert not ratio_budget(Metric("m", 1.0, "s", baseline=None), 1.3).ok
    assert overhead_budget(Metric("m", 6.0, "ms", baseline=2.0), 5.0).ok
    assert not overhead_budget(Metric("m", 8.0, "ms", baseline=2.0), 5.0).ok
    assert slope([10.0, 12.0, 14.0, 16.0]) == pytest.approx(2.0)
    assert slope([5.0]) == 0.0
    table = format_table([Metric("m", 1.4, "s", baseline=1.0, budget="<= 1.3x baseline", ok=False)])
    assert "MISSED" in table and "1.40x" in table
