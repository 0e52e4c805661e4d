"""The partner API the sandbox answers: ENTER (``/api/session``), the game list and
round snapshots, each authenticated and validated as the spec describes, and the
fault an endpoint was switched to answered in its place."""

from __future__ import annotations

import hmac
import logging
import ssl
from typing import Any
from urllib.parse import quote

from console_app.sandbox.codes import SandboxApiError, auth_error
from console_app.sandbox.faults import DEFAULT_HUGE_SIZE, Fault
from console_app.sandbox.transport import BaseHandler, Response, json_response
from console_app.sandbox.validation import (
    require_object,
    validate_enter,
    validate_gamelist,
    validate_transaction_id,
)

log = logging.getLogger("console_app.sandbox")

_CHUNK = 64 * 1024
#: The API's paths, by endpoint name (the name faults are switched by).
API_ENDPOINTS = {"/api/session": "session", "/api/gamelist": "gamelist",
                 "/api/snapshot.php": "snapshot"}
_API_METHODS = {"session": ("POST",), "gamelist": ("POST",), "snapshot": ("GET", "POST")}
_PROXY_502_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
_G01_MESSAGE = "System error, please retry. If it keeps happening, report it to LuckyMonaco."


def api_error(error: SandboxApiError) -> Response:
    """The answer that carries ``error``, as the real API words it."""
    return json_response(error.status, error.body())


class ApiHandler(BaseHandler):
    """The ``/api`` endpoints, faults included."""

    def _api(self, endpoint: str, query: dict[str, str], body: bytes, parsed: Any) -> None:
        fault = self.sandbox._faults.take(endpoint)
        if fault is not None:
            log.info("fault %s on %s", fault.kind, endpoint)
            if fault.kind == "delay":
                if not self._wait(fault.delay):
                    self.close_connection = True
                    return
            elif fault.kind != "drip":
                self._fail(fault)
                return
        try:
            response = self._api_answer(endpoint, query, body, parsed)
        except SandboxApiError as error:
            response = api_error(error)
        self._send(response, drip=fault.delay if fault is not None and fault.kind == "drip" else None)

    def _api_answer(self, endpoint: str, query: dict[str, str], body: bytes, parsed: Any) -> Response:
        if self.command not in _API_METHODS[endpoint]:
            allowed = ", ".join(_API_METHODS[endpoint])
            raise SandboxApiError("G.3", f"method {self.command} not allowed here; use {allowed}")
        sandbox = self.sandbox
        given_id = query.get("MEMB_ID", "")
        given_token = query.get("HASH", "")
        if not (hmac.compare_digest(given_id.encode(), sandbox.partner_id.encode())
                and hmac.compare_digest(given_token.encode(), sandbox.token.encode())):
            raise auth_error()
        if endpoint == "snapshot" and self.command == "GET":
            return self._snapshot(query.get("transaction_id"))
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise SandboxApiError(
                "V.0", f"Content-Type: expected application/json, got {content_type or 'none'}")
        if parsed is None and body.strip() != b"null":
            raise SandboxApiError("V.1", "body: not valid JSON")
        if endpoint == "session":
            return self._enter(parsed)
        if endpoint == "gamelist":
            validate_gamelist(parsed)
            return json_response(200, {"gametype": "slot", "gamelist": [
                {"gameid": game_id, "gameName": name,
                 "icon_url": f"{self._base_url()}/icons/{quote(game_id)}.svg"}
                for game_id, name in sandbox.world.games.items()]})
        return self._snapshot(require_object(parsed).get("transaction_id"))

    def _enter(self, parsed: Any) -> Response:
        world = self.sandbox.world
        request = validate_enter(parsed, world.games)
        if not world.claim_uuid(request.uuid):
            raise SandboxApiError(
                "V.6", f"uuid: {request.uuid!r} was already used; every request needs a new uuid4")
        token = world.open_session(
            game_id=request.gameid, player_id=request.player_id, nickname=request.nickname,
            language=request.language, currency=request.currency,
            session_id=request.session_id, ip=request.ip)
        return json_response(200, {"url": f"{self._base_url()}/game/index.html?token={token}"})

    def _snapshot(self, transaction_id: Any) -> Response:
        transaction_id = validate_transaction_id(transaction_id)
        world = self.sandbox.world
        if world.find_round(transaction_id) is None:
            raise SandboxApiError("V.7", f"transaction_id: unknown transaction {transaction_id!r}")
        token = world.open_snapshot(transaction_id)
        return json_response(200, {"url": f"{self._base_url()}/snapshot/index.html?token={token}"})

    def _fail(self, fault: Fault) -> None:
        """Answer (or not) as ``fault`` says; every kind but delay and drip."""
        base = self._base_url()
        if fault.kind == "g01":
            self._send(json_response(503, {"errors": {"code": "G.01", "message": _G01_MESSAGE}}))
        elif fault.kind == "html502":
            self._send(Response(502, _PROXY_502_PAGE, "text/html"))
        elif fault.kind == "malformed_json":
            broken = '{"url": "' + base + '/game/index.html?token=broken", "extra": [1, 2,}'
            self._send(Response(200, broken.encode(), "application/json"))
        elif fault.kind == "no_url":
            self._send(json_response(200, {"status": "ok", "session": "created"}))
        elif fault.kind == "javascript_url":
            self._send(json_response(200, {"url": "javascript:alert(1)"}))
        elif fault.kind == "retry_after_429":
            self._send(json_response(
                429, {"errors": {"code": "G.01", "message": "Too many requests; retry later."}},
                {"Retry-After": str(fault.retry_after)}))
        elif fault.kind == "huge_body":
            self._send_huge(fault.size or DEFAULT_HUGE_SIZE, base)
        elif fault.kind == "hang":
            self._wait(None)
            self.close_connection = True
        else:  # "drop": the request was read in full; close without a word
            self.close_connection = True

    def _send_huge(self, size: int, base: str) -> None:
        head = ('{"url": "' + base + '/game/index.html?token=huge", "padding": "').encode()
        tail = b'"}'
        padding = max(0, size - len(head) - len(tail))
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(head) + padding + len(tail)))
            self.end_headers()
            self.wfile.write(head)
            chunk = b"x" * _CHUNK
            while padding > 0:
                self.wfile.write(chunk[:padding])
                padding -= _CHUNK
            self.wfile.write(tail)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True  # the client stopped reading: its cap worked
