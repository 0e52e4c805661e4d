"""The history store: what it keeps, redaction, search, retention, schema."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from console_app.core.errors import HistoryError
from console_app.core.history import (
    FILE_NAME,
    MAX_RESPONSE_CHARS,
    SCHEMA_VERSION,
    HistoryStore,
    recorder,
)
from console_app.core.models import ApiTarget, Attempt, Exchange, LaunchRequest
from console_app.core.redaction import Secret
from tests.fixtures.common import CANARY_TOKEN

REQUEST = LaunchRequest(
    gameid="lm_8_treasureofzeus", player_id="player-42", nickname="Kelly", language="en",
    currency="USD", session_id="sess-9001", ip="203.0.113.7",
)


def make_target(token: str = CANARY_TOKEN) -> ApiTarget:
    return ApiTarget("http://127.0.0.1:9/", "P-100", Secret(token), "Staging EU", "staging")


def make_attempt(number: int = 1, *, uuid: str = "u-1", outcome: str = "success",
                 status: int | None = 200, response: str = '{"url": "https://g.example/?token=PLAYERTOKEN123"}',
                 code: str | None = None, started_at: float | None = None,
                 request: LaunchRequest = REQUEST, token: str = CANARY_TOKEN) -> Attempt:
    exchange = Exchange(
        method="POST",
        url=f"http://127.0.0.1:9/api/session?MEMB_ID=P-100&HASH={token}",
        request_headers={"Content-Type": "application/json"},
        request_body=json.dumps(request.body(uuid)),
        http_status=status,
        response_body=response,
    )
    return Attempt(number=number, uuid=uuid, started_at=time.time() if started_at is None else started_at,
                   exchange=exchange, outcome=outcome, duration_ms=41.5, error_code=code,
                   error_message=f"code {code}" if code else None,
                   game_url="https://g.example/?token=•••" if outcome == "success" else None, ttfb_ms=12.0)


@pytest.fixture
def store(tmp_path: Path):
    with HistoryStore.open(tmp_path) as opened:
        yield opened


def test_records_every_field_of_an_attempt(store: HistoryStore) -> None:
    entry_id = store.record_attempt(make_attempt(), target=make_target(), request=REQUEST, launch_id="L1")
    entry = store.get(entry_id)
    assert entry is not None
    assert (entry.profile, entry.profile_kind, entry.api_url, entry.partner_id) == (
        "Staging EU", "staging", "http://127.0.0.1:9", "P-100")
    assert (entry.game_id, entry.player_id, entry.nickname, entry.session_id, entry.ip) == (
        "lm_8_treasureofzeus", "player-42", "Kelly", "sess-9001", "203.0.113.7")
    assert (entry.language, entry.currency, entry.game_type, entry.endpoint) == ("en", "USD", "slot", "session")
    assert (entry.uuid, entry.launch_id, entry.attempt, entry.outcome, entry.http_status) == (
        "u-1", "L1", 1, "success", 200)
    assert entry.duration_ms == 41.5 and entry.ttfb_ms == 12.0
    assert entry.time.endswith("Z") and entry.time[:4].isdigit()
    assert entry.body()["player"]["session"]["id"] == "sess-9001"
    assert entry.launch_request() == REQUEST
    assert "PLAYERTOKEN123" not in entry.response_body
    assert store.get(entry_id + 1000) is None


def test_request_fields_come_from_the_request_when_the_body_is_missing(store: HistoryStore) -> None:
    attempt = make_attempt(outcome="invalid", status=None, response="")
    attempt.exchange.request_body = ""
    entry = store.get(store.record_attempt(attempt, target=make_target(), request=REQUEST))
    assert entry.player_id == "player-42"
    assert entry.body()["uuid"] == "u-1"


def test_canary_never_reaches_the_database_or_its_wal(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path)
    target = make_target()  # registers the canary as a secret, as loading a profile does
    leaky = make_attempt(response=json.dumps({"echo": CANARY_TOKEN, "url": f"https://g/?HASH={CANARY_TOKEN}"}),
                         code="G.0")
    leaky.exchange.request_body = json.dumps({"uuid": "u", "note": CANARY_TOKEN})
    leaky.error_message = f"rejected token {CANARY_TOKEN}"
    leaky.game_url = f"https://g/?token={CANARY_TOKEN}"
    store.record_attempt(leaky, target=target, request=REQUEST)
    # Keep the connection open: the rows are still in the -wal, not yet checkpointed.
    wal = tmp_path / (FILE_NAME + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    for path in (tmp_path / FILE_NAME, wal):
        assert CANARY_TOKEN.encode() not in path.read_bytes(), path
    assert store.search("rejected token")  # the row is there, just redacted
    store.close()
    assert CANARY_TOKEN.encode() not in (tmp_path / FILE_NAME).read_bytes()


def test_response_body_is_capped(store: HistoryStore) -> None:
    huge = "x" * (MAX_RESPONSE_CHARS * 3)
    entry = store.get(store.record_attempt(make_attempt(response=huge), target=make_target()))
    assert len(entry.response_body) < MAX_RESPONSE_CHARS + 200
    assert "truncated" in entry.response_body


@pytest.mark.parametrize("query", ["player-42", "sess-9001", "lm_8_treasureofzeus", "u-2", "G.01"])
def test_search_by_identifier(store: HistoryStore, query: str) -> None:
    other = LaunchRequest("lm_1_pumpkinfarm", "p-7", "Bob", "ja", "JPY", "s-7", "198.51.100.1")
    store.record_attempt(make_attempt(uuid="u-9", request=other), target=make_target(), request=other)
    store.record_attempt(make_attempt(uuid="u-2", outcome="api_error", status=500, code="G.01",
                                      response='{"errors": {"code": "G.01"}}'), target=make_target())
    found = store.search(query)
    assert [e.uuid for e in found] == ["u-2"]


def test_free_text_search_is_a_case_insensitive_substring(store: HistoryStore) -> None:
    store.record_attempt(make_attempt(uuid="a", outcome="api_error", status=401, code="G.0",
                                      response='{"errors": {"message": "Could not authenticate"}}'),
                         target=make_target())
    store.record_attempt(make_attempt(uuid="b"), target=make_target())
    assert [e.uuid for e in store.search("AUTHENTICATE")] == ["a"]
    assert [e.uuid for e in store.search("kel")] == ["b", "a"]  # nickname, newest first
    assert [e.uuid for e in store.search("50%_")] == []  # LIKE wildcards are literal
    assert store.search("zz-nothing") == []


def test_search_filters_and_limit(store: HistoryStore) -> None:
    other = ApiTarget("http://127.0.0.1:9", "P-2", Secret("other-token-xyz"), "Prod", "production")
    for i in range(5):
        store.record_attempt(make_attempt(uuid=f"ok{i}"), target=make_target())
    store.record_attempt(make_attempt(uuid="bad", outcome="api_error", status=401, code="G.0"),
                         target=make_target())
    store.record_attempt(make_attempt(uuid="prod"), target=other)
    assert [e.uuid for e in store.search(outcome="api_error")] == ["bad"]
    assert [e.uuid for e in store.search(profile="Prod")] == ["prod"]
    assert [e.uuid for e in store.search(limit=2)] == ["prod", "bad"]
    assert [e.uuid for e in store.search("player-42", outcome="success", profile="Staging EU")] == [
        "ok4", "ok3", "ok2", "ok1", "ok0"]
    assert store.profiles() == ["Prod", "Staging EU"]


def test_search_without_fts_falls_back_to_like(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("console_app.core.history._fts5_trigram_available", lambda: False)
    with HistoryStore.open(tmp_path) as store:
        store.record_attempt(make_attempt(uuid="x1"), target=make_target())
        assert [e.uuid for e in store.search("KELL")] == ["x1"]
        assert [e.uuid for e in store.search("x1")] == ["x1"]


def test_recorder_groups_the_attempts_of_one_launch(store: HistoryStore) -> None:
    record = recorder(store, make_target(), REQUEST)
    record(make_attempt(1, uuid="first", outcome="api_error", status=500, code="G.01"))
    record(make_attempt(2, uuid="second"))
    again = recorder(store, make_target(), REQUEST, replay_of=1)
    again(make_attempt(1, uuid="third"))
    first, second, third = sorted(store.search(), key=lambda e: e.id)
    assert first.launch_id == second.launch_id != third.launch_id
    assert [e.uuid for e in store.attempts_of(first.launch_id)] == ["first", "second"]
    assert third.replay_of == 1 and first.replay_of is None


def test_recorder_never_breaks_a_launch(store: HistoryStore, caplog: pytest.LogCaptureFixture) -> None:
    record = recorder(store, make_target(), REQUEST)
    store.close()
    record(make_attempt())  # the database is gone: logged, not raised
    assert "not recorded in history" in caplog.text


def test_retention_by_count(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path, max_entries=50) as store:
        for i in range(130):
            store.record_attempt(make_attempt(uuid=f"u{i}"), target=make_target())
        store.prune()
        uuids = [e.uuid for e in store.search(limit=1000)]
        assert len(uuids) == 50 and uuids[0] == "u129" and uuids[-1] == "u80"


def test_retention_by_age_with_an_injected_clock(tmp_path: Path) -> None:
    now = [1_700_000_000.0]
    day = 86400.0
    with HistoryStore.open(tmp_path, max_age_days=90, clock=lambda: now[0]) as store:
        store.record_attempt(make_attempt(uuid="old", started_at=now[0] - 100 * day), target=make_target())
        store.record_attempt(make_attempt(uuid="edge", started_at=now[0] - 89 * day), target=make_target())
        store.record_attempt(make_attempt(uuid="new", started_at=now[0]), target=make_target())
        assert store.prune() == 1
        assert {e.uuid for e in store.search()} == {"edge", "new"}
        now[0] += 2 * day
    # Re-opening later prunes on its own.
    with HistoryStore.open(tmp_path, max_age_days=90, clock=lambda: now[0]) as store:
        assert [e.uuid for e in store.search()] == ["new"]


def test_pruning_runs_after_a_batch_of_inserts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("console_app.core.history.PRUNE_EVERY", 10)
    with HistoryStore.open(tmp_path, max_entries=5) as store:
        for i in range(10):
            store.record_attempt(make_attempt(uuid=f"u{i}"), target=make_target())
        assert store.count() == 5


def test_schema_is_versioned_and_wal(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / FILE_NAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    HistoryStore.open(tmp_path).close()  # re-opening an up-to-date schema is a no-op


def test_a_newer_schema_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / FILE_NAME)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(HistoryError, match="newer console"):
        HistoryStore.open(tmp_path)


def test_a_corrupt_file_is_a_history_error(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError, match="cannot open the history database"):
        HistoryStore.open(tmp_path)


def test_search_and_open_work_at_the_bound(tmp_path: Path) -> None:
    """10,000 rows open and search correctly (how fast: `make bench`, history_open_10000
    and history_search_10000)."""
    with HistoryStore.open(tmp_path) as store:
        template = store.get(store.record_attempt(make_attempt(), target=make_target())).to_dict()
    del template["id"]
    rows = [dict(template, uuid=f"uuid-{i:05d}", player_id=f"player{i}", session_id=f"s{i}",
                 game_id=f"lm_{i % 60}_game") for i in range(1, 10_000)]
    # Fill through plain SQL in one transaction (the triggers index every row).
    db = sqlite3.connect(tmp_path / FILE_NAME)
    with db:
        db.executemany(f"INSERT INTO history ({', '.join(template)}) VALUES "
                       f"({', '.join(':' + c for c in template)})", rows)
    db.close()
    with HistoryStore.open(tmp_path) as store:
        assert store.count() == 10_000
        assert [e.uuid for e in store.search("player9876")] == ["uuid-09876"]
        assert store.search("zz-nothing") == []
