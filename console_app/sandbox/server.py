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

Modules: :mod:`.transport` (the HTTP server and the handler base), :mod:`.api` (the
``/api`` endpoints and faults), :mod:`.control` (``/_sandbox``), :mod:`.site` (the demo
game and snapshot pages); this one routes a request to them and holds the server's
life cycle, faults and request log.
"""

from __future__ import annotations

import collections
import json as _json
import logging
import socket
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from console_app.core.redaction import MASK, SECRET_PARAMS, redact

if TYPE_CHECKING:
    from console_app.core.models import ApiTarget
from console_app.sandbox.api import API_ENDPOINTS, ApiHandler, api_error
from console_app.sandbox.codes import SandboxApiError
from console_app.sandbox.control import ControlHandler
from console_app.sandbox.faults import FAULT_KINDS, Fault, FaultBoard
from console_app.sandbox.game import SandboxWorld
from console_app.sandbox.site import SiteHandler
from console_app.sandbox.transport import MAX_REQUEST_BODY, Headers, HttpServer, Response

__all__ = [
    "DEFAULT_PARTNER_ID", "DEFAULT_TOKEN", "FAULT_KINDS", "Fault", "RecordedRequest",
    "SandboxServer",
]

log = logging.getLogger("console_app.sandbox")

#: The sandbox's demo credentials: public on purpose, it is a sandbox.
DEFAULT_PARTNER_ID = "sandbox-partner"
DEFAULT_TOKEN = "sandbox-demo-token"

#: How many requests the log keeps (the oldest go first).
REQUEST_LOG_SIZE = 500
#: How much of a request body the log keeps; a longer body is kept without its ``json``.
RECORDED_BODY_BYTES = 64 * 1024
# How often the serving loop looks for a stop request: bounds how long stop() takes.
_POLL_INTERVAL = 0.05


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


class _Handler(ApiHandler, ControlHandler, SiteHandler):
    """Routes each request to the API, the control endpoints or the site."""

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = lambda self: self._dispatch()

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
            headers = Headers((k.lower(), v) for k, v in self.headers.items())
            self.sandbox._record(RecordedRequest(self.command, path, query, headers,
                                                 body or b"", parsed))
        if body is None:
            self._send(api_error(SandboxApiError(
                "V.8", f"body: larger than {MAX_REQUEST_BODY} bytes or without a valid length")))
            return
        endpoint = API_ENDPOINTS.get(path)
        if endpoint is not None:
            self._api(endpoint, query, body, parsed)
        elif path.startswith("/api/"):
            self._send(api_error(SandboxApiError("G.4", f"no such API path: {path}")))
        else:
            self._send(self._route_other(path, query, body, parsed))

    def _route_other(self, path: str, query: dict[str, str], body: bytes, parsed: Any) -> Response:
        routes = {**self._site_routes(query, parsed), **self._control_routes(body)}
        route = routes.get((self.command, path))
        if route is not None:
            return route()
        found = self._site_file(path)
        if found is not None:
            return found
        if any(p == path for _, p in routes):
            return Response(405, b"method not allowed\n", "text/plain; charset=utf-8")
        return Response(404, b"not found\n", "text/plain; charset=utf-8")


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
        self._server: HttpServer | None = None
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
        server = HttpServer((self.host, self.port), self, family, _Handler)
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
