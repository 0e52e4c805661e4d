"""The LuckyMonaco sandbox: a local reference server of the partner API.

The console embeds it so it works with no credentials, and every test talks to it
over real loopback sockets. It is stdlib only (``http.server``): nothing to import at
start-up, and full control of the socket for faults such as dropped connections.

Endpoints (``MEMB_ID``/``HASH`` in the query string on every ``/api`` call):

- ``POST /api/session``: ENTER; validates the body as the spec describes it (codes in
  :mod:`console_app.sandbox.codes`) and answers ``{"url": "<url>/game/index.html?token=..."}``.
- ``POST /api/gamelist``: ``{"gametype": "slot"}`` -> the catalog, each game with an
  ``icon_url`` (``/icons/<gameid>.svg``, generated).
- ``GET|POST /api/snapshot.php``: ``transaction_id`` -> the URL of that round's result
  page. Rounds come from spins in the demo game, and every ``tx-demo-...`` ID exists.
- ``GET /game/index.html?token=...``: the demo game; ``POST /game/spin`` plays a round.
- ``GET /snapshot/index.html?token=...``: a round's result page.
- ``/_sandbox/faults`` (``POST`` a :class:`Fault` as JSON, ``GET``, ``DELETE``) and
  ``/_sandbox/requests`` (``GET``, ``DELETE``): run-time control for QA. They answer
  only local tools: a loopback ``Host`` (a DNS-rebound name is refused), no foreign
  ``Origin`` or cross-site ``Sec-Fetch-Site``, and ``POST`` bodies as
  ``application/json`` (which a web page cannot send cross-origin without a CORS
  preflight, and the sandbox answers none), so a web page cannot switch faults.

Every request except ``/_sandbox`` calls is recorded (:attr:`SandboxServer.requests`)
in a ring of the last :data:`REQUEST_LOG_SIZE`, each body kept up to
:data:`RECORDED_BODY_BYTES`: the log must not grow with what clients send.
Logging goes to the ``console_app.sandbox`` logger, always through ``redact()``.
"""

from __future__ import annotations

import collections
import hmac
import ipaddress
import json as _json
import logging
import re
import select
import socket
import socketserver
import ssl
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from console_app.core.redaction import MASK, SECRET_PARAMS, redact

if TYPE_CHECKING:
    from console_app.core.models import ApiTarget
from console_app.sandbox import pages
from console_app.sandbox.codes import SandboxApiError, auth_error
from console_app.sandbox.faults import DEFAULT_HUGE_SIZE, FAULT_KINDS, Fault, FaultBoard
from console_app.sandbox.game import SandboxWorld
from console_app.sandbox.validation import (
    require_object,
    validate_enter,
    validate_gamelist,
    validate_transaction_id,
)

__all__ = [
    "DEFAULT_PARTNER_ID", "DEFAULT_TOKEN", "FAULT_KINDS", "Fault", "RecordedRequest",
    "SandboxServer",
]

log = logging.getLogger("console_app.sandbox")

#: The sandbox's demo credentials: public on purpose, it is a sandbox.
DEFAULT_PARTNER_ID = "sandbox-partner"
DEFAULT_TOKEN = "sandbox-demo-token"

#: Request bodies above this are refused (``V.8``) without being read.
MAX_REQUEST_BODY = 1_000_000
#: How many requests the log keeps (the oldest go first).
REQUEST_LOG_SIZE = 500
#: How much of a request body the log keeps; a longer body is kept without its ``json``.
RECORDED_BODY_BYTES = 64 * 1024
_CHUNK = 64 * 1024
# How often the serving loop looks for a stop request: bounds how long stop() takes.
_POLL_INTERVAL = 0.05
_API_ENDPOINTS = {"/api/session": "session", "/api/gamelist": "gamelist",
                  "/api/snapshot.php": "snapshot"}
_API_METHODS = {"session": ("POST",), "gamelist": ("POST",), "snapshot": ("GET", "POST")}
_HOST_HEADER_RE = re.compile(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")
_HOST_NAME_RE = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9.\-]+))(?::\d{1,5})?")
# Sec-Fetch-Site values of requests a web page of another site did not make.
_OWN_FETCH_SITES = ("same-origin", "none")
_PROXY_502_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
_G01_MESSAGE = "System error, please retry. If it keeps happening, report it to LuckyMonaco."


class _Headers(dict[str, str]):
    """Request headers: names stored lower-case, looked up case-insensitively."""

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the sandbox received it (secrets included: tests may need them;
    use :meth:`redacted` for anything shown or stored). ``body`` is the first
    :data:`RECORDED_BODY_BYTES` of ``body_size`` bytes; ``json`` is kept only for a
    body kept whole."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any
    body_size: int = -1

    def __post_init__(self) -> None:
        if self.body_size < 0:
            object.__setattr__(self, "body_size", len(self.body))
        if len(self.body) > RECORDED_BODY_BYTES:
            object.__setattr__(self, "body", self.body[:RECORDED_BODY_BYTES])
            object.__setattr__(self, "json", None)

    def redacted(self) -> dict[str, Any]:
        """A JSON-ready copy with ``HASH``/``token`` values and known secrets masked."""
        secret_names = {name.lower() for name in SECRET_PARAMS}
        query = {k: MASK if k.lower() in secret_names else v for k, v in self.query.items()}
        text = self.body.decode("utf-8", "replace")
        return {
            "method": self.method,
            "path": self.path,
            "query": query,
            "headers": {k: redact(v) for k, v in self.headers.items()},
            "body": redact(text),
            "json": _json.loads(redact(_json.dumps(self.json))) if self.json is not None else None,
        }


@dataclass
class _Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Mapping[str, str] | None = None


def _json_response(status: int, value: Any, headers: Mapping[str, str] | None = None) -> _Response:
    return _Response(status, _json.dumps(value, ensure_ascii=False).encode("utf-8"),
                     "application/json", headers)


def _api_error(error: SandboxApiError) -> _Response:
    return _json_response(error.status, error.body())


def _forbidden(message: str) -> _Response:
    return _json_response(403, {"errors": {"code": "forbidden", "message": message}})


def _is_loopback_host(host: str) -> bool:
    """True for a Host header naming localhost or a loopback address (with any port)."""
    match = _HOST_NAME_RE.fullmatch(host.strip())
    if match is None:
        return False
    name = match.group("v6") or match.group("name")
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class _Server(ThreadingHTTPServer):
    # The stdlib backlog of 5 fails 50 simultaneous connects.
    request_queue_size = 128
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer,
                 family: socket.AddressFamily) -> None:
        self.address_family = family
        self.sandbox = sandbox
        self.stopping = threading.Event()
        self._open_lock = threading.Lock()
        self._open: dict[socket.socket, threading.Thread] = {}
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look the host's name up (reverse DNS): skip it.
        socketserver.TCPServer.server_bind(self)
        host, self.server_port = self.server_address[:2]
        self.server_name = str(host)  # always text for AF_INET / AF_INET6

    def track(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open[connection] = threading.current_thread()

    def untrack(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.pop(connection, None)

    def close_connections(self, timeout: float) -> None:
        """Shut every open connection down (waking handlers that wait on it) and wait
        up to ``timeout`` seconds for their threads to end."""
        with self._open_lock:
            open_now = dict(self._open)
        for connection in open_now:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client or the handler
        deadline = time.monotonic() + timeout
        for thread in open_now.values():
            thread.join(max(0.0, deadline - time.monotonic()))

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exception()
        # Clients that hang up mid-answer are normal here (deadline and cap tests);
        # anything else is a sandbox bug and must be seen.
        if isinstance(error, (ConnectionError, TimeoutError, ssl.SSLError)):
            log.debug("connection from %s ended: %r", client_address, error)
        else:
            log.error("sandbox failed on a request from %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LuckyMonacoSandbox/1.0"
    sys_version = ""
    # Idle keep-alive connections close after this; waits for faults do not count.
    timeout = 120
    server: _Server

    # -- plumbing ------------------------------------------------------------------
    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.info("%s -> %s", redact(self.requestline), code)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(redact(format % args))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = lambda self: self._dispatch()

    @property
    def sandbox(self) -> SandboxServer:
        return self.server.sandbox

    def _wait(self, seconds: float | None) -> bool:
        """Wait ``seconds`` (None: forever). False if cut short because the server is
        stopping or the connection became readable (the client hung up, or stop()
        shut the socket down)."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while not self.server.stopping.is_set():
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return True
            step = 0.5 if remaining is None else min(remaining, 0.5)
            try:
                readable, _, _ = select.select([self.connection], [], [], step)
            except (OSError, ValueError):
                return False
            if readable:
                return False
        return False

    def _send(self, response: _Response, *, drip: float | None = None) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in (response.headers or {}).items():
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if drip is None:
                self.wfile.write(response.body)
                return
            self.wfile.flush()
            for index in range(len(response.body)):
                if index and not self._wait(drip):
                    self.close_connection = True
                    return
                self.wfile.write(response.body[index:index + 1])
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def _read_body(self) -> bytes | None:
        """The request body, or None if it is over the limit (not read; the connection
        will close)."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_REQUEST_BODY:
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    # -- routing -------------------------------------------------------------------
    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        body = self._read_body()
        parsed: Any = None
        if body:
            try:
                parsed = _json.loads(body)
            except (ValueError, RecursionError):  # nested too deeply is not JSON to us either
                parsed = None
        if path.startswith("/_sandbox/"):
            refusal = self._control_refusal()
            if refusal is not None:
                self._send(refusal)
                return
        else:
            headers = _Headers((k.lower(), v) for k, v in self.headers.items())
            self.sandbox._record(RecordedRequest(self.command, path, query, headers,
                                                 body or b"", parsed))
        if body is None:
            self._send(_api_error(SandboxApiError(
                "V.8", f"body: larger than {MAX_REQUEST_BODY} bytes or without a valid length")))
            return
        endpoint = _API_ENDPOINTS.get(path)
        if endpoint is not None:
            self._api(endpoint, query, body, parsed)
        elif path.startswith("/api/"):
            self._send(_api_error(SandboxApiError("G.4", f"no such API path: {path}")))
        else:
            self._send(self._route_other(path, query, body, parsed))

    def _route_other(self, path: str, query: dict[str, str], body: bytes, parsed: Any) -> _Response:
        routes: dict[tuple[str, str], Callable[[], _Response]] = {
            ("GET", "/"): self._index,
            ("GET", "/game/index.html"): lambda: self._game_page(query.get("token", "")),
            ("POST", "/game/spin"): lambda: self._spin(parsed),
            ("GET", "/snapshot/index.html"): lambda: self._snapshot_page(query.get("token", "")),
            ("GET", "/_sandbox/faults"): self._list_faults,
            ("POST", "/_sandbox/faults"): lambda: self._inject_fault(body),
            ("DELETE", "/_sandbox/faults"): self._clear_faults,
            ("GET", "/_sandbox/requests"): self._list_requests,
            ("DELETE", "/_sandbox/requests"): self._clear_requests,
        }
        route = routes.get((self.command, path))
        if route is not None:
            return route()
        if self.command == "GET" and path.startswith("/game/static/"):
            asset = pages.static_file(path.removeprefix("/game/static/"))
            if asset is not None:
                return _Response(200, asset[0], asset[1], {"Cache-Control": "no-cache"})
        if self.command == "GET" and path.startswith("/icons/") and path.endswith(".svg"):
            game_id = path.removeprefix("/icons/").removesuffix(".svg")
            name = self.sandbox.world.games.get(game_id)
            if name is not None:
                return _Response(200, pages.game_icon(game_id, name).encode("utf-8"),
                                 "image/svg+xml", {"Cache-Control": "max-age=3600"})
        if any(p == path for _, p in routes):
            return _Response(405, b"method not allowed\n", "text/plain; charset=utf-8")
        return _Response(404, b"not found\n", "text/plain; charset=utf-8")

    # -- API -----------------------------------------------------------------------
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
            response = _api_error(error)
        self._send(response, drip=fault.delay if fault is not None and fault.kind == "drip" else None)

    def _api_answer(self, endpoint: str, query: dict[str, str], body: bytes, parsed: Any) -> _Response:
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
            return _json_response(200, {"gametype": "slot", "gamelist": [
                {"gameid": game_id, "gameName": name,
                 "icon_url": f"{self._base_url()}/icons/{quote(game_id)}.svg"}
                for game_id, name in sandbox.world.games.items()]})
        return self._snapshot(require_object(parsed).get("transaction_id"))

    def _enter(self, parsed: Any) -> _Response:
        world = self.sandbox.world
        request = validate_enter(parsed, world.games)
        if not world.claim_uuid(request.uuid):
            raise SandboxApiError(
                "V.6", f"uuid: {request.uuid!r} was already used; every request needs a new uuid4")
        token = world.open_session(
            game_id=request.gameid, player_id=request.player_id, nickname=request.nickname,
            language=request.language, currency=request.currency,
            session_id=request.session_id, ip=request.ip)
        return _json_response(200, {"url": f"{self._base_url()}/game/index.html?token={token}"})

    def _snapshot(self, transaction_id: Any) -> _Response:
        transaction_id = validate_transaction_id(transaction_id)
        world = self.sandbox.world
        if world.find_round(transaction_id) is None:
            raise SandboxApiError("V.7", f"transaction_id: unknown transaction {transaction_id!r}")
        token = world.open_snapshot(transaction_id)
        return _json_response(200, {"url": f"{self._base_url()}/snapshot/index.html?token={token}"})

    def _fail(self, fault: Fault) -> None:
        """Answer (or not) as ``fault`` says; every kind but delay and drip."""
        base = self._base_url()
        if fault.kind == "g01":
            self._send(_json_response(503, {"errors": {"code": "G.01", "message": _G01_MESSAGE}}))
        elif fault.kind == "html502":
            self._send(_Response(502, _PROXY_502_PAGE, "text/html"))
        elif fault.kind == "malformed_json":
            broken = '{"url": "' + base + '/game/index.html?token=broken", "extra": [1, 2,}'
            self._send(_Response(200, broken.encode(), "application/json"))
        elif fault.kind == "no_url":
            self._send(_json_response(200, {"status": "ok", "session": "created"}))
        elif fault.kind == "javascript_url":
            self._send(_json_response(200, {"url": "javascript:alert(1)"}))
        elif fault.kind == "retry_after_429":
            self._send(_json_response(
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

    def _base_url(self) -> str:
        """The sandbox's URL as the client sees it: ``srv.url``, except on a wildcard
        address, where only the request's Host header says how it was reached."""
        sandbox = self.sandbox
        if sandbox.host in ("0.0.0.0", "::", ""):
            host = self.headers.get("Host") or ""
            if _HOST_HEADER_RE.fullmatch(host):
                return f"{sandbox.scheme}://{host}"
        return sandbox.url

    # -- pages and the game ------------------------------------------------------------
    def _page(self, status: int, text: str) -> _Response:
        return _Response(status, text.encode("utf-8"), "text/html; charset=utf-8", {
            "Content-Security-Policy": pages.PAGE_CSP,
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        })

    def _expired(self, status: int, language: str | None) -> _Response:
        language = language or pages.language_from_header(self.headers.get("Accept-Language"))
        return self._page(status, pages.expired_page(language))

    def _game_page(self, token: str) -> _Response:
        session, expired = self.sandbox.world.session(token) if token else (None, False)
        if session is None:
            return self._expired(404, None)
        if expired:
            return self._expired(403, session.language)
        page_errors = self.sandbox._faults.take("game") is not None
        return self._page(200, pages.game_page(session, page_errors=page_errors))

    def _snapshot_page(self, token: str) -> _Response:
        result = self.sandbox.world.snapshot(token) if token else None
        if result is None:
            return self._expired(404, None)
        return self._page(200, pages.snapshot_page(result))

    def _spin(self, parsed: Any) -> _Response:
        if not isinstance(parsed, dict) or not isinstance(parsed.get("token"), str) \
                or not isinstance(parsed.get("bet"), (int, float)) or isinstance(parsed.get("bet"), bool):
            return _json_response(400, {"error": {"code": "bad_request",
                                                  "message": "expected {\"token\": str, \"bet\": number}"}})
        try:
            result = self.sandbox.world.spin(parsed["token"], float(parsed["bet"]))
        except LookupError:
            return _json_response(404, {"error": {"code": "session_expired",
                                                  "message": "this game session has expired"}})
        except ValueError as exc:
            return _json_response(400, {"error": {"code": str(exc), "message": str(exc)}})
        return _json_response(200, result.to_json(), {"Cache-Control": "no-store"})

    def _index(self) -> _Response:
        text = (f"LuckyMonaco sandbox\nAPI URL: {self.sandbox.url}\n"
                f"Partner ID: {self.sandbox.partner_id}\n"
                "POST /api/session, POST /api/gamelist, GET|POST /api/snapshot.php\n")
        return _Response(200, text.encode("utf-8"), "text/plain; charset=utf-8")

    # -- /_sandbox -------------------------------------------------------------------
    def _control_refusal(self) -> _Response | None:
        """Why a control request is refused (None: it is not). Only local tools may
        switch faults: a web page could otherwise, cross-origin or DNS-rebound."""
        host = self.headers.get("Host") or ""
        if not _is_loopback_host(host):
            return _forbidden(f"Host {host[:100]!r} is not a loopback name; control endpoints answer only "
                              "http://127.0.0.1, http://[::1] or http://localhost")
        origin = self.headers.get("Origin")
        if origin is not None and origin.rstrip("/") != f"{self.sandbox.scheme}://{host}":
            return _forbidden(f"cross-origin request from {origin[:100]!r} refused")
        site = self.headers.get("Sec-Fetch-Site")
        if site is not None and site.strip().lower() not in _OWN_FETCH_SITES:
            return _forbidden(f"request from a {site[:40]!r} page refused")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if self.command in ("POST", "PUT", "PATCH", "DELETE") and (content_type or self.command == "POST") \
                and content_type != "application/json":
            return _json_response(415, {"errors": {"code": "V.0", "message": (
                f"Content-Type: expected application/json, got {content_type or 'none'}")}})
        return None

    def _list_faults(self) -> _Response:
        return _json_response(200, {"active": [f.to_json() for f in self.sandbox._faults.active()]})

    def _inject_fault(self, body: bytes) -> _Response:
        try:
            fault = Fault.from_json(_json.loads(body or b"null"))
        except ValueError as exc:
            return _json_response(400, {"errors": {"code": "V.2", "message": str(exc)}})
        self.sandbox.inject(fault)
        return _json_response(201, {"fault": fault.to_json(),
                                    "active": [f.to_json() for f in self.sandbox._faults.active()]})

    def _clear_faults(self) -> _Response:
        self.sandbox.clear_faults()
        return _json_response(200, {"active": []})

    def _list_requests(self) -> _Response:
        return _json_response(200, {"requests": [r.redacted() for r in self.sandbox.requests]})

    def _clear_requests(self) -> _Response:
        self.sandbox.clear_requests()
        return _json_response(200, {"requests": []})


class SandboxServer:
    """A LuckyMonaco reference server on a background thread.

    ``start()`` returns once it listens; ``url`` is then its base URL. Faults switch
    at run time with :meth:`inject`/:meth:`clear_faults`. :meth:`stop` ends it
    promptly, even with requests held open by ``hang``/``delay``/``drip`` faults.
    ``games`` adds games (ID -> name) to the bundled sample catalog.
    """

    def __init__(self, partner_id: str = DEFAULT_PARTNER_ID, token: str = DEFAULT_TOKEN,
                 host: str = "127.0.0.1", port: int = 0, ssl_context: ssl.SSLContext | None = None,
                 session_ttl: float = 7200.0, games: Mapping[str, str] | None = None,
                 request_log: int = REQUEST_LOG_SIZE) -> None:
        self.partner_id = partner_id
        self.token = token
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.world = SandboxWorld(games, session_ttl)
        self._faults = FaultBoard()
        self._requests: collections.deque[RecordedRequest] = collections.deque(maxlen=request_log)
        self._received = 0  # requests recorded since the last clear, dropped ones included
        self._requests_changed = threading.Condition()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------------------
    @property
    def scheme(self) -> str:
        return "https" if self.ssl_context is not None else "http"

    @property
    def url(self) -> str:
        """``http(s)://host:port`` (the real port once started)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def api_target(self, profile_name: str = "Sandbox") -> ApiTarget:
        """The client's view of this server: its URL, partner ID and token."""
        from console_app.core.models import ApiTarget
        from console_app.core.redaction import Secret

        return ApiTarget(api_url=self.url, partner_id=self.partner_id, token=Secret(self.token),
                         profile_name=profile_name, profile_kind="sandbox")

    def start(self) -> SandboxServer:
        """Bind, listen and serve on a daemon thread; returns self once listening."""
        if self._server is not None:
            return self
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        server = _Server((self.host, self.port), self, family)
        if self.ssl_context is not None:
            # The handshake happens on the handler's thread, so a slow client cannot
            # hold up accepting others.
            server.socket = self.ssl_context.wrap_socket(
                server.socket, server_side=True, do_handshake_on_connect=False)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(_POLL_INTERVAL,),
                                        name=f"sandbox-{self.port}", daemon=True)
        self._thread.start()
        log.info("sandbox listening on %s", self.url)
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop serving, close open connections (answering nothing more) and wait up to
        ``timeout`` seconds for handler threads. Safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        server.close_connections(timeout)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout)
        log.info("sandbox on %s stopped", self.url)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- faults -------------------------------------------------------------------------
    def inject(self, fault: Fault) -> None:
        """Apply ``fault`` to the next matching requests (after faults injected earlier)."""
        self._faults.inject(fault)

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        """The active faults, with their remaining counts."""
        return self._faults.active()

    # -- recorded requests --------------------------------------------------------------
    def _record(self, request: RecordedRequest) -> None:
        with self._requests_changed:
            self._requests.append(request)
            self._received += 1
            self._requests_changed.notify_all()

    @property
    def requests(self) -> list[RecordedRequest]:
        """The last ``request_log`` requests received (``/_sandbox`` calls excepted),
        oldest first."""
        with self._requests_changed:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._requests_changed:
            self._requests.clear()
            self._received = 0

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> bool:
        """Block until at least ``n`` requests were recorded (since the last clear);
        False on timeout."""
        with self._requests_changed:
            return self._requests_changed.wait_for(lambda: self._received >= n, timeout)
