"""The sandbox's control endpoints, ``/_sandbox/faults`` and ``/_sandbox/requests``:
faults switched and the request log read at run time, by local tools only (see
:meth:`ControlHandler._control_refusal`), so a web page cannot switch faults."""

from __future__ import annotations

import ipaddress
import json as _json
import re

from console_app.sandbox.faults import Fault
from console_app.sandbox.transport import BaseHandler, Response, Routes, json_response

_HOST_NAME_RE = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9.\-]+))(?::\d{1,5})?")
# Sec-Fetch-Site values of requests a web page of another site did not make.
_OWN_FETCH_SITES = ("same-origin", "none")


def _forbidden(message: str) -> Response:
    return json_response(403, {"errors": {"code": "forbidden", "message": message}})


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


class ControlHandler(BaseHandler):
    """The ``/_sandbox`` endpoints."""

    def _control_routes(self, body: bytes) -> Routes:
        return {
            ("GET", "/_sandbox/faults"): self._list_faults,
            ("POST", "/_sandbox/faults"): lambda: self._inject_fault(body),
            ("DELETE", "/_sandbox/faults"): self._clear_faults,
            ("GET", "/_sandbox/requests"): self._list_requests,
            ("DELETE", "/_sandbox/requests"): self._clear_requests,
        }

    def _control_refusal(self) -> Response | None:
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
            return json_response(415, {"errors": {"code": "V.0", "message": (
                f"Content-Type: expected application/json, got {content_type or 'none'}")}})
        return None

    def _list_faults(self) -> Response:
        return json_response(200, {"active": [f.to_json() for f in self.sandbox._faults.active()]})

    def _inject_fault(self, body: bytes) -> Response:
        try:
            fault = Fault.from_json(_json.loads(body or b"null"))
        except ValueError as exc:
            return json_response(400, {"errors": {"code": "V.2", "message": str(exc)}})
        self.sandbox.inject(fault)
        return json_response(201, {"fault": fault.to_json(),
                                    "active": [f.to_json() for f in self.sandbox._faults.active()]})

    def _clear_faults(self) -> Response:
        self.sandbox.clear_faults()
        return json_response(200, {"active": []})

    def _list_requests(self) -> Response:
        return json_response(200, {"requests": [r.redacted() for r in self.sandbox.requests]})

    def _clear_requests(self) -> Response:
        self.sandbox.clear_requests()
        return json_response(200, {"requests": []})
