"""The one HTTP client of the app and the boundary where httpx/ssl errors become the
project's own (:mod:`console_app.core.errors`).

httpx is imported inside the functions: importing this module stays cheap, so the
window can start before the network stack is loaded.
"""

from __future__ import annotations

import logging
import socket
import ssl
from typing import TYPE_CHECKING, Any

from console_app.core.errors import (
    BadAnswerError,
    ConnectionDroppedError,
    ConnectionRefusedError_,
    ConnectTimeoutError,
    ConsoleError,
    DeadlineExceededError,
    DnsError,
    ProxyError,
    TlsError,
    TransportError,
)
from console_app.core.models import ClientSettings, TransportSettings
from console_app.core.redaction import redact

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("console_app.core.http")

#: What a session that may exist means for the user; shared by every "maybe delivered" error.
MAYBE_DELIVERED_HINT = "a game session may have been created; check before launching again"

# OpenSSL X509_V_ERR_* codes (ssl.SSLCertVerificationError.verify_code) by reason.
_TLS_REASONS_BY_CODE = {
    10: "expired",  # CERT_HAS_EXPIRED
    18: "self-signed",  # DEPTH_ZERO_SELF_SIGNED_CERT
    19: "self-signed",  # SELF_SIGNED_CERT_IN_CHAIN
    2: "untrusted-root",  # UNABLE_TO_GET_ISSUER_CERT
    20: "untrusted-root",  # UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    21: "untrusted-root",  # UNABLE_TO_VERIFY_LEAF_SIGNATURE
    62: "wrong-host",  # HOSTNAME_MISMATCH
    64: "wrong-host",  # IP_ADDRESS_MISMATCH
}
# The same reasons recognised from the message, for verifiers that give no code.
_TLS_REASONS_BY_TEXT = (
    ("expired", "expired"),
    ("self-signed", "self-signed"),
    ("self signed", "self-signed"),
    ("hostname mismatch", "wrong-host"),
    ("ip address mismatch", "wrong-host"),
    ("doesn't match", "wrong-host"),
    ("not valid for", "wrong-host"),
    ("unable to get local issuer", "untrusted-root"),
    ("unable to get issuer", "untrusted-root"),
    ("unable to verify the first certificate", "untrusted-root"),
    ("untrusted", "untrusted-root"),
)
def make_http_client(settings: TransportSettings | ClientSettings | None = None) -> httpx.AsyncClient:
    """One long-lived :class:`httpx.AsyncClient` for the app, configured from
    ``settings`` (of a :class:`ClientSettings`, only its transport part counts).

    Redirects are never followed (a ``HASH`` must not travel to another host);
    every phase timeout is bounded by the overall deadline; TLS uses the OS trust
    store, no verification, or a given CA bundle file; the proxy comes from the
    environment (``proxy=None``), is disabled (``""``) or is the given URL.
    """
    import httpx

    if not isinstance(settings, TransportSettings):
        settings = (settings or ClientSettings()).transport
    timeout = httpx.Timeout(
        connect=min(settings.connect_timeout, settings.deadline),
        read=settings.deadline,
        write=settings.deadline,
        pool=settings.deadline,
    )
    kwargs: dict[str, Any] = {
        "follow_redirects": False,
        "timeout": timeout,
        "verify": ssl_context_for(settings.verify),
    }
    if settings.proxy is None:
        kwargs["trust_env"] = True
    elif settings.proxy == "":
        kwargs["trust_env"] = False
    else:
        kwargs["trust_env"] = False
        kwargs["proxy"] = settings.proxy
    return httpx.AsyncClient(**kwargs)


def ssl_context_for(verify: bool | str) -> ssl.SSLContext:
    """The TLS context for a ``TransportSettings.verify`` value.

    ``True`` (or ``"system"``): the operating system's trust store (via truststore);
    ``False``: no certificate check at all; a path: exactly that CA bundle file.
    """
    if verify is True or verify == "system":
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    try:
        return ssl.create_default_context(cafile=str(verify))
    except (OSError, ssl.SSLError) as exc:
        raise TlsError(
            f"cannot load the CA bundle file {verify}: {exc}; choose a readable PEM file",
            reason="other",
        ) from exc


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything it was raised from, nearest first."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def tls_reason(exc: BaseException) -> str:
    """``expired``, ``self-signed``, ``wrong-host``, ``untrusted-root`` or ``other``
    for an SSL error (or an error raised from one)."""
    for cause in _causes(exc):
        code = getattr(cause, "verify_code", None)
        if code in _TLS_REASONS_BY_CODE:
            return _TLS_REASONS_BY_CODE[code]
    for cause in _causes(exc):
        text = f"{getattr(cause, 'verify_message', '') or ''} {cause}".lower()
        for needle, reason in _TLS_REASONS_BY_TEXT:
            if needle in text:
                return reason
    return "other"


def _find[E: BaseException](exc: BaseException, kind: type[E]) -> E | None:
    return next((c for c in _causes(exc) if isinstance(c, kind)), None)


def map_transport_error(exc: BaseException, *, host: str = "", sent: bool = False) -> ConsoleError:
    """The project's error for a low-level httpx/ssl/OS error.

    ``host`` names the API host in messages; ``sent`` says whether the request
    headers had started going out (then the API may have received the request and
    the error is ``maybe_delivered``). The caller raises the result ``from exc``.
    """
    import httpx

    where = f" at {host}" if host else ""
    if isinstance(exc, ConsoleError):
        return exc
    tls = _find(exc, ssl.SSLError)
    if tls is not None and not sent:
        reason = tls_reason(tls)
        detail = getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or str(tls)
        # A fact only: core/messages.py words the next step for each reason.
        return TlsError(f"TLS check failed{where} ({reason}: {detail})", reason=reason)
    if isinstance(exc, httpx.ProxyError):
        return ProxyError(f"the proxy refused the connection ({exc}); check the proxy setting")
    if isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        return ConnectTimeoutError(
            f"no connection{where} within the connect timeout; check the API URL, "
            "your network or VPN, and try again"
        )
    if isinstance(exc, httpx.ConnectError):
        if _find(exc, socket.gaierror) is not None:
            return DnsError(
                f"the host name {host or '(empty)'} does not resolve; check the API URL for a typo, your DNS or VPN"
            )
        if _find(exc, ConnectionRefusedError) is not None:
            return ConnectionRefusedError_(
                f"connection refused{where}: nothing is listening there; check the API URL and port"
            )
        return ConnectionRefusedError_(f"could not connect{where} ({exc}); check the API URL and your network")
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout)):
        return DeadlineExceededError(f"no complete answer{where} in time; {MAYBE_DELIVERED_HINT}")
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        if sent:
            return ConnectionDroppedError(f"the connection{where} broke before a complete answer; {MAYBE_DELIVERED_HINT}")
        dropped = ConnectionDroppedError(f"the connection{where} broke before the request was sent; try again")
        dropped.maybe_delivered = False
        return dropped
    if isinstance(exc, httpx.DecodingError):
        return BadAnswerError(
            f"the answer{where} declares a content encoding it does not follow ({exc}); report it to the API owner"
        )
    if isinstance(exc, httpx.UnsupportedProtocol):
        return TransportError(f"unsupported URL{where} ({exc}); the API URL must start with https:// or http://")
    if isinstance(exc, httpx.InvalidURL):
        return TransportError(f"invalid API URL ({exc}); check the profile's API URL")
    if isinstance(exc, (httpx.TransportError, OSError)):
        failure = TransportError(f"network error{where} ({type(exc).__name__}: {exc})")
        failure.maybe_delivered = sent
        return failure
    return TransportError(redact(f"unexpected network failure{where} ({type(exc).__name__}: {exc})"))
