"""Value objects shared by the client, the CLI, the window and the history store."""

from __future__ import annotations

import uuid as _uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from console_app.core.redaction import Secret, redact
from console_app.core.retry import RetryPolicy

GameType = Literal["slot", "table"]
GAME_TYPES: tuple[str, ...] = ("slot", "table")

#: Outcome of one attempt, as stored in history and shown in the UI.
#: ``unanswered``: the request went out and no answer was recorded (yet): what history
#: keeps of an attempt whose process stopped (killed, crashed) while it waited.
Outcome = Literal["success", "api_error", "transport_error", "bad_answer", "cancelled", "invalid", "unanswered"]


def new_uuid() -> str:
    """A fresh canonical (lower-case, hyphenated) uuid4."""
    return str(_uuid.uuid4())


@dataclass(frozen=True)
class LaunchRequest:
    """The fields of an ENTER request, as the user typed them (not validated)."""

    gameid: str
    player_id: str
    nickname: str
    language: str
    currency: str
    session_id: str
    ip: str
    gametype: str = "slot"

    def body(self, uuid: str) -> dict[str, Any]:
        """The JSON body exactly as the spec shows it, nothing more."""
        return {
            "uuid": uuid,
            "gametype": self.gametype,
            "gameid": self.gameid,
            "player": {
                "id": self.player_id,
                "nickname": self.nickname,
                "language": self.language,
                "currency": self.currency,
                "session": {"id": self.session_id, "ip": self.ip},
            },
        }

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> LaunchRequest:
        """Rebuild a request from a spec-shaped body. Missing fields, and objects of
        the wrong type (a pasted body can be anything), become ""."""
        as_dict: Callable[[Any], dict[str, Any]] = lambda v: v if isinstance(v, dict) else {}  # noqa: E731
        body = as_dict(body)
        player = as_dict(body.get("player"))
        session = as_dict(player.get("session"))
        as_text: Callable[[Any], str] = lambda v: "" if v is None else str(v)  # noqa: E731
        return cls(
            gameid=as_text(body.get("gameid")),
            gametype=as_text(body.get("gametype") or "slot"),
            player_id=as_text(player.get("id")),
            nickname=as_text(player.get("nickname")),
            language=as_text(player.get("language")),
            currency=as_text(player.get("currency")),
            session_id=as_text(session.get("id")),
            ip=as_text(session.get("ip")),
        )

    def with_changes(self, **changes: Any) -> LaunchRequest:
        return replace(self, **changes)


@dataclass(frozen=True)
class ApiTarget:
    """Where and as whom requests go: API base URL, partner ID (MEMB_ID) and token."""

    api_url: str
    partner_id: str
    token: Secret
    profile_name: str = "Sandbox"
    profile_kind: str = "sandbox"

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_url", self.api_url.rstrip("/"))


#: Most retries a launch may make (profiles, every command's ``--retries``): each
#: retry is a request to the API, and a partner's API is not ours to flood.
MAX_RETRIES = 10
#: Longest timeout or deadline, in seconds, anywhere they can be set.
MAX_SECONDS = 600.0


@dataclass(frozen=True)
class TransportSettings:
    """What builds an HTTP client and its connection pool: timeouts, TLS, proxy (the
    fields mean what they mean in :class:`ClientSettings`, which makes this value).

    Equal transports share one pool (see :class:`~console_app.core.session.SessionPool`)."""

    connect_timeout: float
    deadline: float
    verify: bool | str
    proxy: str | None


@dataclass(frozen=True)
class ClientSettings:
    """Network behaviour of the API client, as a profile or the command line gives it.

    One flat value for the people who set it; the code reads its two parts apart:
    :attr:`transport` (what the HTTP client is built from) and :attr:`retry` (what
    the retry loop follows), so a change of retries keeps the connection pool.
    """

    connect_timeout: float = 5.0
    #: Overall deadline for one attempt, from start to the last byte of the answer.
    deadline: float = 15.0
    retries: int = 2
    #: Largest response body read; beyond it reading stops (BodyTooLargeError).
    max_body_bytes: int = 1_000_000
    #: Backoff between retries: base * 2**n seconds, jittered, capped.
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    #: True / False / path to a CA bundle file; "system" uses the OS trust store.
    verify: bool | str = True
    #: None: honour HTTPS_PROXY/NO_PROXY; "" : no proxy; a URL: that proxy.
    proxy: str | None = None

    @property
    def transport(self) -> TransportSettings:
        """The part that builds the HTTP client."""
        return TransportSettings(self.connect_timeout, self.deadline, self.verify, self.proxy)

    @property
    def retry(self) -> RetryPolicy:
        """The part the retry loop follows."""
        return RetryPolicy(self.retries, self.backoff_base, self.backoff_max)


@dataclass
class Exchange:
    """One HTTP exchange as shown to people: already redacted."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    http_status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""

    def __post_init__(self) -> None:
        self.url = redact(self.url)
        self.request_body = redact(self.request_body)
        self.response_body = redact(self.response_body)


@dataclass
class Attempt:
    """One attempt of a launch: its own uuid, exchange, timing and outcome."""

    number: int
    uuid: str
    started_at: float  # time.time()
    exchange: Exchange
    outcome: Outcome
    duration_ms: float
    error_code: str | None = None
    error_message: str | None = None
    game_url: str | None = None  # redacted
    #: Time to the first response byte, when known.
    ttfb_ms: float | None = None


@dataclass
class LaunchResult:
    """A successful launch: the game URL (secret) and every attempt it took."""

    game_url: Secret
    http_status: int
    uuid: str
    attempts: list[Attempt]
    duration_ms: float

    @property
    def redacted_url(self) -> str:
        return redact(self.game_url.reveal())


#: A demo player, used only with the built-in sandbox when fields are left out
#: (the CLI's defaults there, and the window's first request).
DEMO_PLAYER = {
    "gameid": "lm_8_treasureofzeus",
    "player_id": "demo-player",
    "nickname": "Demo",
    "language": "en",
    "currency": "USD",
    "session_id": "demo-session",
    "ip": "203.0.113.7",
}
