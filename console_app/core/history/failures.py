"""Why a history write failed, as a project error: a read-only folder or file, a full
disk, or anything else sqlite3 or the OS raised."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from console_app.core.errors import HistoryDiskFullError, HistoryError, HistoryReadOnlyError

#: The one line a caller shows when an attempt is not stored, by cause.
READ_ONLY_LINE = "history not saved: the data folder is read-only ({path})"
DISK_FULL_LINE = "history not saved: disk full ({path}); free some space"

# What "cannot write here" looks like from SQLite (primary result codes) and the OS.
_READ_ONLY_CODES = frozenset({sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM})
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
_NEARLY_FULL_BYTES = 256 * 1024


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


def reason(exc: BaseException) -> str:
    """The OS's words for ``exc`` (its strerror) where it has them, else its text."""
    return exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)


def write_error(exc: BaseException, path: Path, what: str) -> HistoryError:
    """The project error for a failed write, named by its cause."""
    if _is_disk_full(exc, path.parent):
        return HistoryDiskFullError(DISK_FULL_LINE.format(path=path.parent))
    if _is_read_only(exc):
        return HistoryReadOnlyError(READ_ONLY_LINE.format(path=path.parent))
    return HistoryError(f"cannot {what} the history database {path}: {reason(exc)}")

