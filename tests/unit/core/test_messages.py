"""User-facing wording of errors: one place, every error kind."""

from __future__ import annotations

import asyncio

import pytest

from console_app.core.error_dictionary import ErrorDictionary, ErrorEntry
from console_app.core.errors import (
    ApiError,
    BodyTooLargeError,
    ConnectionDroppedError,
    ConnectionRefusedError_,
    ConnectTimeoutError,
    DeadlineExceededError,
    DnsError,
    HtmlPageError,
    InvalidInputError,
    MissingUrlError,
    NotJsonError,
    ProfileError,
    ProxyError,
    TlsError,
    UnsafeUrlError,
)
from console_app.core.messages import MAYBE_CREATED, describe, one_line
from console_app.core.redaction import Secret


def api_error(code, message="msg", status=400, retryable=False, category=None, errors=None):
    from console_app.core.error_dictionary import category_of

    return ApiError(
        "x",
        http_status=status,
        code=code,
        api_message=message,
        category=category or category_of(code),
        retryable=retryable,
        errors=errors,
    )


def test_a_known_code_uses_the_dictionary():
    d = describe(api_error("G.0", "Could not authenticate", status=401))
    assert d.headline == "HTTP 401 G.0: Could not authenticate"
    assert "partner ID" in d.meaning and "partner ID" in d.next_step
    assert d.severity == "error" and not d.retryable and not d.maybe_delivered


def test_g01_is_retryable_and_a_warning():
    d = describe(api_error("G.01", "System error", status=503, retryable=True))
    assert d.retryable and d.severity == "warning" and "retried" in d.next_step


def test_a_given_dictionary_wins():
    mine = ErrorDictionary({"session": {"V.7": ErrorEntry("V.7", "Nickname too long.", False, "Use 12 characters.")}})
    d = describe(api_error("V.7"), dictionary=mine)
    assert (d.meaning, d.next_step) == ("Nickname too long.", "Use 12 characters.")


@pytest.mark.parametrize("code, words", [("V.99", "input field"), ("G.42", "generic"), ("Z.1", "does not know")])
def test_unknown_codes_are_shown_verbatim_with_their_category(code, words):
    d = describe(api_error(code, "something"))
    assert code in d.headline and f"Unknown code {code}" in d.meaning and words in d.meaning


def test_the_endpoint_selects_the_dictionary():
    gamelist = describe(api_error("G.1", "INVALID GAME TYPE"), endpoint="gamelist")
    session = describe(api_error("G.1", "INVALID GAME TYPE"), endpoint="session")
    assert "Unknown code" not in gamelist.meaning and "Unknown code" in session.meaning


def test_an_api_error_without_code_explains_the_status():
    d = describe(api_error(None, None, status=404))
    assert d.headline == "HTTP 404 with no error code" and "API URL" in d.next_step
    assert "HTTP 502" in describe(api_error(None, "bad gateway", status=502)).headline


def test_extra_listed_errors_are_mentioned():
    d = describe(api_error("V.3", "bad ip", errors=[("V.3", "bad ip"), ("V.4", "bad nick")]))
    assert "V.4: bad nick" in d.meaning


@pytest.mark.parametrize(
    "error, words, maybe",
    [
        (ConnectionRefusedError_("r"), "port", False),
        (DnsError("d"), "typo", False),
        (ConnectTimeoutError("t"), "network", False),
        (TlsError("t", reason="expired"), "renew", False),
        (TlsError("t", reason="self-signed"), "CA file", False),
        (TlsError("t", reason="wrong-host"), "typo", False),
        (TlsError("t", reason="untrusted-root"), "trust store", False),
        (ProxyError("p"), "proxy", False),
        (DeadlineExceededError("d"), "timeout", True),
        (ConnectionDroppedError("c"), "load balancers", True),
        (HtmlPageError("h", http_status=502), "API URL", True),
        (NotJsonError("n", http_status=200), "raw answer", True),
        (MissingUrlError("m", http_status=200), "report", True),
        (UnsafeUrlError("u", http_status=200), "https://", True),
        (BodyTooLargeError("b", http_status=200), "never sends", True),
    ],
)
def test_each_transport_and_answer_error_has_its_own_next_step(error, words, maybe):
    d = describe(error)
    assert words in d.next_step
    assert d.maybe_delivered is maybe
    assert (MAYBE_CREATED in d.next_step) is maybe
    assert "\n" not in d.headline


def test_a_deadline_before_sending_says_nothing_was_sent():
    error = DeadlineExceededError("d")
    error.maybe_delivered = False
    d = describe(error)
    assert "nothing was sent" in d.headline and not d.maybe_delivered


def test_retryable_answers_by_status():
    assert describe(HtmlPageError("h", http_status=503)).retryable
    assert not describe(HtmlPageError("h", http_status=502)).retryable
    assert describe(ConnectionRefusedError_("r")).retryable


def test_http_status_is_in_the_headline():
    assert describe(HtmlPageError("h", http_status=502)).headline.startswith("HTTP 502")


def test_other_errors():
    assert "Cancelled" in describe(asyncio.CancelledError()).headline
    invalid = describe(InvalidInputError("player.language is wrong", problems=["p"]))
    assert "player.language is wrong" in invalid.headline and not invalid.maybe_delivered
    assert "--allow-invalid" in invalid.next_step
    assert describe(InvalidInputError("missing --ip")).next_step == ""
    assert describe(ProfileError("no profile 'x'")).headline == "no profile 'x'"
    assert describe(RuntimeError("boom")).headline == "Unexpected RuntimeError: boom"


def test_one_line_is_one_redacted_line():
    token = Secret("the-partner-token-123")
    error = api_error("G.0", f"bad token {token.reveal()}\nsecond line", status=401)
    line = one_line(error)
    assert "\n" not in line and token.reveal() not in line
    assert line.startswith("HTTP 401 G.0: bad token •••") and "—" in line
