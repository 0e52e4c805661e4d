"""Data the benchmarks need: a basedir holding N history entries and a catalog of
N games for the Sandbox profile, written through the app's own stores."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from console_app.core.catalog import SANDBOX_PROFILE, Catalog, CatalogStore, Game
from console_app.core.history import HistoryStore
from console_app.core.models import ApiTarget, Attempt, Exchange, LaunchRequest, new_uuid
from console_app.core.paths import AppPaths
from console_app.core.redaction import Secret

_WORDS = ("Treasure", "Zeus", "Dragon", "Fortune", "Lucky", "Golden", "Wild", "Pearl", "Monaco",
          "Star", "Tiger", "Jade", "Royal", "Mystic", "Fire", "Ocean", "Moon", "Cherry")
_ERRORS = (("G.01", "system error, try again"), ("V.2", "gameid: unknown game"), ("V.6", "uuid: already used"))


def game_catalog(n: int, *, seed: int = 7) -> Catalog:
    """``n`` games with IDs like ``lm_0042_goldendragon`` and two-word names."""
    rng = random.Random(seed)
    games = []
    for i in range(n):
        first, second = rng.sample(_WORDS, 2)
        games.append(Game(id=f"lm_{i:04d}_{first.lower()}{second.lower()}", name=f"{first} {second} {i}"))
    return Catalog(games=tuple(games), languages=("en", "ja", "ko", "zh"), currencies=("USD", "EUR", "JPY"),
                   source="benchmark catalog", label="live")


def fill_history(store: HistoryStore, n: int, games: Catalog, *, seed: int = 11) -> None:
    """Record ``n`` attempts (4 in 5 successes, the rest API errors) spread over the
    last 30 days, through :meth:`HistoryStore.record_attempt`."""
    rng = random.Random(seed)
    target = ApiTarget(api_url="http://127.0.0.1:8765", partner_id="P-1001", token=Secret("bench-token-hash"),
                       profile_name=SANDBOX_PROFILE, profile_kind="sandbox")
    now = time.time()
    for i in range(n):
        game = games.games[rng.randrange(len(games.games))]
        request = LaunchRequest(gameid=game.id, player_id=f"player-{i % 997:05d}", nickname=f"Nick{i % 89}",
                                language="en", currency="USD", session_id=f"s-{i:08x}", ip="203.0.113.7")
        uuid = new_uuid()
        ok = rng.random() < 0.8
        code, message = _ERRORS[i % len(_ERRORS)]
        body = ({"url": f"http://127.0.0.1:8765/game/index.html?token=t{i}"} if ok
                else {"errors": {"code": code, "message": message}})
        exchange = Exchange(method="POST", url=f"{target.api_url}/api/session?MEMB_ID=P-1001&HASH=x",
                            request_headers={"Content-Type": "application/json"},
                            request_body=json.dumps(request.body(uuid)), http_status=200 if ok else 400,
                            response_body=json.dumps(body))
        attempt = Attempt(number=1, uuid=uuid, started_at=now - (n - i) * 30 * 86400 / n, exchange=exchange,
                          outcome="success" if ok else "api_error", duration_ms=rng.uniform(20, 200),
                          error_code=None if ok else code, error_message=None if ok else message)
        store.record_attempt(attempt, target=target, request=request)


def populated_basedir(path: Path, *, history: int, games: int) -> Path:
    """A basedir with ``history`` entries and a ``games``-game Sandbox catalog
    (made once per path; reused when already there)."""
    marker = path / ".bench-populated"
    if marker.exists():
        return path
    paths = AppPaths.from_basedir(path).ensure()
    catalog = game_catalog(games)
    CatalogStore(paths).replace(SANDBOX_PROFILE, catalog)
    with HistoryStore.open(paths.data_dir) as store:
        fill_history(store, history, catalog)
    marker.write_text(f"{history} entries, {games} games\n", encoding="utf-8")
    return path
