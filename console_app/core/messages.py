"""The one place that decides what people read about an error: the CLI's one line
(:func:`one_line`) and the window's answer panel (:func:`describe`) both come from here.

API codes are explained from the error dictionary (bundled, or the caller's with the
user's overrides); an unknown code is shown verbatim with the category its prefix
gives. Every transport and bad-answer error gets its own next step. All text is
redacted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from console_app.core.error_dictionary import ErrorDictionary, bundled, category_of
from console_app.core.errors import (
    ApiError,
    BadAnswerError,
    BodyTooLargeError,
    ConnectionDroppedError,
    ConnectionRefusedError_,
    ConnectTimeoutError,
    ConsoleError,
    DeadlineExceededError,
    DnsError,
    HtmlPageError,
    InvalidInputError,
    MissingUrlError,
    NotJsonError,
    ProxyError,
    TlsError,
    TransportError,
    UndecodableUrlError,
    UnsafeUrlError,
)
from console_app.core.redaction import redact

if TYPE_CHECKING:
    from pathlib import Path

    from console_app.core.diagnostics import Diagnostics, FailedLoad

Severity = Literal["warning", "error"]

#: Said whenever the API may have created a session we never heard about.
MAYBE_CREATED = "A game session may have been created: check before launching again."
#: Said when a launch is asked for before the embedded sandbox has started.
SANDBOX_STARTING = "The sandbox is still starting — try again in a moment"
#: What history says of a request still in flight when the window was closed.
ABANDONED_AT_QUIT = "abandoned at quit — a game session may exist"

_CATEGORY_MEANING = {
    "G": "a generic failure reported by LuckyMonaco (G.* code)",
    "V": "LuckyMonaco rejected an input field (V.* code)",
    "unknown": "a code this console does not know yet (shown as the API sent it)",
}
_CATEGORY_NEXT_STEP = {
    "G": "Read the API's message; if it keeps happening, report it to LuckyMonaco with the request's uuid.",
    "V": "Fix the field the message names, then launch again.",
    "unknown": "Read the API's message; add the code to the error dictionary once you know what it means.",
}
_STATUS_MEANING = {
    400: "the API rejected the request as malformed",
    401: "the API did not accept the partner ID or token",
    403: "the API refused access for this partner",
    404: "nothing answers at this path: the API URL is probably wrong",
    405: "the API does not accept POST here: the API URL is probably wrong",
    429: "too many requests: the API asks to slow down",
    500: "the API failed internally",
    502: "a gateway in front of the API got no good answer from it",
    503: "the API is unavailable for now",
    504: "a gateway in front of the API timed out waiting for it",
}
_STATUS_NEXT_STEP = {
    401: "Check the profile's partner ID and token (each sub-brand has its own), then launch again.",
    403: "Check the partner ID and that this machine's IP is allowed by LuckyMonaco.",
    404: "Check the API URL (environment, path prefix).",
    405: "Check the API URL (environment, path prefix).",
    429: "Wait a little, then launch again.",
}
_TLS_NEXT_STEP = {
    "expired": "The server's certificate has expired: ask the API owner to renew it.",
    "self-signed": "The server uses a self-signed certificate: add its CA file to the profile if you trust it.",
    "wrong-host": "The certificate names another host: check the API URL for a typo.",
    "untrusted-root": (
        "The certificate's issuer is not trusted here: add the issuing CA file to the profile "
        "or install it in the system trust store."
    ),
    "other": "Check the API URL (https vs http) and the profile's TLS settings.",
}


@dataclass(frozen=True)
class Description:
    """What to tell a person about an error.

    ``headline`` is one line naming the code or HTTP status; ``maybe_delivered`` is
    True only when a game session may exist without us knowing its URL.
    """

    headline: str
    meaning: str
    next_step: str
    retryable: bool
    severity: Severity
    maybe_delivered: bool
    #: The error's own (redacted) message, with specifics such as the host.
    detail: str = ""


def describe(error: BaseException, endpoint: str = "session", dictionary: ErrorDictionary | None = None) -> Description:
    """Headline, meaning, next step and flags for any error the console can meet."""
    import asyncio

    from console_app.core.retry import is_retryable

    detail = redact(str(error))
    if isinstance(error, asyncio.CancelledError):
        return Description(
            "Cancelled",
            "The request was cancelled before an answer arrived.",
            MAYBE_CREATED,
            retryable=False,
            severity="warning",
            maybe_delivered=True,
        )
    if isinstance(error, ApiError):
        return _describe_api_error(error, endpoint, dictionary or bundled(), detail)
    if isinstance(error, InvalidInputError):
        return Description(
            f"Invalid input: {detail}",
            "The request was not sent.",
            # Only field problems can be overridden; a missing option must simply be given.
            "Fix the fields named, or send anyway on purpose (--allow-invalid / Send anyway)."
            if error.problems
            else "",
            retryable=False,
            severity="error",
            maybe_delivered=False,
            detail=detail,
        )
    if isinstance(error, (TransportError, BadAnswerError)):
        headline, meaning, next_step = _transport_or_answer(error)
        maybe = bool(getattr(error, "maybe_delivered", False))
        if maybe and endpoint == "session" and MAYBE_CREATED not in next_step:
            next_step = f"{MAYBE_CREATED} {next_step}"
        retryable = is_retryable(error)
        return Description(
            redact(headline),
            redact(meaning),
            redact(next_step),
            retryable=retryable,
            severity="warning" if retryable else "error",
            maybe_delivered=maybe,
            detail=detail,
        )
    if isinstance(error, ConsoleError):
        return Description(
            detail or type(error).__name__,
            detail,
            "",
            retryable=False,
            severity="error",
            maybe_delivered=False,
            detail=detail,
        )
    return Description(
        redact(f"Unexpected {type(error).__name__}: {error}"),
        "Something went wrong that the console does not expect.",
        "Please report it with the log file.",
        retryable=False,
        severity="error",
        maybe_delivered=False,
        detail=detail,
    )


def one_line(error: BaseException, endpoint: str = "session", dictionary: ErrorDictionary | None = None) -> str:
    """One line for a terminal: the headline and the next step."""
    description = describe(error, endpoint, dictionary)
    line = description.headline
    if description.next_step:
        line = f"{line} — {description.next_step}"
    return " ".join(redact(line).split())


#: Appended to a dictionary meaning the spec does not give (the sandbox's own reading).
INFERRED_NOTE = "(Inferred: LuckyMonaco does not document this code; this is the console sandbox's meaning.)"


def _describe_api_error(error: ApiError, endpoint: str, dictionary: ErrorDictionary, detail: str) -> Description:
    status = error.http_status
    code = error.code
    message = (error.api_message or "").strip()
    if code:
        headline = f"HTTP {status} {code}: {message}" if message else f"HTTP {status} {code}"
    else:
        headline = f"HTTP {status}: {message}" if message else f"HTTP {status} with no error code"
    entry = dictionary.lookup(endpoint, code)
    category = error.category or category_of(code)
    if entry is not None:
        meaning, next_step = entry.meaning, entry.next_step
        if entry.inferred:
            meaning = f"{meaning} {INFERRED_NOTE}"
    elif code:
        meaning = f"Unknown code {code}: {_CATEGORY_MEANING.get(category, _CATEGORY_MEANING['unknown'])}."
        next_step = _CATEGORY_NEXT_STEP.get(category, _CATEGORY_NEXT_STEP["unknown"])
    else:
        meaning = _STATUS_MEANING.get(status) or (
            "the API failed internally" if status >= 500 else "the API refused the request"
        )
        meaning = meaning[0].upper() + meaning[1:] + " (no error code in the answer)."
        next_step = _STATUS_NEXT_STEP.get(status) or (
            "Try again later; report it to LuckyMonaco if it persists."
            if status >= 500
            else "Check the request and the profile, then launch again."
        )
    if error.retryable and "retr" not in next_step.lower():
        next_step = f"Try again (it is retryable). {next_step}".strip()
    if len(error.errors) > 1:
        more = "; ".join(f"{c or '-'}: {m or ''}".strip() for c, m in error.errors[1:])
        meaning = f"{meaning} The API also listed: {more}"
    return Description(
        redact(" ".join(headline.split())),
        redact(meaning),
        redact(next_step),
        retryable=error.retryable,
        severity="warning" if error.retryable else "error",
        maybe_delivered=False,
        detail=detail,
    )


def _transport_or_answer(error: ConsoleError) -> tuple[str, str, str]:
    """(headline, meaning, next step) for a transport or bad-answer error."""
    status = getattr(error, "http_status", None)
    http = f"HTTP {status}: " if status else ""
    if isinstance(error, ConnectionRefusedError_):
        return (
            "Connection refused (nothing was sent)",
            f"Nothing accepts connections at that address. {error}",
            "Check the API URL and port; for the sandbox, check it is running.",
        )
    if isinstance(error, DnsError):
        return (
            "Host name not found (nothing was sent)",
            f"The API host name does not resolve. {error}",
            "Check the API URL for a typo, and your DNS or VPN connection.",
        )
    if isinstance(error, ConnectTimeoutError):
        return (
            "No connection within the connect timeout (nothing was sent)",
            f"The API host did not accept a connection in time. {error}",
            "Check your network, VPN or firewall, then launch again.",
        )
    if isinstance(error, TlsError):
        reason = getattr(error, "reason", "other")
        return (
            f"TLS certificate check failed ({reason})",
            f"The secure connection was refused, so nothing was sent. {error}",
            _TLS_NEXT_STEP.get(reason, _TLS_NEXT_STEP["other"]),
        )
    if isinstance(error, ProxyError):
        return (
            "The proxy refused the request",
            f"The proxy between you and the API failed or asks for credentials. {error}",
            "Check the proxy setting (profile, or HTTPS_PROXY / NO_PROXY).",
        )
    if isinstance(error, DeadlineExceededError):
        if error.maybe_delivered:
            return (
                "No complete answer within the deadline",
                f"The request went out but the answer did not finish in time. {error}",
                "Raise the timeout if the API is slow.",
            )
        return (
            "Could not reach the API within the deadline (nothing was sent)",
            str(error),
            "Check the API URL and your network; raise the timeout if the network is slow.",
        )
    if isinstance(error, ConnectionDroppedError):
        return (
            "The connection broke before a complete answer",
            str(error),
            "If this keeps happening, check proxies or load balancers between you and the API."
            if error.maybe_delivered
            else "Launch again.",
        )
    if isinstance(error, HtmlPageError):
        return (
            f"{http}an HTML page instead of the API's answer",
            f"Probably a proxy or load balancer page, not LuckyMonaco. {error}",
            "Check the API URL; if it is right, the API may be down: try again later.",
        )
    if isinstance(error, NotJsonError):
        return (
            f"{http}the answer is not JSON",
            str(error),
            "Check that the API URL points at the LuckyMonaco API; look at the raw answer.",
        )
    if isinstance(error, MissingUrlError):
        return (
            f"{http}the answer has no game URL",
            f"The answer is JSON but has no string \"url\". {error}",
            "Look at the raw answer and report it to LuckyMonaco.",
        )
    if isinstance(error, UndecodableUrlError):
        return (
            f"{http}the game URL is not valid UTF-8, so it was not opened",
            str(error),
            "Report it to LuckyMonaco: a game URL must be valid UTF-8 once its %XX escapes are decoded.",
        )
    if isinstance(error, UnsafeUrlError):
        return (
            f"{http}the game URL is not http/https, so it was not opened",
            str(error),
            "Report it to LuckyMonaco: a game URL must start with https://.",
        )
    if isinstance(error, BodyTooLargeError):
        return (
            f"{http}the answer is larger than the size limit",
            f"Reading stopped at the limit. {error}",
            "Check the API URL: the API never sends that much.",
        )
    if isinstance(error, BadAnswerError):
        return (f"{http}unusable answer", str(error), "Look at the raw answer; check the API URL.")
    return ("Network error", str(error), "Check the API URL and your network, then launch again.")


# --------------------------------------------------------------------------- local folders
def log_not_written(folder: object, error: OSError) -> str:
    """The log file cannot be opened (read-only or full disk): the window still runs."""
    return (f"no log file this run: cannot write to {folder} ({error.strerror or error}); "
            "messages go to the terminal only")


def data_folder_not_locked(folder: object) -> str:
    """The one-window lock cannot be made: the folder is read-only, so nothing is saved."""
    return (f"the data folder {folder} cannot be written: this window saves no history or window "
            "state; choose a writable one with --basedir DIR")


def history_not_saved(error: object) -> str:
    """One line for a history write that failed; the read-only and disk-full lines
    already say "history not saved", the rest (a damaged file …) get it in front."""
    text = str(error)
    return text if text.startswith("history not saved") else f"history not saved: {text}"


# --------------------------------------------------------------------------- game tab banners
GAME_CRASHED = "Game crashed — Reload?"


def game_load_failed(host: str, reason: str) -> str:
    """The game page itself did not load (only the host: the query holds the token)."""
    return f"The game did not load from {host}: {reason}. Check the server, then Reload."


def navigation_refused(url: str, reason: str) -> str:
    return f"Refused to open {url}: {reason}."


def popup_blocked(limit: int) -> str:
    return f"Blocked a popup: this game has {limit} tabs open already."


def certificate_blocked(host: str, description: str) -> str:
    return (f"Blocked: the certificate of {host} is not valid ({description}). "
            "The game page was not loaded; ask the game's operator to fix the certificate.")


# --------------------------------------------------------------------------- game diagnostics
# What the Diagnostics panel, its report section and a game tab's DevTools say.

DIAGNOSTICS_TOOLTIP = "What the game page did: console, failed loads, timings, WebGL"
DIAGNOSTICS_NO_GAME = "No game opened yet"
#: Shown instead of a record when the window runs with diagnostics off.
DIAGNOSTICS_OFF = ("Diagnostics are off in this window (started with --no-diagnostics): "
                   "game pages are not read. Inspect (F12) still opens DevTools.")
DIAGNOSTICS_GAME_NAME = "Game whose diagnostics are shown"
DIAGNOSTICS_SUMMARY_NAME = "Diagnostics summary"
DIAGNOSTICS_DETAILS_NAME = "Diagnostics details"
DIAGNOSTICS_INSPECT = "Inspect (F12)"
DIAGNOSTICS_INSPECT_TIP = "Open Chromium DevTools for this game"
DIAGNOSTICS_INSPECT_ACTION = "&Inspect game (DevTools)"
DIAGNOSTICS_INSPECT_ACTION_TIP = "Open Chromium DevTools for the game shown in Diagnostics (F12)"
DIAGNOSTICS_INSPECT_NO_GAME = "Inspect: no game is open"
#: DevTools is Chromium's own view: screen-share cannot mask the game URL's token in it.
DIAGNOSTICS_INSPECT_SCREEN_SHARE = "DevTools shows tokens and IDs unmasked: turn Screen-share off to inspect"
DEVTOOLS_NOT_WHILE_SHARING = "DevTools shows tokens and IDs unmasked, so a masked capture cannot show them"
DIAGNOSTICS_SAVE = "Save JSON…"
DIAGNOSTICS_SAVE_TIP = "Save these diagnostics as JSON"
DIAGNOSTICS_SAVE_TITLE = "Save diagnostics"
DEVTOOLS_TITLE = "DevTools"
DEVTOOLS_PLACEMENT_TIP = "Where DevTools opens, for this game and the next ones"
#: The choices of where DevTools opens, by placement (core.diagnostics.DEVTOOLS_PLACEMENTS).
DEVTOOLS_PLACEMENTS = {
    "beside": "Beside the game",
    "below": "Below the game",
    "window": "In its own window",
}


def devtools_placement_choice(placement: str) -> str:
    """The Diagnostics panel's choice of where DevTools opens, e.g. "DevTools beside the game"."""
    return f"DevTools {DEVTOOLS_PLACEMENTS[placement][0].lower()}{DEVTOOLS_PLACEMENTS[placement][1:]}"


def devtools_window_title(game: str) -> str:
    return f"DevTools — {game}"


def diagnostics_saved(path: Path) -> str:
    return f"Diagnostics saved to {path}"


def failed_load_reason(failed: FailedLoad) -> str:
    """Why a request of the page failed: "HTTP 404", or the network error."""
    return f"HTTP {failed.status}" if failed.status else (failed.error or "failed")


def diagnostics_summary(record: Diagnostics) -> str:
    """One line, e.g. "2 console errors, 1 failed load"."""
    parts = []
    if record.error_count:
        parts.append(_count(record.error_count, "console error"))
    if record.failed_loads:
        parts.append(_count(len(record.failed_loads), "failed load"))
    if record.renderer_crashed:
        parts.append("renderer crashed")
    if record.webgl is False:
        parts.append("no WebGL")
    return ", ".join(parts) or "no problems seen"


def diagnostics_markdown(record: Diagnostics) -> str:
    """The diagnostics as a Markdown section body (reports and the panel): what went
    wrong first, then the timings and the page's environment."""
    lines = [f"- Page: {record.url or '—'}", f"- Summary: {diagnostics_summary(record)}"]
    if record.launch_to_first_frame_ms is not None:
        lines.append(f"- Launch → first frame: {record.launch_to_first_frame_ms:.0f} ms (from the Launch click)")
    if record.first_paint_ms is not None:
        lines.append(f"- First paint: {record.first_paint_ms:.0f} ms (from the page's navigation start)")
    if record.console:
        lines += ["", "Console:", ""]
        lines += [f"- [{m.level}] {m.message} ({m.source or '?'}:{m.line})" for m in record.console]
    if record.failed_loads:
        lines += ["", "Failed loads:", ""]
        lines += [f"- {f.kind}: {f.url} — {failed_load_reason(f)}" for f in record.failed_loads]
    if record.events:
        lines += ["", "Events:", ""]
        lines += [f"- {e.kind}: {e.detail}" for e in record.events]
    lines += ["", "Timings and environment:", ""]
    if record.timings:
        lines.append("- Load timings (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in record.timings.items()))
    webgl = {None: "not checked", True: "available", False: "not available"}[record.webgl]
    lines.append(f"- WebGL: {webgl}")
    for label, value in (("Device", record.device), ("Viewport", record.viewport), ("User agent", record.user_agent)):
        if value:
            lines.append(f"- {label}: {value}")
    return "\n".join(lines)


def diagnostics_panel_text(record: Diagnostics) -> str:
    """The Diagnostics panel's text: the report's section without its blank lines
    (the panel is a few lines high; what went wrong comes first)."""
    return "\n".join(line for line in diagnostics_markdown(record).splitlines() if line)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"
