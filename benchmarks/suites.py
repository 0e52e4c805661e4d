"""Launch suites against a sandbox running in its own process:

- ``suite_200_requests``: 200 request-only cases at concurrency 8 through the suite
  runner (history recorded); baseline: raw ``httpx`` sending the same 200 bodies
  with the same concurrency, interleaved in one driver process. Budget 1.5x.
- ``suite_cli_vs_newman``: the same 200 cases as ``lm-console suite run`` (a whole
  command: start-up, history, reports) against newman running the same 200 ENTER
  requests (``-n 200``; newman sends one at a time, it has no concurrency). newman
  comes from PATH or is installed with npm into ``build/newman`` on the first full
  run; without it the row has no baseline.
- ``suite_50_games``: 50 game checks (QtWebEngine, thumbnails) at concurrency 4,
  the whole command's wall time, with games per minute beside it.
- ``suite_games_peak_memory``: the peak PSS of that command and all its processes
  (Chromium's included), sampled every 0.25 s. Budget 1.5 GB.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.common import (
    DriverError,
    Metric,
    absolute_budget,
    child_env,
    median,
    no_budget,
    ratio_budget,
    run_driver,
    web_sandbox_args,
)
from benchmarks.config import Config
from benchmarks.drivers.suite_requests import PARTNER_ID, TOKEN, suite_text

ROOT = Path(__file__).resolve().parent.parent
REQUESTS_RATIO = 1.5
PEAK_MB = 1536.0
CONCURRENCY = 8
GAME_CONCURRENCY = 4
NEWMAN_DIR = ROOT / "build" / "newman"


def run(config: Config, scratch: Path) -> list[Metric]:
    env = child_env(scratch / "suites", LM_BENCH_TOKEN=TOKEN)
    with _sandbox(env) as url:
        result = run_driver("suite_requests", [
            "--url", url, "--cases", str(config.suite_cases), "--concurrency", str(CONCURRENCY),
            "--rounds", str(config.suite_rounds), "--basedir", str(scratch / "suites-history"),
        ], env, timeout=300)
        requests = ratio_budget(Metric(
            "suite_200_requests", median(result["suite_s"]), "s", baseline=median(result["raw_s"]),
            extra={"cases": result["cases"], "concurrency": CONCURRENCY, "samples": result["suite_s"],
                   "baseline_samples": result["raw_s"]},
        ), REQUESTS_RATIO)
        suite_file = scratch / "bench-requests.toml"
        from console_app.core.catalog import sample_catalog

        suite_file.write_text(suite_text([g.id for g in sample_catalog().games], config.suite_cases))
        cli_s, _ = _timed_cli(["suite", "run", str(suite_file), *_target(url), "--concurrency", str(CONCURRENCY)],
                              env, scratch / "suites-cli")
        newman = _newman(install=not config.quick_newman)
        newman_s = _run_newman(newman, url, config.suite_cases, scratch) if newman else None
        versus = Metric("suite_cli_vs_newman", cli_s, "s", baseline=newman_s, extra={
            "cases": config.suite_cases,
            "note": "whole commands; newman sends one request at a time" if newman else "newman not available",
        })
        versus = ratio_budget(versus, 1.0) if newman_s else no_budget(versus)

        games_file = scratch / "bench-games.toml"
        games_file.write_text(_games_suite(config.suite_games))
        games_s, peak = _timed_cli(["suite", "run", str(games_file), *_target(url), "--concurrency",
                                    str(GAME_CONCURRENCY), *web_sandbox_args()], env, scratch / "suites-games",
                                   sample_memory=True)
    games = no_budget(Metric("suite_50_games", games_s, "s", extra={
        "games": config.suite_games, "games_per_minute": config.suite_games / games_s * 60,
        "concurrency": GAME_CONCURRENCY,
    }))
    memory = absolute_budget(Metric("suite_games_peak_memory", peak, "MB", extra={
        "what": "peak PSS of lm-console suite run and every child process", "concurrency": GAME_CONCURRENCY,
    }), PEAK_MB)
    return [requests, versus, games, memory]


def _target(url: str) -> list[str]:
    return ["--api-url", url, "--partner-id", PARTNER_ID, "--token-env", "LM_BENCH_TOKEN"]


def _games_suite(count: int) -> str:
    from console_app.core.catalog import sample_catalog

    ids = [game.id for game in sample_catalog().games]
    rows = [(ids[i % len(ids)], ("en", "ja", "ko", "zh")[i // len(ids) % 4]) for i in range(count)]
    cases = "".join(
        f'[[case]]\nname = "game {i + 1}: {game} {language}"\ngame_id = "{game}"\nlanguage = "{language}"\n'
        for i, (game, language) in enumerate(rows)
    )
    return ('[suite]\nname = "bench-games"\n[defaults]\nplayer_id = "bench"\nnickname = "Bench"\ncurrency = "USD"\n'
            'session_id = "auto"\nip = "203.0.113.7"\nexpect = { outcome = "success", game = "loads" }\n' + cases)


@contextmanager
def _sandbox(env: dict[str, str]) -> Iterator[str]:
    """The sandbox in its own process (its threads must not share the measured GIL)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "console_app", "sandbox", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise DriverError("the sandbox process did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def _timed_cli(args: list[str], env: dict[str, str], basedir: Path, *,
               sample_memory: bool = False) -> tuple[float, float]:
    """Wall time of ``lm-console --basedir DIR ARGS`` and its peak PSS tree in MB."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "console_app", "--basedir", str(basedir), *args],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0.0]
    sampler = threading.Thread(target=_sample_pss, args=(proc, peak), daemon=True) if sample_memory else None
    if sampler:
        sampler.start()
    out, err = proc.communicate(timeout=600)
    elapsed = time.perf_counter() - started
    if sampler:
        sampler.join()
    if proc.returncode != 0:
        tail = "\n".join((err or out).strip().splitlines()[-10:])
        raise DriverError(f"lm-console {' '.join(args[:3])} exited {proc.returncode}:\n{tail}")
    return elapsed, peak[0]


def _sample_pss(proc: subprocess.Popen, peak: list[float]) -> None:
    import psutil

    try:
        root = psutil.Process(proc.pid)
    except psutil.NoSuchProcess:
        return
    while proc.poll() is None:
        total = 0
        try:
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for member in family:
            try:
                total += member.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        peak[0] = max(peak[0], total / 2**20)
        time.sleep(0.25)


def _newman(*, install: bool) -> str | None:
    """A newman executable: on PATH, in build/newman, or (``install``) put there by npm."""
    local = NEWMAN_DIR / "node_modules" / ".bin" / "newman"
    found = shutil.which("newman") or (str(local) if local.exists() else None)
    if found or not install or not shutil.which("npm"):
        return found
    print("[bench] installing newman with npm into build/newman…", file=sys.stderr, flush=True)
    NEWMAN_DIR.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["npm", "install", "--prefix", str(NEWMAN_DIR), "newman"], check=True,
                       capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    return str(local) if local.exists() else None


def _run_newman(newman: str, url: str, cases: int, scratch: Path) -> float:
    """Seconds for newman to send ``cases`` ENTER requests (fresh uuids) and check each."""
    body = {"uuid": "{{$guid}}", "gametype": "slot", "gameid": "lm_8_treasureofzeus",
            "player": {"id": "bench", "nickname": "Bench", "language": "en", "currency": "USD",
                       "session": {"id": "newman-{{$guid}}", "ip": "203.0.113.7"}}}
    collection = {
        "info": {"name": "bench", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{
            "name": "enter",
            "request": {"method": "POST", "header": [{"key": "Content-Type", "value": "application/json"}],
                        "url": f"{url}/api/session?MEMB_ID={PARTNER_ID}&HASH={TOKEN}",
                        "body": {"mode": "raw", "raw": json.dumps(body)}},
            "event": [{"listen": "test", "script": {"exec": [
                "pm.test('url', () => { pm.response.to.have.status(200); pm.expect(pm.response.json().url).to.be.a('string'); });"
            ]}}],
        }],
    }
    path = scratch / "newman-collection.json"
    path.write_text(json.dumps(collection))
    started = time.perf_counter()
    proc = subprocess.run([newman, "run", str(path), "-n", str(cases), "--silent"], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "NO_PROXY": "127.0.0.1"})
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise DriverError(f"newman exited {proc.returncode}: {proc.stderr[-500:] or proc.stdout[-500:]}")
    return elapsed
