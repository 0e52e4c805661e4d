"""The error codes the sandbox answers with, as data.

LuckyMonaco documents only the categories (``G.*`` generic failure, ``V.*`` input
validation failed), ``G.0`` (authentication, seen in the ENTER example), ``G.01``
(system error, retry) and ``G.1`` (``INVALID GAME TYPE`` on the game list). The rest
of this table is the sandbox's own, chosen so every kind of bad input has a stable
code that tests and the error dictionary can name:

====  ======  ===============================================================
code  status  when
====  ======  ===============================================================
G.0   401     MEMB_ID or HASH missing or wrong (the spec's own message)
G.01  503     system error, should be retried (only through the ``g01`` fault)
G.1   400     game list: gametype is not ``slot`` (``{"error": ...}`` shape)
G.2   400     ENTER: gametype ``table`` ("table games are not available now")
G.3   405     the path exists but not for this HTTP method
G.4   404     no such API path
V.0   415     Content-Type is not ``application/json``
V.1   400     the body is not JSON, or not a JSON object
V.2   400     a field has an invalid value (bad uuid4, language, currency, ip, ...)
V.3   400     a required field is missing
V.4   400     a field has the wrong JSON type (e.g. a number instead of a string)
V.5   400     gameid is not in the sandbox's catalog
V.6   409     the uuid was already used by an earlier ENTER
V.7   404     snapshot: unknown transaction_id
V.8   413     the request body is larger than the sandbox accepts
====  ======  ===============================================================

Every message names the field first (``player.language: 'xx' is not an ISO 639-1
code``), so a person can tell at once what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The spec's authentication failure text, trailing space included.
AUTH_MESSAGE = (
    "Could not authenticate, please review sent data and try again. "
    "If problem persists, contact customer support "
)

#: code -> (HTTP status, what it means). The module docstring is the readable copy.
CODES: dict[str, tuple[int, str]] = {
    "G.0": (401, "authentication failed"),
    "G.01": (503, "system error, should be retried"),
    "G.1": (400, "invalid game type (game list)"),
    "G.2": (400, "table games are not available now"),
    "G.3": (405, "method not allowed"),
    "G.4": (404, "no such API path"),
    "V.0": (415, "Content-Type must be application/json"),
    "V.1": (400, "body is not a JSON object"),
    "V.2": (400, "invalid value"),
    "V.3": (400, "missing field"),
    "V.4": (400, "wrong type"),
    "V.5": (400, "unknown game"),
    "V.6": (409, "uuid already used"),
    "V.7": (404, "unknown transaction"),
    "V.8": (413, "request body too large"),
}

#: Which codes each API endpoint can answer with (G.4 and V.8 come before the path is
#: known, so a wrong API URL or an oversized body gets them on any call).
ENDPOINT_CODES: dict[str, tuple[str, ...]] = {
    "session": ("G.0", "G.01", "G.2", "G.3", "G.4", "V.0", "V.1", "V.2", "V.3", "V.4", "V.5", "V.6", "V.8"),
    "gamelist": ("G.0", "G.01", "G.1", "G.3", "G.4", "V.0", "V.1", "V.8"),
    "snapshot": ("G.0", "G.01", "G.3", "G.4", "V.0", "V.1", "V.2", "V.3", "V.4", "V.7", "V.8"),
}


@dataclass
class SandboxApiError(Exception):
    """An API failure the sandbox answers with: HTTP status plus a code and message.

    ``shape`` picks the body form: ``"errors"`` (ENTER and most calls) or ``"error"``
    (the game list's singular form, as the spec shows it)."""

    code: str
    message: str
    shape: str = "errors"

    @property
    def status(self) -> int:
        return CODES[self.code][0]

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def body(self) -> dict[str, Any]:
        return {self.shape: {"code": self.code, "message": self.message}}


def auth_error(shape: str = "errors") -> SandboxApiError:
    """The spec's ``G.0`` authentication failure."""
    return SandboxApiError("G.0", AUTH_MESSAGE, shape)
