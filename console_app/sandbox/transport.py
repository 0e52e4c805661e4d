"""The sandbox's transport: the threaded HTTP server that tracks its connections (so
``stop()`` can close them), and the handler base every endpoint builds on — reading
a bounded body, writing an answer (whole or drip-fed), waiting that a stop or a
client hanging up cuts short, and logging through ``redact()``."""

from __future__ import annotations

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
from typing import TYPE_CHECKING, Any

from console_app.core.redaction import redact

if TYPE_CHECKING:
    from console_app.sandbox.server import SandboxServer

log = logging.getLogger("console_app.sandbox")

#: Request bodies above this are refused (``V.8``) without being read.
MAX_REQUEST_BODY = 1_000_000
_HOST_HEADER_RE = re.compile(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


class Headers(dict[str, str]):
    """Request headers: names stored lower-case, looked up case-insensitively."""

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


@dataclass
class Response:
    """One answer to write: status, body, its type and any extra headers."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Mapping[str, str] | None = None


#: An endpoint table: (method, path) -> what makes the answer.
Routes = dict[tuple[str, str], Callable[[], Response]]


def json_response(status: int, value: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(status, _json.dumps(value, ensure_ascii=False).encode("utf-8"),
                    "application/json", headers)


class HttpServer(ThreadingHTTPServer):
    """The listening socket: one thread per connection, each connection tracked."""

    # The stdlib backlog of 5 fails 50 simultaneous connects.
    request_queue_size = 128
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer,
                 family: socket.AddressFamily, handler: type[BaseHandler]) -> None:
        self.address_family = family
        self.sandbox = sandbox
        self.stopping = threading.Event()
        self._open_lock = threading.Lock()
        self._open: dict[socket.socket, threading.Thread] = {}
        super().__init__(address, handler)

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


class BaseHandler(BaseHTTPRequestHandler):
    """What every endpoint's handler builds on: the connection and its bytes."""

    protocol_version = "HTTP/1.1"
    server_version = "LuckyMonacoSandbox/1.0"
    sys_version = ""
    # Idle keep-alive connections close after this; waits for faults do not count.
    timeout = 120
    server: HttpServer

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

    def _send(self, response: Response, *, drip: float | None = None) -> None:
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

    def _base_url(self) -> str:
        """The sandbox's URL as the client sees it: ``srv.url``, except on a wildcard
        address, where only the request's Host header says how it was reached."""
        sandbox = self.sandbox
        if sandbox.host in ("0.0.0.0", "::", ""):
            host = self.headers.get("Host") or ""
            if _HOST_HEADER_RE.fullmatch(host):
                return f"{sandbox.scheme}://{host}"
        return sandbox.url
