"""Requests as cURL commands people can paste into a POSIX shell.

The partner token is written as ``"$LM_TOKEN"`` (the shell fills it in at run time),
never as its value, unless the caller passes the token explicitly: the command can
then go into tickets, chats and clipboards safely.
"""

from __future__ import annotations

import json
import shlex
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from console_app.core.redaction import Secret

if TYPE_CHECKING:
    from console_app.core.history import Entry

#: The environment variable the command reads the partner token from.
TOKEN_ENV = "LM_TOKEN"
# Fails with a clear message when the variable is unset, instead of sending HASH=.
# The quote right after "HASH=" keeps redact() (which masks HASH=value) off the reference.
_TOKEN_REF = f'HASH="${{{TOKEN_ENV}:?set {TOKEN_ENV} to the partner token}}"'

#: The path each endpoint POSTs to.
ENDPOINT_PATHS = {"session": "/api/session", "snapshot": "/api/snapshot.php", "gamelist": "/api/gamelist"}


def to_curl(
    source: Entry | tuple[str, str, dict[str, Any] | str],
    reveal_token: Secret | None = None,
    *,
    endpoint: str = "session",
) -> str:
    """A ``curl`` command that sends the same request: a history entry, or
    ``(api_url, partner_id, body)``. The token is ``"$LM_TOKEN"`` unless
    ``reveal_token`` is given (then its value, quoted). ``--url-query`` (curl 7.87+)
    percent-encodes the token, so tokens with ``&``, ``@`` or ``^`` work as they are."""
    if isinstance(source, tuple):
        api_url, partner_id, body = source
    else:
        api_url, partner_id, body, endpoint = (
            source.api_url, source.partner_id, source.request_json, source.endpoint)
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    url = f"{api_url.rstrip('/')}{ENDPOINT_PATHS[endpoint]}?MEMB_ID={quote(partner_id, safe='')}"
    token = shlex.quote("HASH=" + reveal_token.reveal()) if reveal_token else _TOKEN_REF
    return " \\\n  ".join([
        "curl --silent --show-error --fail-with-body -X POST",
        shlex.quote(url),
        "--url-query " + token,
        "-H " + shlex.quote("Content-Type: application/json"),
        "--data-raw " + shlex.quote(data),
    ])
