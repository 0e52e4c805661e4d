"""The store itself: one SQLite connection per process, every write in its own
``BEGIN IMMEDIATE`` transaction, pruning, and the reads the panels and commands use."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid as _uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from console_app.core.errors import HistoryError
from console_app.core.history.entry import DIAGNOSTICS_BYTES, INSERT_COLUMNS, Entry, capped, stored_field, utc_iso
from console_app.core.history.failures import reason, write_error
from console_app.core.history.schema import MIGRATIONS, SCHEMA_VERSION, fts5_trigram_available
from console_app.core.history.search import search_query
from console_app.core.models import ApiTarget, Attempt, LaunchRequest
from console_app.core.redaction import redact

log = logging.getLogger("console_app.core.history")

FILE_NAME = "history.sqlite3"
#: Inserts between two prunes (per store instance).
PRUNE_EVERY = 100


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
        # None: looked up at the first write, not here (importlib.metadata: ~9 ms the
        # window's start-up need not wait for).
        self._app_version = app_version
        self._lock = threading.RLock()
        self._inserts_since_prune = 0
        self._busy_timeout_ms = busy_timeout_ms
        #: True when the data folder or the file cannot be written (read-only, or the
        #: disk was full when it opened): reads work, writes raise a HistoryError
        #: subclass naming the cause, and :attr:`warning` is the line to show.
        self.read_only = False
        self._write_refusal: HistoryError | None = None
        self._conn: sqlite3.Connection | None = None
        try:
            self._open_read_write()
        except HistoryError:
            self._close_quietly()
            raise
        except (sqlite3.Error, OSError) as exc:
            self._close_quietly()
            refusal = write_error(exc, self.path, "open")
            if type(refusal) is HistoryError:
                raise HistoryError(
                    f"cannot open the history database {self.path}: {reason(exc)}; "
                    "close other copies of the console or move the file away to start afresh"
                ) from exc
            self._open_read_only(exc, refusal)
        try:
            self._fts = bool(self._rows("SELECT 1 FROM sqlite_master WHERE name = 'history_fts'"))
        except HistoryError:
            self._close_quietly()
            raise

    def _version(self) -> str:
        if self._app_version is None:
            from console_app import __version__

            self._app_version = __version__
        return self._app_version

    def _connect(self, target: str | Path, *, uri: bool = False) -> sqlite3.Connection:
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE) so a writer
        # takes the write lock up front instead of failing to upgrade a read lock.
        db = sqlite3.connect(target, timeout=self._busy_timeout_ms / 1000, isolation_level=None,
                             check_same_thread=False, uri=uri)
        self._conn = db
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        return db

    def _open_read_write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        db = self._connect(self.path)
        self.path.chmod(0o600)
        self._enable_wal(self._busy_timeout_ms / 1000)
        # NORMAL in WAL mode: a commit survives an app crash; only a power cut may
        # lose the last commits, never corrupt the file.
        db.execute("PRAGMA synchronous = NORMAL")
        self._migrate()
        if self._needs_prune():
            self.prune()

    def _open_read_only(self, cause: BaseException, refusal: HistoryError) -> None:
        """Open what can be read: the file read-only (``immutable`` when not even the
        WAL index can be made beside it), or an empty store when there is no file."""
        self.read_only = True
        self._write_refusal = refusal
        log.info("history is read-only for this run: %s", reason(cause))
        if not self.path.exists():
            # Every migration, so the empty store answers what a file would (tags, diagnostics).
            db = self._connect(":memory:")
            for migration in MIGRATIONS:
                migration(db, False)
            return
        uri = self.path.resolve().as_uri()
        for query in ("?mode=ro", "?immutable=1"):
            try:
                self._connect(uri + query, uri=True).execute("SELECT count(*) FROM history").fetchone()
                return
            except sqlite3.Error as exc:
                self._close_quietly()
                last = exc
        raise HistoryError(f"cannot read the history database {self.path}: {reason(last)}") from last

    def _close_quietly(self) -> None:
        # A connection left open when __init__ raises is a ResourceWarning on 3.13.
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
            self._conn = None

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise HistoryError(f"the history database {self.path} is closed")
        return self._conn

    @property
    def warning(self) -> str | None:
        """The one line to show when attempts are not being saved, else None."""
        return str(self._write_refusal) if self._write_refusal is not None else None

    @classmethod
    def open(cls, data_dir: str | Path, **options: Any) -> HistoryStore:
        """The store in ``data_dir`` (usually ``AppPaths.data_dir``)."""
        return cls(Path(data_dir) / FILE_NAME, **options)

    # -- plumbing ------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._close_quietly()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._write_refusal is not None:
                raise type(self._write_refusal)(str(self._write_refusal))
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (a full disk does): rolling back
                # again would replace the real error with "no transaction is active".
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

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

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"the history database {self.path} was written by a newer console "
                f"(schema {version}, this one knows {SCHEMA_VERSION}); update the console"
            )
        fts = fts5_trigram_available()
        with self._write() as db:
            # Read again inside the lock: another instance may have migrated meanwhile.
            (version,) = db.execute("PRAGMA user_version").fetchone()
            for number in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[number - 1](db, fts)
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
        replaces: int | None = None,
    ) -> int:
        """Store one attempt and return its id. ``request`` supplies the searchable
        fields (game, player, ...) when the attempt has no JSON request body;
        ``tag`` groups entries made together (a suite run); ``replaces`` is the id of
        the entry it takes the place of (the same attempt kept as ``unanswered``),
        whose id it keeps."""
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
            "profile": target.profile_name,
            "profile_kind": target.profile_kind,
            "api_url": target.api_url,
            "partner_id": target.partner_id,
            "endpoint": endpoint,
            "uuid": attempt.uuid,
            "launch_id": launch_id or str(_uuid.uuid4()),
            "attempt": int(attempt.number),
            "game_id": fields_.gameid,
            "game_type": fields_.gametype if endpoint == "session" else "",
            "player_id": fields_.player_id,
            "nickname": fields_.nickname,
            "language": fields_.language,
            "currency": fields_.currency,
            "session_id": fields_.session_id,
            "ip": fields_.ip,
            "request_json": request_json,
            "http_status": exchange.http_status,
            "response_body": exchange.response_body or "",
            "duration_ms": attempt.duration_ms,
            "ttfb_ms": attempt.ttfb_ms,
            "outcome": attempt.outcome,
            "error_code": attempt.error_code or None,
            "error_message": attempt.error_message or None,
            "game_url": attempt.game_url or None,
            "app_version": self._version(),
            "replay_of": replay_of,
            "tag": tag,
        }
        return self._insert({name: stored_field(name, value) for name, value in row.items()}, replaces=replaces)

    def save_diagnostics(self, launch_id: str, data: dict[str, Any]) -> None:
        """Keep (replace) the game diagnostics of ``launch_id``, redacted and capped."""
        text = capped(redact(json.dumps(data, ensure_ascii=False)), DIAGNOSTICS_BYTES)
        try:
            with self._write() as db:
                db.execute("INSERT OR REPLACE INTO diagnostics (launch_id, data) VALUES (?, ?)", (launch_id, text))
        except (sqlite3.Error, OSError) as exc:
            raise write_error(exc, self.path, "write to") from exc

    def diagnostics_of(self, launch_id: str) -> dict[str, Any] | None:
        """The diagnostics kept for ``launch_id`` (None: none, or cut past reading)."""
        rows = self._rows("SELECT data FROM diagnostics WHERE launch_id = ?", (launch_id,))
        if not rows:
            return None
        try:
            value = json.loads(rows[0][0])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def _insert(self, row: dict[str, Any], *, replaces: int | None = None) -> int:
        if replaces is not None:  # updated in place: its id, its place in the list and its links stay
            sql = f"UPDATE history SET {', '.join(f'{c} = :{c}' for c in INSERT_COLUMNS)} WHERE id = :id"
            try:
                with self._write() as db:
                    if db.execute(sql, {**row, "id": replaces}).rowcount:
                        return replaces
            except (sqlite3.Error, OSError) as exc:
                raise write_error(exc, self.path, "write to") from exc
            # Gone meanwhile (pruned, cleared): kept as a new entry.
        placeholders = ", ".join(f":{c}" for c in INSERT_COLUMNS)
        sql = f"INSERT INTO history ({', '.join(INSERT_COLUMNS)}) VALUES ({placeholders})"
        try:
            with self._write() as db:
                new_id = db.execute(sql, row).lastrowid
            assert new_id is not None  # every INSERT sets it
            self._inserts_since_prune += 1
            if self._inserts_since_prune >= PRUNE_EVERY:
                self.prune()
        except (sqlite3.Error, OSError) as exc:
            raise write_error(exc, self.path, "write to") from exc
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
                db.execute("DELETE FROM diagnostics WHERE launch_id NOT IN (SELECT launch_id FROM history)")
        except (sqlite3.Error, OSError) as exc:
            raise write_error(exc, self.path, "prune") from exc
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
        return [Entry(**dict(row)) for row in self._rows(sql, params)]

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

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot read the history database {self.path}: {exc}") from exc

    def count(self) -> int:
        return int(self._rows("SELECT count(*) FROM history")[0][0])

    def profiles(self) -> list[str]:
        """Profile names that have entries, for a filter list."""
        return [r[0] for r in self._rows("SELECT DISTINCT profile FROM history ORDER BY profile")]

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
        sql, params = search_query(text, outcome, profile, limit, fts=self._fts)
        return self._query(sql, params)
