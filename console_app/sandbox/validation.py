"""Checks the sandbox applies to request bodies, as the spec describes the fields.

Each check raises :class:`~console_app.sandbox.codes.SandboxApiError` with the first
problem found, in the spec's field order, naming the field (``player.session.ip``).
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import uuid as _uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from console_app.sandbox.codes import SandboxApiError

GAME_TYPES = ("slot", "table")

_LANGUAGE_RE = re.compile(r"[a-z]{2}")
# ISO 4217 codes are three upper-case letters; partners also use non-ISO ones (IDX).
_CURRENCY_RE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class EnterRequest:
    """A validated ENTER body."""

    uuid: str
    gametype: str
    gameid: str
    player_id: str
    nickname: str
    language: str
    currency: str
    session_id: str
    ip: str


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array",
            dict: "object"}.get(type(value), type(value).__name__)


def _field[T](container: Mapping[str, Any], key: str, path: str, kind: type[T]) -> T:
    if key not in container:
        raise SandboxApiError("V.3", f"{path}: missing")
    value = container[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        expected = "a string" if kind is str else "an object"
        raise SandboxApiError("V.4", f"{path}: expected {expected}, got {_type_name(value)}")
    return value


def _text(container: Mapping[str, Any], key: str, path: str) -> str:
    value = _field(container, key, path, str)
    if not value.strip():
        raise SandboxApiError("V.2", f"{path}: must not be empty")
    return value


def _object(container: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    object_value: dict[str, Any] = _field(container, key, path, dict)
    return object_value


def require_object(body: Any) -> Mapping[str, Any]:
    """``body`` itself must be a JSON object."""
    if not isinstance(body, dict):
        raise SandboxApiError("V.1", f"body: expected a JSON object, got {_type_name(body)}")
    return body


def check_uuid4(value: str, path: str = "uuid") -> str:
    """A canonical (lower-case, hyphenated) version-4 uuid."""
    try:
        parsed = _uuid.UUID(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.version != 4 or str(parsed) != value:
        raise SandboxApiError("V.2", f"{path}: {value!r} is not a canonical uuid4")
    return value


def check_language(value: str, path: str = "player.language") -> str:
    """A two-letter, lower-case ISO 639-1 code."""
    import pycountry  # loads its databases on first use; the app need not pay for it

    if not _LANGUAGE_RE.fullmatch(value) or pycountry.languages.get(alpha_2=value) is None:
        raise SandboxApiError("V.2", f"{path}: {value!r} is not an ISO 639-1 code")
    return value


def check_currency(value: str, path: str = "player.currency") -> str:
    """Three upper-case letters: ISO 4217, or a partner's own code such as ``IDX``."""
    if not _CURRENCY_RE.fullmatch(value):
        raise SandboxApiError(
            "V.2", f"{path}: {value!r} is not a 3-letter upper-case currency code (ISO 4217)")
    return value


def check_ip(value: str, path: str = "player.session.ip") -> str:
    """An IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise SandboxApiError("V.2", f"{path}: {value!r} is not an IPv4 or IPv6 address") from None
    return value


def check_gameid(value: str, games: Mapping[str, str], path: str = "gameid") -> str:
    """A game ID the sandbox knows; the message suggests the closest one (typos such as
    ``Im_60_tumblefortune`` occur in partner material)."""
    if value in games:
        return value
    close = difflib.get_close_matches(value, list(games), n=1, cutoff=0.8)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise SandboxApiError("V.5", f"{path}: unknown game {value!r}{hint}")


def validate_enter(body: Any, games: Mapping[str, str]) -> EnterRequest:
    """Validate an ENTER body; ``games`` maps game ID to name.

    ``gametype: "table"`` passes validation of its value but is refused with ``G.2``
    before the game ID is looked at, as table games do not exist yet."""
    body = require_object(body)
    request_uuid = check_uuid4(_text(body, "uuid", "uuid"))
    gametype = _text(body, "gametype", "gametype")
    if gametype not in GAME_TYPES:
        raise SandboxApiError("V.2", f"gametype: {gametype!r} is not one of slot, table")
    if gametype == "table":
        raise SandboxApiError("G.2", "table games are not available now")
    gameid = check_gameid(_text(body, "gameid", "gameid"), games)
    player = _object(body, "player", "player")
    player_id = _text(player, "id", "player.id")
    nickname = _text(player, "nickname", "player.nickname")
    language = check_language(_text(player, "language", "player.language"))
    currency = check_currency(_text(player, "currency", "player.currency"))
    session = _object(player, "session", "player.session")
    session_id = _text(session, "id", "player.session.id")
    ip = check_ip(_text(session, "ip", "player.session.ip"))
    return EnterRequest(request_uuid, gametype, gameid, player_id, nickname, language,
                        currency, session_id, ip)


def validate_gamelist(body: Any) -> str:
    """The game list body: ``{"gametype": "slot"}``; anything else is ``G.1``."""
    body = require_object(body)
    gametype = body.get("gametype")
    if gametype != "slot":
        raise SandboxApiError("G.1", "INVALID GAME TYPE", shape="error")
    return "slot"


def validate_transaction_id(value: Any) -> str:
    """A snapshot's ``transaction_id``: a non-empty string."""
    if value is None:
        raise SandboxApiError("V.3", "transaction_id: missing")
    if not isinstance(value, str):
        raise SandboxApiError("V.4", f"transaction_id: expected a string, got {_type_name(value)}")
    if not value.strip():
        raise SandboxApiError("V.2", "transaction_id: must not be empty")
    return value
