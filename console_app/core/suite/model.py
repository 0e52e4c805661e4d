"""What a suite is made of once read: expectations, expanded cases, and what each
case brought back. Plain frozen dataclasses, Qt-free, JSON-friendly."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from console_app.core.errors import InvalidInputError
from console_app.core.models import LaunchRequest

#: The expected outcome of a case, as a suite file writes it.
ExpectedOutcome = Literal["success", "api_error", "transport"]
OUTCOMES: tuple[str, ...] = ("success", "api_error", "transport")
#: How a case is sent: once; twice with the same uuid (duplicate handling); two at
#: once for the same player and session; once, then its game URL opened again.
SendMode = Literal["once", "same_uuid_twice", "two_at_once", "reopen"]
SEND_MODES: tuple[str, ...] = ("once", "same_uuid_twice", "two_at_once", "reopen")
#: Viewports a game check can emulate: (width, height, user agent suffix).
DEVICES: dict[str, tuple[int, int, str]] = {
    "desktop": (1280, 800, ""),
    "tablet": (820, 1180, " (iPad; CPU OS 17_0 like Mac OS X) Mobile"),
    "phone": (390, 844, " (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile"),
}
#: Values ``validation`` may expect: the console's own checks found nothing /
#: at least a warning (and no error) / at least one error.
VALIDATION_VALUES: tuple[str, ...] = ("clean", "warns", "errors")


class SuiteError(InvalidInputError):
    """A suite file (or a previous result file) is invalid; nothing was sent.

    The message is one line naming the file, the case and the key."""


@dataclass(frozen=True)
class Expectation:
    """What must hold for a case to pass; every key left out is not checked."""

    outcome: str | None = None
    http: int | None = None
    code: str | None = None
    code_prefix: str | None = None
    message_contains: str | None = None
    game: str | None = None  # "loads"
    title_contains: str | None = None
    max_load_s: float | None = None
    no_console_errors: bool | None = None
    validation: str | None = None

    @property
    def checks_game(self) -> bool:
        """True when the game page must be opened to check this expectation."""
        return bool(self.game or self.title_contains or self.max_load_s is not None
                    or self.no_console_errors)

    def to_dict(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if value is not None}


@dataclass(frozen=True)
class Case:
    """One expanded case: a request to send and what must come back.

    ``omit`` and ``override`` change the body after it is built from ``request``
    (body paths such as ``player.session.ip``), for missing fields and wrong types.
    ``wrong_credentials`` sends with a wrong partner ID or token on purpose."""

    name: str
    request: LaunchRequest
    expect: Expectation
    uuid: str | None = None
    omit: tuple[str, ...] = ()
    override: tuple[tuple[str, Any], ...] = ()
    send: str = "once"
    device: str = "desktop"
    reopen_after: float = 0.0
    wrong_credentials: str | None = None  # "partner_id" | "token"
    #: Where it came from: the case or matrix name, and the matrix values (if any).
    group: str = ""
    values: tuple[tuple[str, str], ...] = ()
    #: Position in the whole expanded suite (kept through shards, so merged shard
    #: reports list cases in suite order).
    index: int = 0


@dataclass(frozen=True)
class Suite:
    """A suite file, read and expanded: its name and every case, in file order."""

    name: str
    cases: tuple[Case, ...]
    source: str = ""


@dataclass
class GameCheck:
    """What a game checker saw on one game page."""

    loaded: bool
    title: str = ""
    load_s: float | None = None
    console_errors: list[str] = field(default_factory=list)
    #: A small JPEG of the page, base64 (kept in the JSON and HTML reports).
    thumbnail_jpeg_b64: str | None = None
    problem: str = ""


@dataclass
class Answer:
    """What came back for one request of a case (redacted)."""

    outcome: str  # success | api_error | transport (a bad answer counts as transport)
    http_status: int | None = None
    code: str | None = None
    message: str | None = None
    category: str | None = None
    known_code: bool | None = None
    uuid: str = ""
    attempts: int = 0
    duration_ms: float = 0.0
    game_url: str | None = None  # redacted
    detail: str = ""


@dataclass
class CaseResult:
    """One case, run: its answers (one per request sent), the game check, the
    console's own validation findings, and which expectations failed."""

    name: str
    group: str
    passed: bool
    answers: list[Answer]
    expect: dict[str, Any]
    failures: list[str] = field(default_factory=list)
    validation: list[str] = field(default_factory=list)
    game: GameCheck | None = None
    observed: str = ""
    values: dict[str, str] = field(default_factory=dict)
    request: dict[str, Any] = field(default_factory=dict)
    history_ids: list[int] = field(default_factory=list)
    duration_ms: float = 0.0
    index: int = 0

    @property
    def answer(self) -> Answer | None:
        """The answer the expectations were checked against (the last one)."""
        return self.answers[-1] if self.answers else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form the reports hold (answers and game check included)."""
        return asdict(self)
