"""The few things a driver needs from the parent, kept to the standard library's
lightest modules so that importing them does not skew what a driver measures."""

from __future__ import annotations

import json
import os

#: Lines a driver prints to hand a result to the parent: ``BENCH {json}``.
RESULT_PREFIX = "BENCH "
#: The parent's ``time.perf_counter()`` just before spawning a driver. On Linux
#: perf_counter is CLOCK_MONOTONIC, one clock for every process, so the child can
#: subtract it from its own readings.
SPAWN_TIME_ENV = "LM_BENCH_SPAWN_T0"


def report(result: dict) -> None:
    """Hand ``result`` to the parent."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def spawn_time() -> float:
    """The parent's perf_counter just before this process was spawned."""
    return float(os.environ[SPAWN_TIME_ENV])


def rss_mb_of_self() -> float:
    """This process's resident set in MB, from /proc (no psutil: it must not add
    to what it measures)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def web_sandbox_args() -> list[str]:
    """``--no-web-sandbox`` when running as root: Chromium cannot sandbox itself
    then, and the app wants that said explicitly."""
    return ["--no-web-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def chromium_command(chromium: str, url: str, profile_dir: str, flags: list[str]) -> list[str]:
    """Headless Chromium loading ``url`` in a window the size of the bench's game view,
    with ``flags`` (the app's Chromium flags) and its own profile folder."""
    return [chromium, "--headless", *web_sandbox_chromium_args(), f"--user-data-dir={profile_dir}",
            "--no-first-run", "--no-default-browser-check", "--window-size=1024,640", *flags, url]


def web_sandbox_chromium_args() -> list[str]:
    """Chromium's own ``--no-sandbox`` when running as root (see :func:`web_sandbox_args`)."""
    return ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
