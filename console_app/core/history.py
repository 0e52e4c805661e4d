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
  :data:`PRUNE_EVERY` inserts, never as a full scan at start-up. Every text field is
  capped (:data:`FIELD_LIMITS`, :data:`SHORT_FIELD_BYTES`; a cut field ends with
  "… N bytes left out"), so one attempt's row never exceeds :data:`MAX_ROW_BYTES`
  (~103 KiB; its search-index copy is smaller still), whatever the server answers.
- **Searchable**: by player ID, session ID, game ID, uuid, error code and free text,
  through an FTS5 trigram index when SQLite has one, else indexed equality plus LIKE.
- **Versioned**: ``PRAGMA user_version`` plus ordered migrations.

- **Never in the way**: a read-only data folder (or file) opens the store read-only
  (:attr:`HistoryStore.read_only`; listing and search work, every write raises
  :class:`HistoryReadOnlyError`); a full disk raises :class:`HistoryDiskFullError`.
  Both say so in one line (:data:`READ_ONLY_LINE`, :data:`DISK_FULL_LINE`): the caller
  warns once and the launch goes on.

sqlite3 and OS errors never leave this module: they become :class:`HistoryError`.
"""

from __future__ import annotations

import errno
import json
import logging
import re
import shutil
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

from console_app.core.errors import HistoryDiskFullError, HistoryError, HistoryReadOnlyError
from console_app.core.models import ApiTarget, Attempt, LaunchRequest
from console_app.core.redaction import redact

log = logging.getLogger("console_app.core.history")

FILE_NAME = "history.sqlite3"
#: Inserts between two prunes (per store instance).
PRUNE_EVERY = 100

#: Most UTF-8 bytes kept per long text field of an attempt, after redaction.
FIELD_LIMITS = {
    "response_body": 64 * 1024,
    "request_json": 16 * 1024,  # an ENTER body is ~300 bytes; room for deliberate bad input
    "game_url": 8 * 1024,
    "error_message": 4 * 1024,
    "api_url": 2 * 1024,
}
#: Most UTF-8 bytes kept of one launch's game diagnostics (200 messages of one line fit).
DIAGNOSTICS_BYTES = 256 * 1024
#: Most UTF-8 bytes kept in every other text field (names, IDs, codes).
SHORT_FIELD_BYTES = 512
_CUT_NOTE = "… {left:,} bytes left out"
_CUT_NOTE_RE = re.compile(r"[ \n]… [0-9,]+ bytes left out\Z")

#: The one line a caller shows when an attempt is not stored, by cause.
READ_ONLY_LINE = "history not saved: the data folder is read-only ({path})"
DISK_FULL_LINE = "history not saved: disk full ({path}); free some space"

# What "cannot write here" looks like from SQLite (primary result codes) and the OS.
_READ_ONLY_CODES = frozenset({sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM})
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
_NEARLY_FULL_BYTES = 256 * 1024
# Characters redacted past a field's limit: far longer than any token in any encoding.
_REDACT_MARGIN = 16 * 1024
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

    @property
    def request_cut(self) -> bool:
        """True when the request was too long to keep whole (it cannot be replayed)."""
        return bool(_CUT_NOTE_RE.search(self.request_json))

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
_TEXT_COLUMNS = tuple(f.name for f in fields(Entry) if str(f.type).startswith("str"))
_NUMBER_COLUMNS = len(_COLUMNS) - len(_TEXT_COLUMNS)
_NULLABLE_COLUMNS = frozenset(f.name for f in fields(Entry) if "None" in str(f.type))
#: The most one attempt's row holds, in bytes of text plus 8 per number (SQLite adds
#: a few bytes of record header per row).
MAX_ROW_BYTES = (sum(FIELD_LIMITS.values()) + SHORT_FIELD_BYTES * (len(_TEXT_COLUMNS) - len(FIELD_LIMITS))
                 + 8 * _NUMBER_COLUMNS)


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


def _migrate_3(db: sqlite3.Connection, fts: bool) -> None:
    # A side table: a game page's diagnostics arrive after its attempts are stored and
    # keep changing while the page runs; one JSON document per launch, replaced whole.
    db.execute("CREATE TABLE diagnostics (launch_id TEXT PRIMARY KEY, data TEXT NOT NULL)")


#: Migration n takes the schema from version n-1 to n; never edit one that shipped.
_MIGRATIONS: tuple[Callable[[sqlite3.Connection, bool], None], ...] = (_migrate_1, _migrate_2, _migrate_3)
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


def capped(text: str, limit: int, *, beyond: int = 0) -> str:
    """``text`` in at most ``limit`` UTF-8 bytes: cut, if need be, on a character
    boundary and ended with "… N bytes left out" (the note counts in the limit).
    ``beyond``: bytes already cut off after ``text`` by the caller. A lone surrogate (a
    hostile ``\\ud800`` decoded from JSON) becomes "?": SQLite stores only UTF-8."""
    data = text.encode("utf-8", "replace")
    total = len(data) + beyond
    if total <= limit:
        return data.decode("utf-8")
    # The note's own length depends on N; the longest N (the whole text) bounds it.
    room = max(0, limit - len(("\n" + _CUT_NOTE.format(left=total)).encode()))
    kept = data[:room].decode("utf-8", "ignore")
    left = total - len(kept.encode("utf-8"))
    return kept + ("\n" if "\n" in kept else " ") + _CUT_NOTE.format(left=left)


def _field(name: str, value: Any) -> Any:
    """A stored field: redacted, then capped. Only the part that can be kept, plus a
    margin longer than any encoded secret, is redacted: the time stays bounded
    whatever the size, and a secret split at the margin lies in the part cut off."""
    if value is None:
        return None if name in _NULLABLE_COLUMNS else ""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    limit = FIELD_LIMITS.get(name, SHORT_FIELD_BYTES)
    head = text[:limit + _REDACT_MARGIN]
    beyond = len(text[len(head):].encode("utf-8", "replace")) if len(head) < len(text) else 0
    return capped(redact(head), limit, beyond=beyond)


def _is_read_only(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _READ_ONLY_CODES
    return isinstance(exc, OSError) and exc.errno in _READ_ONLY_ERRNOS


def _is_disk_full(exc: BaseException, directory: Path) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return True
    # Creating the WAL index on a full disk fails as a plain "disk I/O error".
    if code == sqlite3.SQLITE_IOERR:
        try:
            return shutil.disk_usage(directory).free < _NEARLY_FULL_BYTES
        except OSError:
            return False
    return False


def _reason(exc: BaseException) -> str:
    return exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)


def _write_error(exc: BaseException, path: Path, what: str) -> HistoryError:
    """The project error for a failed write, named by its cause."""
    if _is_disk_full(exc, path.parent):
        return HistoryDiskFullError(DISK_FULL_LINE.format(path=path.parent))
    if _is_read_only(exc):
        return HistoryReadOnlyError(READ_ONLY_LINE.format(path=path.parent))
    return HistoryError(f"cannot {what} the history database {path}: {_reason(exc)}")


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
            from console_app import __version__

            app_version = __version__
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
            refusal = _write_error(exc, self.path, "open")
            if type(refusal) is HistoryError:
                raise HistoryError(
                    f"cannot open the history database {self.path}: {_reason(exc)}; "
                    "close other copies of the console or move the file away to start afresh"
                ) from exc
            self._open_read_only(exc, refusal)
        try:
            self._fts = bool(self._rows("SELECT 1 FROM sqlite_master WHERE name = 'history_fts'"))
        except HistoryError:
            self._close_quietly()
            raise

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
        log.info("history is read-only for this run: %s", _reason(cause))
        if not self.path.exists():
            _migrate_1(self._connect(":memory:"), False)
            return
        uri = self.path.resolve().as_uri()
        for query in ("?mode=ro", "?immutable=1"):
            try:
                self._connect(uri + query, uri=True).execute("SELECT count(*) FROM history").fetchone()
                return
            except sqlite3.Error as exc:
                self._close_quietly()
                last = exc
        raise HistoryError(f"cannot read the history database {self.path}: {_reason(last)}") from last

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
            "app_version": self._app_version,
            "replay_of": replay_of,
            "tag": tag,
        }
        return self._insert({name: _field(name, value) for name, value in row.items()})

    def save_diagnostics(self, launch_id: str, data: dict[str, Any]) -> None:
        """Keep (replace) the game diagnostics of ``launch_id``, redacted and capped."""
        text = capped(redact(json.dumps(data, ensure_ascii=False)), DIAGNOSTICS_BYTES)
        try:
            with self._write() as db:
                db.execute("INSERT OR REPLACE INTO diagnostics (launch_id, data) VALUES (?, ?)", (launch_id, text))
        except (sqlite3.Error, OSError) as exc:
            raise _write_error(exc, self.path, "write to") from exc

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

    def _insert(self, row: dict[str, Any]) -> int:
        placeholders = ", ".join(f":{c}" for c in _INSERT_COLUMNS)
        sql = f"INSERT INTO history ({', '.join(_INSERT_COLUMNS)}) VALUES ({placeholders})"
        try:
            with self._write() as db:
                new_id = db.execute(sql, row).lastrowid
            assert new_id is not None  # every INSERT sets it
            self._inserts_since_prune += 1
            if self._inserts_since_prune >= PRUNE_EVERY:
                self.prune()
        except (sqlite3.Error, OSError) as exc:
            raise _write_error(exc, self.path, "write to") from exc
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
            raise _write_error(exc, self.path, "prune") from exc
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
    launch_id: str | None = None,
    on_error: Callable[[HistoryError], None] | None = None,
) -> Callable[[Attempt], None]:
    """An ``on_attempt`` callback for the client that stores each attempt of ONE
    launch (they share ``launch_id``, a new one by default). A history failure never
    breaks the launch: it goes to ``on_error`` (default: logged as a warning) and
    nothing more is tried for this launch, so the user hears of it once. The
    callback's ``launch_id`` attribute is the id its attempts share (for
    :meth:`HistoryStore.attempts_of`)."""
    launch_id = launch_id or str(_uuid.uuid4())
    failed = False

    def record(attempt: Attempt) -> None:
        nonlocal failed
        if failed:
            return
        try:
            store.record_attempt(attempt, target=target, request=request, endpoint=endpoint,
                                 launch_id=launch_id, replay_of=replay_of)
        except HistoryError as exc:
            failed = True
            if on_error is not None:
                on_error(exc)
            else:
                log.warning("attempt %s not recorded in history: %s", attempt.number, exc)

    record.launch_id = launch_id  # type: ignore[attr-defined]
    return record
