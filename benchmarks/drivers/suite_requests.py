"""Request-only suite cases against a sandbox in another process, in one driver
process: the suite runner (history recorded, as ``suite run`` does) against raw
``httpx`` sending the same bodies with the same concurrency, interleaved round by
round (the order alternates, so neither always runs on a warmer machine).

``python -m benchmarks.drivers.suite_requests --url URL --cases N --concurrency C
--rounds R --basedir DIR`` reports ``{"suite_s": [...], "raw_s": [...]}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from pathlib import Path

from benchmarks.drivers.protocol import report

PARTNER_ID = "sandbox-partner"
TOKEN = "sandbox-demo-token"
LANGUAGES = ("en", "ja", "ko", "zh")
CURRENCIES = ("USD", "EUR")


def suite_text(game_ids: list[str], cases: int) -> str:
    """A suite of ``cases`` request-only cases: a game x language x currency matrix."""
    per_game = len(LANGUAGES) * len(CURRENCIES)
    games = game_ids[: max(1, -(-cases // per_game))]
    return (
        '[suite]\nname = "bench"\n[defaults]\nplayer_id = "bench"\nnickname = "Bench"\n'
        'session_id = "auto"\nip = "203.0.113.7"\n[[matrix]]\nname = "m"\n'
        f"game_id = {json.dumps(games)}\nlanguage = {json.dumps(list(LANGUAGES))}\n"
        f"currency = {json.dumps(list(CURRENCIES))}\nexpect = {{ outcome = \"success\" }}\n"
    )


async def run_suite(url: str, cases, concurrency: int, basedir: Path) -> float:
    from console_app.core.history import HistoryStore
    from console_app.core.models import ApiTarget
    from console_app.core.redaction import Secret
    from console_app.core.suite import SuiteRunner, history_recorder

    target = ApiTarget(url, PARTNER_ID, Secret(TOKEN), "bench", "staging")
    with HistoryStore.open(basedir) as store:
        started = time.perf_counter()
        run = await SuiteRunner(target, concurrency=concurrency, recorder=history_recorder(store)).run(cases)
        elapsed = time.perf_counter() - started
    if run.failed:
        raise SystemExit(f"{run.failed} suite cases failed: {run.results[0].failures}")
    return elapsed


async def run_raw(url: str, cases, concurrency: int) -> float:
    import httpx

    gate = asyncio.Semaphore(concurrency)
    started = time.perf_counter()
    async with httpx.AsyncClient() as client:
        async def one(case) -> None:
            body = case.request.body(str(uuid.uuid4()))
            body["player"]["session"]["id"] = f"raw-{uuid.uuid4().hex[:12]}"
            async with gate:
                response = await client.post(f"{url}/api/session", params={"MEMB_ID": PARTNER_ID, "HASH": TOKEN},
                                             json=body)
            if response.status_code != 200 or "url" not in response.json():
                raise SystemExit(f"raw POST failed: HTTP {response.status_code}")

        await asyncio.gather(*(one(case) for case in cases))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--basedir", type=Path, required=True)
    options = parser.parse_args()

    from console_app.core.catalog import sample_catalog
    from console_app.core.suite import parse_suite

    game_ids = [game.id for game in sample_catalog().games]
    cases = parse_suite(suite_text(game_ids, options.cases)).cases[: options.cases]
    suite_s, raw_s = [], []
    # One warm-up of each (imports, first connections), then the measured rounds.
    asyncio.run(run_raw(options.url, cases[:16], options.concurrency))
    asyncio.run(run_suite(options.url, cases[:16], options.concurrency, options.basedir))
    for round_ in range(options.rounds):
        order = ("raw", "suite") if round_ % 2 == 0 else ("suite", "raw")
        for kind in order:
            if kind == "raw":
                raw_s.append(asyncio.run(run_raw(options.url, cases, options.concurrency)))
            else:
                suite_s.append(asyncio.run(run_suite(options.url, cases, options.concurrency, options.basedir)))
    report({"suite_s": suite_s, "raw_s": raw_s, "cases": len(cases)})


if __name__ == "__main__":
    main()
