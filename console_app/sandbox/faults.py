"""Faults the sandbox can inject, switched at run time (from Python or over HTTP).

Kinds (each matching request consumes one from ``count``; ``count=-1`` lasts until
the faults are cleared):

=================  =================================================================
g01                503 ``{"errors": {"code": "G.01", ...}}``: system error, retry
delay              wait ``delay`` seconds, then answer normally (stop() interrupts)
html502            502 with a ``text/html`` page, as a reverse proxy sends
malformed_json     200 ``application/json`` whose body is broken JSON
no_url             200 JSON without ``url``
javascript_url     200 ``{"url": "javascript:alert(1)"}``
huge_body          200 with ``size`` bytes of JSON, streamed (never built in memory)
drop               read the whole request, then close the connection unanswered
retry_after_429    429 with ``Retry-After: <retry_after>``
drip               200 whose body arrives one byte every ``delay`` seconds
hang               never answer; the connection closes when the server stops
page_errors        endpoint ``game`` only: the demo game page logs a console error,
                   requests a missing image (404) and runs a ~300 ms long task
=================  =================================================================

A fault applies to one API endpoint (``session``, ``gamelist``, ``snapshot``) or to
all of them (``any``); ``game`` (the demo game page) takes only ``page_errors``, and
``any`` does not reach it. ``/_sandbox`` calls are never faulted.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

FAULT_KINDS = (
    "g01", "delay", "html502", "malformed_json", "no_url", "javascript_url", "huge_body",
    "drop", "retry_after_429", "drip", "hang", "page_errors",
)
ENDPOINTS = ("session", "gamelist", "snapshot", "any", "game")

#: ``huge_body`` size when none is given: well over any sane client cap.
DEFAULT_HUGE_SIZE = 5_000_000


@dataclass
class Fault:
    """One fault: what happens, to which endpoint, for how many requests."""

    kind: str
    count: int = 1
    delay: float = 0.0
    retry_after: int = 1
    size: int = 0
    endpoint: str = "session"

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind: {self.kind!r} is not one of {', '.join(FAULT_KINDS)}")
        if self.endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint: {self.endpoint!r} is not one of {', '.join(ENDPOINTS)}")
        if (self.kind == "page_errors") != (self.endpoint == "game"):
            raise ValueError("endpoint: page_errors applies to 'game' (the demo game page), and only it")
        if self.count == 0 or self.count < -1:
            raise ValueError("count: must be a positive number, or -1 for until cleared")
        if self.delay < 0 or self.size < 0 or self.retry_after < 0:
            raise ValueError("delay, size and retry_after must not be negative")

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        """Build a fault from the JSON of ``POST /_sandbox/faults``; ValueError names
        the bad field."""
        if not isinstance(data, dict):
            raise ValueError("body: expected a JSON object")
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown field")
        if "kind" not in data:
            raise ValueError("kind: missing")
        types: dict[str, type | tuple[type, ...]] = {"kind": str, "endpoint": str, "count": int, "retry_after": int, "size": int,
                 "delay": (int, float)}
        for key, value in data.items():
            if not isinstance(value, types[key]) or isinstance(value, bool):
                raise ValueError(f"{key}: wrong type")
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class FaultBoard:
    """The active faults, first injected first used. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def inject(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(Fault(**asdict(fault)))  # a copy: counting must not touch the caller's

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        with self._lock:
            return [Fault(**asdict(f)) for f in self._faults]

    def take(self, endpoint: str) -> Fault | None:
        """The fault for one request to ``endpoint``, consuming one use of it."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.endpoint == endpoint or fault.endpoint == "any" and endpoint != "game":
                    if fault.count > 0:
                        fault.count -= 1
                        if fault.count == 0:
                            del self._faults[index]
                    return Fault(**{**asdict(fault), "count": 1})
        return None
