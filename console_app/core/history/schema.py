"""The history database's schema: ordered migrations (``PRAGMA user_version``) and
the FTS5 trigram index for free-text search, where SQLite has one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

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


def _migrate_4(db: sqlite3.Connection, fts: bool) -> None:
    # An attempt is kept as it is sent ("unanswered") and updated in place with its
    # answer: the search index follows the update.
    if fts:
        db.execute(
            f"CREATE TRIGGER history_fts_update AFTER UPDATE ON history BEGIN "
            f"DELETE FROM history_fts WHERE rowid = old.id; "
            f"INSERT INTO history_fts(rowid, doc) VALUES (new.id, {_FTS_DOC}); END"
        )


#: Migration n takes the schema from version n-1 to n; never edit one that shipped.
MIGRATIONS: tuple[Callable[[sqlite3.Connection, bool], None], ...] = (_migrate_1, _migrate_2, _migrate_3, _migrate_4)
SCHEMA_VERSION = len(MIGRATIONS)


def fts5_trigram_available() -> bool:
    try:
        probe = sqlite3.connect(":memory:")
        try:
            probe.execute("CREATE VIRTUAL TABLE t USING fts5(doc, tokenize='trigram')")
        finally:
            probe.close()
    except sqlite3.Error:
        return False
    return True

