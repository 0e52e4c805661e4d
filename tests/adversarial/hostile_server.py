"""A hostile API server on 127.0.0.1 for the adversarial tests.

Raw sockets (no http.server), so it can break HTTP in ways a real server never
would. What it does is chosen per test with :meth:`HostileServer.behave`:

==============  ================================================================
``answer``      a normal answer: ``status``, ``headers``, ``body`` (default 200 {"url"})
``echo``        200 JSON echoing the request line, headers and body back
``drip``        200 headers at once, then the body one byte every ``interval`` s
``slow_headers``  the status line and headers one byte every ``interval`` s
``hang``        read the request, never answer (until the server stops)
``bomb``        200 with ``Content-Length`` of 10 GB, zeros until the client gives up
``lie_short``   ``Content-Length`` says 1 MB, 20 bytes come, the connection closes
``lie_long``    ``Content-Length`` says 20, 1 MB comes
==============  ================================================================

Every request is counted (``requests``) before anything is answered. Waits end
as soon as :meth:`stop` is called, so a test never waits on a hung handler.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from typing import Any

_HEAD_LIMIT = 64 * 1024
_BODY_LIMIT = 1_000_000


@dataclass
class Behaviour:
    mode: str = "answer"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"url": "http://127.0.0.1:9/game/index.html?token=hostile"}'
    interval: float = 0.05


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        owner = self.server.owner
        connection: socket.socket = self.request
        try:
            request = self._read_request(connection)
        except OSError:
            return
        if request is None:
            return
        owner._count(request)
        getattr(self, "_" + owner.behaviour.mode)(connection, owner.behaviour, request)

    def _read_request(self, connection: socket.socket) -> dict[str, Any] | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(4096)
            if not chunk or len(data) > _HEAD_LIMIT:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = min(int(headers.get("content-length", "0") or 0), _BODY_LIMIT)
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                break
            body += chunk
        return {"line": lines[0], "headers": headers, "body": body.decode("utf-8", "replace")}

    def _wait(self, seconds: float | None) -> bool:
        """False once the server is stopping."""
        return not self.server.owner._stopping.wait(seconds)

    @staticmethod
    def _head(status: int, headers: dict[str, str], length: int | None) -> bytes:
        lines = [f"HTTP/1.1 {status} Hostile", "Content-Type: application/json", "Connection: close"]
        if length is not None:
            lines.append(f"Content-Length: {length}")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _answer(self, connection, behaviour: Behaviour, request) -> None:
        connection.sendall(self._head(behaviour.status, behaviour.headers, len(behaviour.body)) + behaviour.body)

    def _echo(self, connection, behaviour: Behaviour, request) -> None:
        body = json.dumps({"url": "http://127.0.0.1:9/game/index.html?token=echo", "request": request}).encode()
        connection.sendall(self._head(200, behaviour.headers, len(body)) + body)

    def _drip(self, connection, behaviour: Behaviour, request) -> None:
        connection.sendall(self._head(200, behaviour.headers, len(behaviour.body)))
        for byte in behaviour.body:
            if not self._wait(behaviour.interval):
                return
            connection.sendall(bytes([byte]))

    def _slow_headers(self, connection, behaviour: Behaviour, request) -> None:
        for byte in self._head(behaviour.status, behaviour.headers, len(behaviour.body)) + behaviour.body:
            if not self._wait(behaviour.interval):
                return
            connection.sendall(bytes([byte]))

    def _hang(self, connection, behaviour: Behaviour, request) -> None:
        self._wait(None)

    def _bomb(self, connection, behaviour: Behaviour, request) -> None:
        connection.sendall(self._head(200, behaviour.headers, 10 * 1024**3))
        zeros = bytes(65536)
        for _ in range(10 * 1024**3 // len(zeros)):
            if self.server.owner._stopping.is_set():
                return
            connection.sendall(zeros)

    def _lie_short(self, connection, behaviour: Behaviour, request) -> None:
        connection.sendall(self._head(200, behaviour.headers, 1_000_000) + b'{"url": "http://127.')

    def _lie_long(self, connection, behaviour: Behaviour, request) -> None:
        connection.sendall(self._head(200, behaviour.headers, 20) + b'{"url": "http://127.' + bytes(1_000_000))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    owner: HostileServer

    def handle_error(self, request, client_address) -> None:
        pass  # clients hanging up mid-answer is what these tests provoke


class HostileServer:
    """Start with ``with HostileServer() as server:``; ``server.url`` is its base URL."""

    partner_id = "hostile-partner"
    token = "hostile-token"

    def __init__(self) -> None:
        self.behaviour = Behaviour()
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def behave(self, mode: str, **options: Any) -> HostileServer:
        if not hasattr(_Handler, "_" + mode):
            raise ValueError(f"unknown behaviour {mode!r}")
        self.behaviour = Behaviour(mode=mode, **options)
        return self

    def _count(self, request: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(request)

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
