"""What one stored attempt is (:class:`Entry`) and how each of its fields is made
fit to store: redacted, then capped to :data:`FIELD_LIMITS` / :data:`SHORT_FIELD_BYTES`."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

from console_app.core.models import LaunchRequest
from console_app.core.redaction import redact

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
INSERT_COLUMNS = tuple(c for c in _COLUMNS if c != "id")
_TEXT_COLUMNS = tuple(f.name for f in fields(Entry) if str(f.type).startswith("str"))
_NUMBER_COLUMNS = len(_COLUMNS) - len(_TEXT_COLUMNS)
_NULLABLE_COLUMNS = frozenset(f.name for f in fields(Entry) if "None" in str(f.type))
#: The most one attempt's row holds, in bytes of text plus 8 per number (SQLite adds
#: a few bytes of record header per row).
MAX_ROW_BYTES = (sum(FIELD_LIMITS.values()) + SHORT_FIELD_BYTES * (len(_TEXT_COLUMNS) - len(FIELD_LIMITS))
                 + 8 * _NUMBER_COLUMNS)


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


def stored_field(name: str, value: Any) -> Any:
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
