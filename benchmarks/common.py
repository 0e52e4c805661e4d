"""What every metric group shares: the result record, budgets, the child-process
environment and runner, machine facts, the table and the JSON file."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.drivers.protocol import RESULT_PREFIX, SPAWN_TIME_ENV, web_sandbox_args  # noqa: F401

#: The Chromium flags tests use (tests/conftest.py): no GPU, no /dev/shm, no
#: background traffic, and a dead proxy so nothing leaves the machine.
CHROMIUM_FLAGS = (
    "--disable-gpu --disable-dev-shm-usage --disable-background-networking "
    "--disable-component-update --proxy-server=127.0.0.1:9 "
    "--proxy-bypass-list=127.0.0.1;localhost"
)


@dataclass
class Metric:
    """One measured figure, its same-run baseline and its budget verdict."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    #: The budget in words, e.g. "<= 1.3x baseline".
    budget: str | None = None
    ok: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    def to_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "value": _rounded(self.value),
            "unit": self.unit,
            "baseline": _rounded(self.baseline),
            "ratio": None if ratio is None else round(ratio, 3),
            "budget": self.budget,
            "ok": bool(self.ok),
            **{key: _rounded(value) for key, value in self.extra.items()},
        }


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


# --------------------------------------------------------------------------- budgets


def ratio_budget(metric: Metric, limit: float) -> Metric:
    """ok when value <= ``limit`` x baseline."""
    metric.budget = f"<= {limit:g}x baseline"
    metric.ok = metric.ratio is not None and metric.ratio <= limit
    return metric


def overhead_budget(metric: Metric, limit: float) -> Metric:
    """ok when value - baseline <= ``limit`` (same unit)."""
    overhead = metric.value - (metric.baseline or 0.0)
    metric.extra["overhead"] = overhead
    metric.budget = f"<= baseline + {limit:g} {metric.unit}"
    metric.ok = overhead <= limit
    return metric


def absolute_budget(metric: Metric, limit: float) -> Metric:
    """ok when value <= ``limit``."""
    metric.budget = f"<= {limit:g} {metric.unit}"
    metric.ok = metric.value <= limit
    return metric


def no_budget(metric: Metric) -> Metric:
    metric.budget = None
    metric.ok = True
    return metric


# --------------------------------------------------------------------------- stats


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def slope(values: Sequence[float]) -> float:
    """Least-squares slope of ``values`` against 0, 1, 2, ..."""
    if len(values) < 2:
        return 0.0
    return statistics.linear_regression(range(len(values)), values).slope


def timed_median(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float]]:
    """Median wall time of ``fn()`` in ms over ``repeat`` calls, and every sample."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return median(samples), samples


# --------------------------------------------------------------------------- children


def child_env(scratch: Path, **extra: str) -> dict[str, str]:
    """The environment of a driver: offscreen Qt, test Chromium flags, every user
    folder inside ``scratch``, no keyring, no proxy."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QTWEBENGINE_CHROMIUM_FLAGS=CHROMIUM_FLAGS,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    for var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        env[var] = str(scratch / var.lower())
    runtime = scratch / "runtime"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    env["XDG_RUNTIME_DIR"] = str(runtime)
    env.pop("LM_CONSOLE_BASEDIR", None)
    env.update(extra)
    return env


class DriverError(RuntimeError):
    """A driver process failed or printed no result."""


def run_driver(module: str, args: Sequence[str], env: dict[str, str], *, timeout: float = 180) -> dict[str, Any]:
    """Run ``python -m benchmarks.drivers.<module> ARGS`` and return its last
    ``BENCH {json}`` line, parsed. The spawn time goes to the child in the env."""
    env = dict(env)
    env[SPAWN_TIME_ENV] = repr(time.perf_counter())
    proc = subprocess.run(
        [sys.executable, "-m", f"benchmarks.drivers.{module}", *args],
        env=env, capture_output=True, text=True, timeout=timeout, cwd=Path(__file__).resolve().parent.parent,
    )
    results = [line[len(RESULT_PREFIX):] for line in proc.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not results:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise DriverError(f"driver {module} {' '.join(args)} exited {proc.returncode}:\n{tail}")
    return json.loads(results[-1])


# --------------------------------------------------------------------------- output


def machine_info() -> dict[str, Any]:
    """CPU, cores, Python, Qt and platform of this run."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    qt = pyside = None
    try:
        from importlib.metadata import version

        pyside = version("PySide6")
        qt = subprocess.run(
            [sys.executable, "-c", "from PySide6.QtCore import qVersion; print(qVersion())"],
            capture_output=True, text=True, timeout=30,
        ).stdout.strip() or None
    except Exception:  # machine facts are informative; never fail the run over them
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "pyside6": pyside,
        "qt": qt,
        "platform": platform.platform(),
        "qpa": "offscreen",
        "load_avg_1min_at_start": load,
    }


def format_table(metrics: Sequence[Metric]) -> str:
    rows = [("metric", "value", "baseline", "ratio", "budget", "ok")]
    for m in metrics:
        rows.append((
            m.name,
            f"{m.value:.4g} {m.unit}",
            "—" if m.baseline is None else f"{m.baseline:.4g} {m.unit}",
            "—" if m.ratio is None else f"{m.ratio:.2f}x",
            m.budget or "—",
            "ok" if m.ok else "MISSED",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_json(path: Path, machine: dict[str, Any], metrics: Sequence[Metric], meta: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "machine": machine,
        "run": meta,
        "metrics": {m.name: m.to_json() for m in metrics},
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
