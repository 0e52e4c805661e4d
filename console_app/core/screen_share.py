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

from console_app.core.redaction import MASK, SecretSet, redact

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
        # The same matcher as the secrets: an ID is masked in every encoding too.
        self._ids = SecretSet(min_length=MIN_ID_LENGTH)

    def remember(self, *ids: str | None) -> None:
        """IDs the window shows (player, session, partner): masked in any text too."""
        self._ids.add(*(i for i in ids if i != MASK))

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
        return self._ids.mask(text) if len(self._ids) else text
