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

sqlite3 and OS errors never leave this package: they become :class:`HistoryError`.

Modules: :mod:`.entry` (the row and its field caps), :mod:`.schema` (migrations, FTS),
:mod:`.store` (connection, writes, reads, pruning), :mod:`.search` (the search query),
:mod:`.failures` (errors by cause), :mod:`.recording` (the per-launch callback).
"""

from console_app.core.history.entry import (
    DIAGNOSTICS_BYTES,
    FIELD_LIMITS,
    MAX_ROW_BYTES,
    SHORT_FIELD_BYTES,
    Entry,
    capped,
    utc_iso,
)
from console_app.core.history.failures import DISK_FULL_LINE, READ_ONLY_LINE
from console_app.core.history.recording import recorder
from console_app.core.history.schema import SCHEMA_VERSION
from console_app.core.history.store import FILE_NAME, PRUNE_EVERY, HistoryStore

__all__ = [
    "DIAGNOSTICS_BYTES", "DISK_FULL_LINE", "FIELD_LIMITS", "FILE_NAME", "MAX_ROW_BYTES", "PRUNE_EVERY",
    "READ_ONLY_LINE", "SCHEMA_VERSION", "SHORT_FIELD_BYTES", "Entry", "HistoryStore", "capped", "recorder",
    "utc_iso",
]
