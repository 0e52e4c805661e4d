"""What screen-share hides, decided in one place for every view.

Under screen-share the partner token and game tokens are masked as always (see
:func:`~console_app.core.redaction.redact`), and so are the IDs a viewer of a shared
screen must not read: player, session and partner IDs. Views ask a
:class:`ScreenShareMask` for each value they show (:meth:`~ScreenShareMask.value`)
and for each text that may contain IDs (:meth:`~ScreenShareMask.text`): a request
JSON, an answer body, a log line, a status line. Masks have a fixed length, so
neither an ID's first letter nor its length shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from console_app.core.redaction import MASK, redact

#: JSON keys whose string values are IDs (the request's ``player.id``,
#: ``player.session.id``, and the names the console's own records use).
ID_KEYS = ("id", "player_id", "session_id", "partner_id", "memb_id", "MEMB_ID", "playerId", "sessionId")
_JSON_ID = re.compile(r'("(?:' + "|".join(re.escape(k) for k in ID_KEYS) + r')"\s*:\s*")((?:[^"\\]|\\.)*)(")')
#: ``MEMB_ID=…`` (the partner ID in every API URL) and ``player_id=…`` style pairs.
_QUERY_ID = re.compile(r"(?i)\b(MEMB_ID|player_id|session_id|partner_id|playerId|sessionId)=([^&\s\"'<>]+)")
#: IDs shorter than this are not searched for in free text (they would mask words).
MIN_ID_LENGTH = 3


class ScreenShareMask:
    """The screen-share state of one window and the IDs it has shown."""

    def __init__(self) -> None:
        self.on = False
        self._ids: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def remember(self, *ids: str | None) -> None:
        """IDs the window shows (player, session, partner): masked in any text too."""
        new = {i for i in ids if i and len(i) >= MIN_ID_LENGTH and i != MASK} - self._ids
        if new:
            self._ids |= new
            self._pattern = None

    def value(self, value: str | None) -> str:
        """An ID as a view shows it: the fixed mask under screen-share."""
        if not value:
            return value or ""
        return MASK if self.on else value

    def text(self, text: str) -> str:
        """``text`` redacted, and under screen-share with every ID masked."""
        return self.ids(redact(text))

    def ids(self, text: str) -> str:
        """``text`` (already redacted) with every ID masked under screen-share; as it
        is otherwise."""
        if not self.on or not text:
            return text
        text = _JSON_ID.sub(lambda m: m.group(1) + (MASK if m.group(2) else "") + m.group(3), text)
        text = _QUERY_ID.sub(lambda m: f"{m.group(1)}={MASK}", text)
        pattern = self._known_pattern()
        return pattern.sub(MASK, text) if pattern is not None else text

    def _known_pattern(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._ids:
            self._pattern = re.compile("|".join(re.escape(form) for form in _forms(self._ids)))
        return self._pattern


def _forms(ids: Iterable[str]) -> list[str]:
    """Each ID as text may carry it (literal, percent-encoded), longest first."""
    forms = {f for i in ids for f in (i, quote(i, safe=""), quote_plus(i, safe=""))}
    return sorted(forms, key=len, reverse=True)
