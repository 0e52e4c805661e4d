"""The history store: what it keeps, redaction, search, retention, schema."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from console_app.core.errors import HistoryDiskFullError, HistoryError, HistoryReadOnlyError
from console_app.core.history import (
    FIELD_LIMITS,
    FILE_NAME,
    MAX_ROW_BYTES,
    SCHEMA_VERSION,
    SHORT_FIELD_BYTES,
    HistoryStore,
    recorder,
)
from console_app.core.models import ApiTarget, Attempt, Exchange, LaunchRequest
from console_app.core.redaction import Secret
from tests.fixtures.common import CANARY_TOKEN
from tests.fixtures.filesystems import fill, immutable, remount_read_only, small_tmpfs

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


def _row_bytes(store: HistoryStore, entry_id: int) -> int:
    columns = [row[1] for row in store._db.execute("PRAGMA table_info(history)")]
    sizes = store._db.execute(
        "SELECT " + " + ".join(f"ifnull(length(CAST({c} AS BLOB)), 0)" for c in columns)
        + " FROM history WHERE id = ?", (entry_id,)).fetchone()
    return int(sizes[0])


def test_a_hostile_attempt_stays_under_the_documented_row_size(store: HistoryStore) -> None:
    # Before: a 300 KB error message and a 1.4 MB body were stored whole (1.75 MB a row).
    hostile = make_attempt(outcome="api_error", status=400, code="V.1" * 50_000,
                           response="é" * 700_000)  # 2-byte characters: the cut is in bytes
    hostile.error_message = "no such game: " + "g" * 300_000
    hostile.game_url = "https://g.example/?" + "a=1&" * 100_000
    hostile.exchange.request_body = json.dumps({"uuid": "u", "gameid": "x" * 200_000, "player": {"id": "p" * 90_000}})
    target = ApiTarget("http://127.0.0.1:9/" + "p/" * 50_000, "P" * 10_000, Secret(CANARY_TOKEN), "n" * 5_000, "staging")
    entry_id = store.record_attempt(hostile, target=target)
    assert _row_bytes(store, entry_id) <= MAX_ROW_BYTES < 110 * 1024
    entry = store.get(entry_id)
    for name, limit in FIELD_LIMITS.items():
        value = getattr(entry, name)
        assert len(value.encode()) <= limit and value.endswith(" bytes left out"), name
    assert entry.error_message.startswith("no such game: ggg")
    left = int(entry.response_body.rsplit("… ", 1)[1].split()[0].replace(",", ""))
    kept = entry.response_body.rsplit("\n…", 1)[0] if "\n…" in entry.response_body else entry.response_body.rsplit(" …", 1)[0]
    assert len(kept.encode()) + left == 1_400_000  # the note says exactly what was left out
    for name in ("profile", "partner_id", "error_code"):
        assert len(getattr(entry, name).encode()) <= SHORT_FIELD_BYTES


def test_a_field_under_its_cap_is_kept_whole(store: HistoryStore) -> None:
    body = "x" * FIELD_LIMITS["response_body"]
    entry = store.get(store.record_attempt(make_attempt(response=body), target=make_target()))
    assert entry.response_body == body


def test_a_lone_surrogate_from_hostile_json_is_stored_not_raised(store: HistoryStore) -> None:
    attempt = make_attempt(outcome="api_error", status=400, code="G.0")
    attempt.error_message = json.loads('"bad \\ud800 message"')
    entry = store.get(store.record_attempt(attempt, target=make_target()))
    assert entry.error_message == "bad ? message"


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
    monkeypatch.setattr("console_app.core.history.store.fts5_trigram_available", lambda: False)
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
    monkeypatch.setattr("console_app.core.history.store.PRUNE_EVERY", 10)
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


# ---------------------------------------------------------------- local state

def _one_entry(folder: Path) -> None:
    with HistoryStore.open(folder) as store:
        store.record_attempt(make_attempt(), target=make_target())


def test_a_read_only_data_folder_opens_read_only_lists_and_refuses_writes_in_one_line(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "data") as data:
        _one_entry(data)
        remount_read_only(data)
        with HistoryStore.open(data) as store:
            assert store.read_only and store.warning == f"history not saved: the data folder is read-only ({data})"
            assert [e.player_id for e in store.search("player-42")] == ["player-42"]
            with pytest.raises(HistoryReadOnlyError, match="^history not saved: the data folder is read-only"):
                store.record_attempt(make_attempt(), target=make_target())


def test_a_read_only_folder_with_no_history_yet_is_an_empty_store(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "data") as data:
        remount_read_only(data)
        with HistoryStore.open(data / "sub") as store:
            assert store.read_only and store.count() == 0 and store.search("x") == []
            # The empty store has the whole schema, not only its first version.
            assert store.tagged("suite:smoke") == [] and store.diagnostics_of("no-such-launch") is None


def test_an_immutable_history_file_opens_read_only(tmp_path: Path) -> None:
    _one_entry(tmp_path)
    with immutable(tmp_path / FILE_NAME), HistoryStore.open(tmp_path) as store:
        assert store.read_only and store.count() == 1


def test_a_disk_that_fills_while_writing_says_disk_full_and_keeps_what_was_saved(tmp_path: Path) -> None:
    # A real full disk: a 1 MB tmpfs filled up while the store is open.
    with small_tmpfs(tmp_path / "data") as data, HistoryStore.open(data) as store:
        store.record_attempt(make_attempt(), target=make_target())
        filler = fill(data)
        with pytest.raises(HistoryDiskFullError) as raised:
            for number in range(100):  # the WAL has a little slack: fill it too
                store.record_attempt(make_attempt(number, response="x" * 60_000), target=make_target())
        assert str(raised.value) == f"history not saved: disk full ({data}); free some space"
        saved = store.count()
        assert saved >= 1 and store.get(1) is not None
        filler.unlink()
        store.record_attempt(make_attempt(), target=make_target())  # usable again
        assert store.count() == saved + 1


def test_a_disk_full_before_opening_opens_read_only_with_the_disk_full_line(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "data", size="512k") as data:
        _one_entry(data)
        fill(data)
        with HistoryStore.open(data) as store:
            assert store.read_only and store.warning == f"history not saved: disk full ({data}); free some space"
            assert store.count() == 1
            with pytest.raises(HistoryDiskFullError):
                store.record_attempt(make_attempt(), target=make_target())


@pytest.mark.parametrize("damage", ["corrupt", "newer schema"])
def test_a_failed_open_closes_its_connection(tmp_path: Path, monkeypatch, damage: str) -> None:
    # Python 3.13 turns a connection never closed into a ResourceWarning (an error here).
    if damage == "corrupt":
        (tmp_path / FILE_NAME).write_bytes(b"this is not a database" * 100)
    else:
        HistoryStore.open(tmp_path).close()
        db = sqlite3.connect(tmp_path / FILE_NAME)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        db.close()
    opened: list[sqlite3.Connection] = []
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        opened.append(real_connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(sqlite3, "connect", connect)
    with pytest.raises(HistoryError):
        HistoryStore.open(tmp_path)
    assert opened
    for connection in opened:
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            connection.execute("SELECT 1")


@pytest.mark.parametrize("offset", [-12, -3, 0, 16 * 1024 - 6])
def test_a_token_where_a_field_is_cut_leaves_no_part_of_itself(store: HistoryStore, offset: int) -> None:
    # Around the cut (limit minus the note) and around the redaction margin.
    limit = FIELD_LIMITS["error_message"]
    attempt = make_attempt(outcome="api_error", status=400, code="G.0")
    start = limit - 30 + offset
    attempt.error_message = "x" * start + CANARY_TOKEN + "y" * 50_000
    entry = store.get(store.record_attempt(attempt, target=make_target()))
    kept = entry.error_message.rsplit(" … ", 1)[0]
    assert set(kept.strip("x").strip("y")) <= {"•"}, kept[-40:]  # a mask, perhaps cut
    assert not any(CANARY_TOKEN[:n] in entry.error_message for n in range(4, len(CANARY_TOKEN) + 1))


def test_an_attempt_kept_as_sent_is_updated_in_place_by_its_answer(store: HistoryStore) -> None:
    record = recorder(store, make_target(), REQUEST)
    record(make_attempt(1, uuid="sent-1", outcome="unanswered", status=None, response=""))
    (kept,) = store.search()
    assert kept.outcome == "unanswered" and store.search("sent-1")[0].id == kept.id
    record(make_attempt(1, uuid="sent-1", outcome="api_error", status=500, code="G.01"))
    record(make_attempt(2, uuid="sent-2", outcome="unanswered", status=None, response=""))
    record(make_attempt(2, uuid="sent-2"))
    first, second = sorted(store.search(), key=lambda e: e.id)
    assert (first.id, first.outcome, first.http_status) == (kept.id, "api_error", 500)
    assert second.outcome == "success" and second.launch_id == first.launch_id
    # The search index follows the update: found by its answer, once, not by what it was.
    assert [e.id for e in store.search("G.01")] == [first.id]
    assert store.search(outcome="unanswered") == []


def test_an_answer_whose_sent_entry_is_gone_is_kept_as_a_new_one(store: HistoryStore) -> None:
    record = recorder(store, make_target(), REQUEST)
    record(make_attempt(1, uuid="gone", outcome="unanswered", status=None, response=""))
    with store._write() as db:  # removed meanwhile (pruned by another process, say)
        db.execute("DELETE FROM history")
    record(make_attempt(1, uuid="gone"))
    assert [(e.uuid, e.outcome) for e in store.search()] == [("gone", "success")]
