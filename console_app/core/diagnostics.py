"""What a game page did, for QA and support: the diagnostics of one game tab.

Qt-free, so history, reports and the CLI can keep and print it. Every URL and text
that comes from the page passes through :func:`redaction.redact` on the way in, and
URLs keep only scheme, host and path (:func:`redact_url`): a game URL's query holds
the player's token, and a page may echo it anywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from console_app.core import messages
from console_app.core.redaction import redact

#: Messages, failed loads and events kept per tab: a page that logs in a loop must
#: not grow the console's memory (or a history row) without bound.
MAX_ENTRIES = 200
# A page's message may be a whole stack or a data dump: one line is enough here.
_MAX_TEXT = 500

LEVELS = ("info", "warning", "error")

#: Where a game's DevTools opens: docked beside or below the game, or in its own window.
DEVTOOLS_PLACEMENTS = ("beside", "below", "window")


def redact_url(url: str) -> str:
    """``scheme://host[:port]/path`` of ``url`` (never its query or fragment), redacted."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact(url.split("?", 1)[0].split("#", 1)[0])[:_MAX_TEXT]
    if not parts.scheme or not parts.netloc:
        return redact(url.split("?", 1)[0].split("#", 1)[0])[:_MAX_TEXT]
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return redact(f"{parts.scheme}://{host}{parts.path}")[:_MAX_TEXT]


def _text(value: Any) -> str:
    return redact(str(value))[:_MAX_TEXT]


@dataclass(frozen=True)
class ConsoleMessage:
    level: str  # one of LEVELS
    message: str
    source: str
    line: int

    @classmethod
    def make(cls, level: str, message: str, source: str, line: int) -> ConsoleMessage:
        return cls(level if level in LEVELS else "info", _text(message), redact_url(source) if source else "",
                   int(line))


@dataclass(frozen=True)
class FailedLoad:
    """A request of the page that failed: the main frame or a sub-resource."""

    url: str  # redacted: host and path only
    kind: str  # "main frame", "img", "script", "fetch", …
    #: The HTTP status when the server answered (404), else 0.
    status: int = 0
    #: The network error when it did not (e.g. "net::ERR_CONNECTION_REFUSED"), else "".
    error: str = ""

    @classmethod
    def make(cls, url: str, kind: str, *, status: int = 0, error: str = "") -> FailedLoad:
        return cls(redact_url(url), _text(kind) or "resource", int(status), _text(error))

    def reason(self) -> str:
        """Why it failed, e.g. "HTTP 404" (:func:`messages.failed_load_reason`)."""
        return messages.failed_load_reason(self)


@dataclass(frozen=True)
class Event:
    """Something the console did to or saw of the page: a refused navigation, a
    blocked popup, a certificate error, the renderer ending."""

    kind: str  # "navigation refused", "popup blocked", "certificate error", "renderer crashed"
    detail: str

    @classmethod
    def make(cls, kind: str, detail: str) -> Event:
        return cls(_text(kind), _text(detail))


@dataclass
class Diagnostics:
    """The diagnostics of one game tab (one launch), filled as the page runs."""

    url: str = ""
    #: Navigation timing of the last main-frame load, in ms from its start:
    #: dns, connect, tls, first_byte, dom_content_loaded, load (0 when not measured).
    timings: dict[str, float] = field(default_factory=dict)
    #: ms from the last main-frame load's start to its first contentful paint (None: unknown).
    first_paint_ms: float | None = None
    #: ms from the Launch click to the game's first contentful paint, for the launch's
    #: first page only (None: unknown, or the page was not opened by a launch).
    launch_to_first_frame_ms: float | None = None
    console: list[ConsoleMessage] = field(default_factory=list)
    failed_loads: list[FailedLoad] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    renderer_crashed: bool = False
    #: Whether the page could get a WebGL context (None: not checked yet).
    webgl: bool | None = None
    user_agent: str = ""
    viewport: str = ""  # "1280×800"
    device: str = ""  # the device preset's name

    # ------------------------------------------------------------------ recording

    def add_console(self, level: str, message: str, source: str, line: int) -> ConsoleMessage:
        entry = ConsoleMessage.make(level, message, source, line)
        _append(self.console, entry)
        return entry

    def add_failed_load(self, url: str, kind: str, *, status: int = 0, error: str = "") -> FailedLoad | None:
        """Record a failed request, once per URL and kind; None when already known."""
        entry = FailedLoad.make(url, kind, status=status, error=error)
        if any(f.url == entry.url and f.kind == entry.kind for f in self.failed_loads):
            return None
        _append(self.failed_loads, entry)
        return entry

    def add_event(self, kind: str, detail: str) -> Event:
        entry = Event.make(kind, detail)
        _append(self.events, entry)
        return entry

    # ------------------------------------------------------------------ reading

    @property
    def error_count(self) -> int:
        return sum(m.level == "error" for m in self.console)

    @property
    def has_problems(self) -> bool:
        """True when the page logged an error, a load failed or the renderer crashed
        (the tab's amber badge)."""
        return bool(self.error_count or self.failed_loads or self.renderer_crashed)

    def summary(self) -> str:
        """One line, e.g. "2 console errors, 1 failed load" (:func:`messages.diagnostics_summary`)."""
        return messages.diagnostics_summary(self)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnostics:
        """Read what :meth:`to_dict` wrote (unknown keys are ignored; every text is
        redacted again, since the file may come from elsewhere)."""
        if not isinstance(data, dict):
            raise ValueError("diagnostics: expected a JSON object")
        timings = data.get("timings") or {}
        first_paint = data.get("first_paint_ms")
        first_frame = data.get("launch_to_first_frame_ms")
        webgl = data.get("webgl")
        diagnostics = cls(
            url=redact_url(str(data.get("url", ""))) if data.get("url") else "",
            timings={str(k): float(v) for k, v in dict(timings).items()},
            first_paint_ms=float(first_paint) if first_paint is not None else None,
            launch_to_first_frame_ms=float(first_frame) if first_frame is not None else None,
            renderer_crashed=bool(data.get("renderer_crashed", False)),
            webgl=bool(webgl) if webgl is not None else None,
            user_agent=_text(data.get("user_agent", "")),
            viewport=_text(data.get("viewport", "")),
            device=_text(data.get("device", "")),
        )
        for m in data.get("console") or []:
            diagnostics.add_console(m.get("level", "info"), m.get("message", ""), m.get("source", ""),
                                    int(m.get("line", 0)))
        for f in data.get("failed_loads") or []:
            diagnostics.add_failed_load(f.get("url", ""), f.get("kind", ""), status=int(f.get("status", 0)),
                                        error=f.get("error", ""))
        for e in data.get("events") or []:
            diagnostics.add_event(e.get("kind", ""), e.get("detail", ""))
        return diagnostics

    def markdown(self) -> str:
        """The diagnostics as a Markdown section body (reports and the Diagnostics
        panel; :func:`messages.diagnostics_markdown`)."""
        return messages.diagnostics_markdown(self)


def _append(entries: list[Any], entry: Any) -> None:
    entries.append(entry)
    if len(entries) > MAX_ENTRIES:
        del entries[0]
