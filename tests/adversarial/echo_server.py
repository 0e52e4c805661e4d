"""A hostile LuckyMonaco stand-in that echoes the request back, encoded.

``POST /<answer>/<encoding>/api/session`` answers with the request's own query
string (``MEMB_ID=…&HASH=<partner token>``) and body written in ``<encoding>`` (see
:data:`ENCODINGS`), and, on success, a game URL whose player token it also echoes
in that encoding. ``<answer>`` is the answer's shape:

- ``ok``: 200 ``{"url": "<game URL>", "echo": "<query>", "echo_body": …, "game": "<token>"}``;
- ``error``: 400 ``{"errors": {"code": "G.0", "message": "rejected <query> <body>"}}``;
- ``html``: 502, an HTML page (``text/html``) with the query and body in its text.

The encodings are the ones a server or a page really produces; a test uses
:func:`encoded_forms` to grep what the console wrote for every one of them.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus, unquote_plus


def _json_u(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


def _json_mixed(text: str) -> str:
    # Only some characters escaped, upper-case hex: what some JSON encoders do.
    return "".join(f"\\u{ord(c):04X}" if i % 2 else c for i, c in enumerate(text))


def _lower_hex(text: str) -> str:
    return "".join(f"%{b:02x}" for b in text.encode())


#: How the server writes the text it echoes (always inside a JSON string or HTML).
ENCODINGS: dict[str, Callable[[str], str]] = {
    "literal": lambda t: t,
    "quote": lambda t: quote(t, safe=""),
    "quote-lower": _lower_hex,
    "quote-plus": quote_plus,
    "double-quote": lambda t: quote(quote(t, safe=""), safe=""),
    "json-slash": lambda t: t.replace("/", "\\/"),
    "json-u": _json_u,
    "json-mixed": _json_mixed,
    "html-named": lambda t: html.escape(t).replace("+", "&plus;").replace("/", "&sol;").replace("=", "&equals;"),
    "html-decimal": lambda t: "".join(f"&#{ord(c)};" for c in t),
    "html-hex": lambda t: "".join(f"&#x{ord(c):x};" for c in t),
}
ANSWERS = ("ok", "error", "html")


def encoded_forms(secret: str) -> set[str]:
    """``secret`` in every encoding the server uses, plus the JSON-string forms
    (json.dumps with and without ensure_ascii) a client may write it back in."""
    forms = {encode(secret) for encode in ENCODINGS.values()}
    forms |= {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=True)[1:-1], quote(secret)}
    return forms


class EchoServer:
    """The echo server on 127.0.0.1 with a fresh port; ``game_tokens`` lists every
    player token it issued, ``requests`` every (path, raw query) it received."""

    def __init__(self) -> None:
        self.game_tokens: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="echo-server", daemon=True)

    def start(self) -> EchoServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def api_url(self, answer: str, encoding: str) -> str:
        return f"{self.url}/{answer}/{encoding}"

    def new_game_token(self) -> str:
        # base64 alphabet on purpose: "+", "/" and "=" are what encodings change.
        token = "GT+" + secrets.token_urlsafe(12).replace("-", "+").replace("_", "/") + "/=="
        with self._lock:
            self.game_tokens.append(token)
        return token


def _handler(server: EchoServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet: tests read what matters
            pass

        def do_POST(self) -> None:
            path, _, query = self.path.partition("?")
            body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode("utf-8", "replace")
            with server._lock:
                server.requests.append((path, query))
            parts = path.strip("/").split("/")
            if len(parts) != 4 or parts[0] not in ANSWERS or parts[1] not in ENCODINGS:
                self._send(404, "application/json", json.dumps({"errors": {"code": "G.0", "message": "no such path"}}))
                return
            answer, encode = parts[0], ENCODINGS[parts[1]]
            # The query as the client sent it (percent-encoded) and as decoded text:
            # a server may echo either, then encode it again its own way.
            echoed = encode(unquote_plus(query)) + " " + encode(query)
            echoed_body = encode(body)
            if answer == "ok":
                token = server.new_game_token()
                self._send(200, "application/json", _raw_json({
                    "url": f"{server.url}/play/index.html?token={quote(token, safe='')}",
                    "echo": echoed, "echo_body": echoed_body, "game": encode(token)}))
            elif answer == "error":
                self._send(400, "application/json", _raw_json({
                    "errors": {"code": "G.0", "message": f"rejected {echoed} {echoed_body}"}}))
            else:
                self._send(502, "text/html", f"<!doctype html><html><head><title>Bad gateway {echoed}</title>"
                                             f"</head><body><p>upstream said {echoed}</p>"
                                             f"<pre>{echoed_body}</pre></body></html>")

        def _send(self, status: int, content_type: str, text: str) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _raw_json(fields: dict) -> str:
    """JSON whose string values are written exactly as given (already encoded): only
    '"' is escaped, so the server's own encoding reaches the client untouched."""
    def value(item: object) -> str:
        if isinstance(item, dict):
            return "{" + ", ".join(f'"{k}": {value(v)}' for k, v in item.items()) + "}"
        text = str(item)
        # Backslash escapes the encoding wrote (\uXXXX, \/) stay; a bare one is doubled.
        return '"' + _escape_bare(text) + '"'
    return value(fields)


def _escape_bare(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in 'u/"\\':
            out.append(text[i:i + 2])
            i += 2
            continue
        out.append({"\\": "\\\\", '"': '\\"', "\n": "\\n"}.get(c, c))
        i += 1
    return "".join(out)
