"""The history store: every attempt (retries, errors and cancellations included) in a
local SQLite database, ``<data_dir>/history.sqlite3``.

Promises:
- **Redacted**: every text stored goes through :func:`redact` first, so neither the
  partner token nor a player's game token ever reaches the file (or its ``-wal``).
- **Crash-safe and shared**: WAL journal, a busy timeout, and every write in its own
  ``BEGIN IMMEDIATE`` transaction, so two app instances (two processes) can write at
  once and a killed process loses nothing it had committed.
- **Bounded**: at most ``max_entries`` rows and nothing older than ``max_age_days``;
  pruning runs on open (a cheap indexed check first) and after every
  :data:`PRUNE_EVERY` inserts, never as a full scan at start-up.
- **Searchable**: by player ID, session ID, game ID, uuid, error code and free text,
  through an FTS5 trigram index when SQLite has one, else indexed equality plus LIKE.
- **Versioned**: ``PRAGMA user_version`` plus ordered migrations.

sqlite3 errors never leave this module: they become :class:`HistoryError`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid as _uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console_app.core.errors import HistoryError
from console_app.core.models import ApiTarget, Attempt, LaunchRequest
from console_app.core.redaction import redact

log = logging.getLogger("console_app.core.history")

FILE_NAME = "history.sqlite3"
#: Largest response body kept per attempt, in characters; the rest is cut with a note.
MAX_RESPONSE_CHARS = 64 * 1024
#: Inserts between two prunes (per store instance).
PRUNE_EVERY = 100

_TRUNCATED_NOTE = "\n…[truncated by the console: the response was {size} characters]"
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order


@dataclass(frozen=True)
class Entry:
    """One stored attempt. Every text field is already redacted."""

    id: int
    time: str
    profile: str
    profile_kind: str
    api_url: str
    partner_id: str
    endpoint: str
    uuid: str
    launch_id: str
    attempt: int
    game_id: str
    game_type: str
    player_id: str
    nickname: str
    language: str
    currency: str
    session_id: str
    ip: str
    request_json: str
    http_status: int | None
    response_body: str
    duration_ms: float | None
    ttfb_ms: float | None
    outcome: str
    error_code: str | None
    error_message: str | None
    game_url: str | None
    app_version: str
    replay_of: int | None
    #: Groups entries made together, e.g. ``suite:<run id>`` for a suite run's cases.
    tag: str = ""

    def body(self) -> dict[str, Any]:
        """The request body that was sent, as a dict ({} when it was not JSON)."""
        try:
            value = json.loads(self.request_json or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def launch_request(self) -> LaunchRequest:
        """The ENTER fields of this entry, ready to fill the form or replay."""
        return LaunchRequest.from_body(self.body())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_COLUMNS = tuple(f.name for f in fields(Entry))
_INSERT_COLUMNS = tuple(c for c in _COLUMNS if c != "id")


# What free-text search looks through: the identifiers, the error, the request and the
# start of the response (the whole 64 KB would bloat the index for little gain).
_FTS_DOC = " || ' ' || ".join(
    f"ifnull({column}, '')" for column in (
        "new.profile", "new.api_url", "new.uuid", "new.game_id", "new.player_id",
        "new.nickname", "new.session_id", "new.ip", "new.currency", "new.language",
        "new.error_code", "new.error_message", "new.outcome", "new.request_json",
        "substr(new.response_body, 1, 2048)")
)


def _migrate_1(db: sqlite3.Connection, fts: bool) -> None:
    db.execute(
        """CREATE TABLE history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            profile TEXT NOT NULL DEFAULT '',
            profile_kind TEXT NOT NULL DEFAULT '',
            api_url TEXT NOT NULL DEFAULT '',
            partner_id TEXT NOT NULL DEFAULT '',
            endpoint TEXT NOT NULL DEFAULT 'session',
            uuid TEXT NOT NULL DEFAULT '',
            launch_id TEXT NOT NULL DEFAULT '',
            attempt INTEGER NOT NULL DEFAULT 1,
            game_id TEXT NOT NULL DEFAULT '',
            game_type TEXT NOT NULL DEFAULT '',
            player_id TEXT NOT NULL DEFAULT '',
            nickname TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT '',
            currency TEXT NOT NULL DEFAULT '',
            session_id TEXT NOT NULL DEFAULT '',
            ip TEXT NOT NULL DEFAULT '',
            request_json TEXT NOT NULL DEFAULT '',
            http_status INTEGER,
            response_body TEXT NOT NULL DEFAULT '',
            duration_ms REAL,
            ttfb_ms REAL,
            outcome TEXT NOT NULL,
            error_code TEXT,
            error_message TEXT,
            game_url TEXT,
            app_version TEXT NOT NULL DEFAULT '',
            replay_of INTEGER
        )"""
    )
    for column in ("time", "player_id", "session_id", "game_id", "uuid", "error_code",
                   "launch_id", "outcome", "profile"):
        db.execute(f"CREATE INDEX history_{column} ON history({column})")
    if fts:
        # Its own copy of the searchable text (already redacted), kept in step by triggers.
        db.execute("CREATE VIRTUAL TABLE history_fts USING fts5(doc, tokenize='trigram')")
        db.execute(
            f"CREATE TRIGGER history_fts_insert AFTER INSERT ON history BEGIN "
            f"INSERT INTO history_fts(rowid, doc) VALUES (new.id, {_FTS_DOC}); END"
        )
        db.execute(
            "CREATE TRIGGER history_fts_delete AFTER DELETE ON history BEGIN "
            "DELETE FROM history_fts WHERE rowid = old.id; END"
        )


def _migrate_2(db: sqlite3.Connection, fts: bool) -> None:
    db.execute("ALTER TABLE history ADD COLUMN tag TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX history_tag ON history(tag)")


#: Migration n takes the schema from version n-1 to n; never edit one that shipped.
_MIGRATIONS: tuple[Callable[[sqlite3.Connection, bool], None], ...] = (_migrate_1, _migrate_2)
SCHEMA_VERSION = len(_MIGRATIONS)


def _fts5_trigram_available() -> bool:
    try:
        probe = sqlite3.connect(":memory:")
        try:
            probe.execute("CREATE VIRTUAL TABLE t USING fts5(doc, tokenize='trigram')")
        finally:
            probe.close()
    except sqlite3.Error:
        return False
    return True


def utc_iso(timestamp: float) -> str:
    """``timestamp`` (seconds since the epoch) as the fixed-width UTC ISO text stored."""
    return datetime.fromtimestamp(timestamp, UTC).strftime(_TIME_FORMAT)


def _capped(body: str | None) -> str:
    body = redact(body or "")
    if len(body) <= MAX_RESPONSE_CHARS:
        return body
    return body[:MAX_RESPONSE_CHARS] + _TRUNCATED_NOTE.format(size=len(body))


def _text(value: Any) -> str:
    return redact("" if value is None else str(value))


class HistoryStore:
    """Every attempt, in SQLite. One instance per process; thread-safe."""

    def __init__(
        self,
        path: str | Path,
        *,
        max_entries: int = 10_000,
        max_age_days: float = 90,
        clock: Callable[[], float] = time.time,
        app_version: str | None = None,
        busy_timeout_ms: int = 10_000,
    ) -> None:
        self.path = Path(path)
        self.max_entries = max_entries
        self.max_age_days = max_age_days
        self._clock = clock
        if app_version is None:  # looked up here, not at import: importlib.metadata is slow
            from console_app import __version__ as app_version
        self._app_version = app_version
        self._lock = threading.RLock()
        self._inserts_since_prune = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE) so a writer
            # takes the write lock up front instead of failing to upgrade a read lock.
            self._db = sqlite3.connect(
                self.path, timeout=busy_timeout_ms / 1000, isolation_level=None,
                check_same_thread=False,
            )
            self.path.chmod(0o600)
            self._db.row_factory = sqlite3.Row
            self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self._enable_wal(busy_timeout_ms / 1000)
            # NORMAL in WAL mode: a commit survives an app crash; only a power cut may
            # lose the last commits, never corrupt the file.
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
            self._fts = self._has_table("history_fts")
            if self._needs_prune():
                self.prune()
        except sqlite3.Error as exc:
            raise HistoryError(
                f"cannot open the history database {self.path}: {exc}; "
                "close other copies of the console or move the file away to start afresh"
            ) from exc

    @classmethod
    def open(cls, data_dir: str | Path, **options: Any) -> "HistoryStore":
        """The store in ``data_dir`` (usually ``AppPaths.data_dir``)."""
        return cls(Path(data_dir) / FILE_NAME, **options)

    # -- plumbing ------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _enable_wal(self, timeout: float) -> None:
        # Switching a new file to WAL needs a moment of exclusive access and SQLite's
        # busy handler does not cover it: retry while another instance holds the lock.
        deadline = time.monotonic() + timeout
        while True:
            try:
                (mode,) = self._db.execute("PRAGMA journal_mode").fetchone()
                if mode.lower() != "wal":
                    self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _has_table(self, name: str) -> bool:
        row = self._db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        return row is not None

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"the history database {self.path} was written by a newer console "
                f"(schema {version}, this one knows {SCHEMA_VERSION}); update the console"
            )
        fts = _fts5_trigram_available()
        with self._write() as db:
            # Read again inside the lock: another instance may have migrated meanwhile.
            (version,) = db.execute("PRAGMA user_version").fetchone()
            for number in range(version + 1, SCHEMA_VERSION + 1):
                _MIGRATIONS[number - 1](db, fts)
                log.info("history schema migrated to version %d", number)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- writing -------------------------------------------------------------------

    def record_attempt(
        self,
        attempt: Attempt,
        *,
        target: ApiTarget,
        request: LaunchRequest | None = None,
        endpoint: str = "session",
        launch_id: str | None = None,
        replay_of: int | None = None,
        tag: str = "",
    ) -> int:
        """Store one attempt and return its id. ``request`` supplies the searchable
        fields (game, player, ...) when the attempt has no JSON request body;
        ``tag`` groups entries made together (a suite run)."""
        exchange = attempt.exchange
        request_json = exchange.request_body or ""
        if not request_json and request is not None:
            request_json = json.dumps(request.body(attempt.uuid), ensure_ascii=False)
        try:
            body = json.loads(request_json) if request_json else {}
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if body.get("gameid") or body.get("player") or request is None:
            fields_ = LaunchRequest.from_body(body)
        else:
            fields_ = request
        row = {
            "time": utc_iso(attempt.started_at),
            "profile": _text(target.profile_name),
            "profile_kind": _text(target.profile_kind),
            "api_url": _text(target.api_url),
            "partner_id": _text(target.partner_id),
            "endpoint": endpoint,
            "uuid": _text(attempt.uuid),
            "launch_id": launch_id or str(_uuid.uuid4()),
            "attempt": int(attempt.number),
            "game_id": _text(fields_.gameid),
            "game_type": _text(fields_.gametype) if endpoint == "session" else "",
            "player_id": _text(fields_.player_id),
            "nickname": _text(fields_.nickname),
            "language": _text(fields_.language),
            "currency": _text(fields_.currency),
            "session_id": _text(fields_.session_id),
            "ip": _text(fields_.ip),
            "request_json": redact(request_json),
            "http_status": exchange.http_status,
            "response_body": _capped(exchange.response_body),
            "duration_ms": attempt.duration_ms,
            "ttfb_ms": attempt.ttfb_ms,
            "outcome": attempt.outcome,
            "error_code": redact(attempt.error_code) or None,
            "error_message": redact(attempt.error_message) or None,
            "game_url": redact(attempt.game_url) or None,
            "app_version": self._app_version,
            "replay_of": replay_of,
            "tag": tag,
        }
        return self._insert(row)

    def _insert(self, row: dict[str, Any]) -> int:
        placeholders = ", ".join(f":{c}" for c in _INSERT_COLUMNS)
        sql = f"INSERT INTO history ({', '.join(_INSERT_COLUMNS)}) VALUES ({placeholders})"
        try:
            with self._write() as db:
                new_id = int(db.execute(sql, row).lastrowid)
            self._inserts_since_prune += 1
            if self._inserts_since_prune >= PRUNE_EVERY:
                self.prune()
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot write to the history database {self.path}: {exc}") from exc
        return new_id

    def prune(self) -> int:
        """Delete entries beyond ``max_entries`` (oldest first) and older than
        ``max_age_days``; return how many went."""
        cutoff = utc_iso(self._clock() - self.max_age_days * 86400)
        try:
            with self._write() as db:
                removed = db.execute("DELETE FROM history WHERE time < ?", (cutoff,)).rowcount
                removed += db.execute(
                    "DELETE FROM history WHERE id <= (SELECT id FROM history "
                    "ORDER BY id DESC LIMIT 1 OFFSET ?)",
                    (self.max_entries,),
                ).rowcount
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot prune the history database {self.path}: {exc}") from exc
        self._inserts_since_prune = 0
        if removed:
            log.info("history pruned: %d old entries removed", removed)
        return removed

    def _needs_prune(self) -> bool:
        # Both answered from indexes (rowid, time): microseconds even at the bound.
        cutoff = utc_iso(self._clock() - self.max_age_days * 86400)
        with self._lock:
            too_old = self._db.execute(
                "SELECT 1 FROM history WHERE time < ? LIMIT 1", (cutoff,)
            ).fetchone()
            too_many = self._db.execute(
                "SELECT 1 FROM history ORDER BY id DESC LIMIT 1 OFFSET ?", (self.max_entries,)
            ).fetchone()
        return bool(too_old or too_many)

    # -- reading -------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Entry]:
        try:
            with self._lock:
                rows = self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot read the history database {self.path}: {exc}") from exc
        return [Entry(**dict(row)) for row in rows]

    def get(self, entry_id: int) -> Entry | None:
        """The entry with this id, or None."""
        found = self._query("SELECT * FROM history WHERE id = ?", (int(entry_id),))
        return found[0] if found else None

    def tagged(self, tag: str) -> list[Entry]:
        """Every entry with this tag (e.g. one suite run's), oldest first."""
        return self._query("SELECT * FROM history WHERE tag = ? ORDER BY id", (tag,))

    def attempts_of(self, launch_id: str) -> list[Entry]:
        """Every attempt of one launch, in order."""
        return self._query(
            "SELECT * FROM history WHERE launch_id = ? ORDER BY attempt, id", (launch_id,)
        )

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM history").fetchone()[0])

    def profiles(self) -> list[str]:
        """Profile names that have entries, for a filter list."""
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT profile FROM history ORDER BY profile")
            return [r[0] for r in rows]

    def search(
        self,
        text: str | None = None,
        outcome: str | None = None,
        profile: str | None = None,
        limit: int = 200,
    ) -> list[Entry]:
        """Newest first. ``text`` matches player ID, session ID, game ID, uuid or error
        code exactly, or appears anywhere in the entry's searchable text (case-
        insensitive)."""
        where: list[str] = []
        params: list[Any] = []
        if outcome:
            where.append("outcome = ?")
            params.append(outcome)
        if profile:
            where.append("profile = ?")
            params.append(profile)
        text = (text or "").strip()
        if text:
            exact = "id IN (SELECT id FROM history WHERE " + " OR ".join(
                f"{c} = ?" for c in ("player_id", "session_id", "game_id", "uuid", "error_code")
            ) + ")"
            params_exact = [text] * 5
            if self._fts and len(text) >= 3:
                # A quoted FTS5 string is a phrase of trigrams: a substring match.
                phrase = '"' + text.replace('"', '""') + '"'
                where.append(f"({exact} OR id IN (SELECT rowid FROM history_fts "
                             "WHERE history_fts MATCH ?))")
                params += params_exact + [phrase]
            else:
                pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                likes = " OR ".join(
                    f"{c} LIKE ? ESCAPE '\\'" for c in (
                        "player_id", "session_id", "game_id", "uuid", "error_code",
                        "nickname", "error_message", "request_json", "api_url", "profile")
                )
                where.append(f"({exact} OR {likes})")
                params += params_exact + [pattern] * 10
        sql = "SELECT * FROM history"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(int(limit))
        return self._query(sql, params)


def recorder(
    store: HistoryStore,
    target: ApiTarget,
    request: LaunchRequest | None,
    *,
    endpoint: str = "session",
    replay_of: int | None = None,
) -> Callable[[Attempt], None]:
    """An ``on_attempt`` callback for the client that stores each attempt of ONE
    launch (they share a launch id). A history failure is logged, never raised: it
    must not break the launch. The callback's ``launch_id`` attribute is the id its
    attempts share (for :meth:`HistoryStore.attempts_of`)."""
    launch_id = str(_uuid.uuid4())

    def record(attempt: Attempt) -> None:
        try:
            store.record_attempt(attempt, target=target, request=request, endpoint=endpoint,
                                 launch_id=launch_id, replay_of=replay_of)
        except HistoryError as exc:
            log.warning("attempt %s not recorded in history: %s", attempt.number, exc)

    record.launch_id = launch_id  # type: ignore[attr-defined]
    return record
