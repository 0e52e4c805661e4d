"""Checks of a profile's fields, one rule each, and the secret-key finder used on
imported files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from console_app.core.errors import ProfileError
from console_app.core.models import MAX_RETRIES, MAX_SECONDS
from console_app.core.profiles.model import KINDS, PROXY_MODES, Profile

# Keys that would mean a secret is in a file we are asked to read.
_SECRET_KEYS = frozenset({"token", "hash", "password", "secret"})
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_MAX_NAME = 64


def validate_profile(profile: Profile, *, check_files: bool = True) -> list[str]:
    """Check every field; raise :class:`ProfileError` (one line naming the field) for
    the first problem, else return warnings (risky but allowed choices).

    Production profiles must use https with TLS verification: their token travels in
    the URL's query string, so plain http or an unverified peer would hand a
    production secret to anyone on the path. For other kinds those are warnings:
    internal staging hosts without TLS are common and the token there is not a
    production one.
    """
    warnings: list[str] = []
    name = profile.name
    if not name or not name.strip():
        raise ProfileError("name: a profile needs a name")
    if name != name.strip() or len(name) > _MAX_NAME or any(ord(c) < 32 for c in name):
        raise ProfileError(
            f"name: '{name.strip()[:_MAX_NAME]}' must be at most {_MAX_NAME} characters, without "
            "leading/trailing spaces or control characters"
        )
    if profile.kind not in KINDS:
        raise ProfileError(f"kind: '{profile.kind}' is not one of {', '.join(KINDS)}")
    if not profile.partner_id.strip():
        raise ProfileError("partner ID: enter the Partner ID (MEMB_ID) LuckyMonaco gave you")
    if profile.is_embedded:
        if profile.kind != "sandbox":
            raise ProfileError("API URL: 'embedded' is only valid for a sandbox profile")
    else:
        _validate_api_url(profile)
        parts = urlsplit(profile.api_url.strip())
        if parts.scheme == "http":
            if profile.is_production:
                raise ProfileError(
                    "API URL: a production profile must use https:// (the token travels in the URL)"
                )
            if profile.kind == "staging" and not is_loopback(parts.hostname or ""):
                warnings.append(
                    f"API URL: {profile.api_url} is plain http: the token travels unencrypted in the URL"
                )
    if not profile.verify_tls:
        if profile.is_production:
            raise ProfileError("TLS: a production profile must verify the server's certificate")
        warnings.append("TLS: certificate verification is off for this profile")
    if profile.ca_bundle and check_files and not Path(profile.ca_bundle).is_file():
        raise ProfileError(f"CA bundle: file not found: {profile.ca_bundle}; choose a PEM file")
    if profile.proxy_mode not in PROXY_MODES:
        raise ProfileError(f"proxy: mode '{profile.proxy_mode}' is not one of {', '.join(PROXY_MODES)}")
    if profile.proxy_mode == "explicit":
        proxy = urlsplit(profile.proxy_url or "")
        if proxy.scheme not in ("http", "https") or not proxy.hostname:
            raise ProfileError(
                f"proxy: '{profile.proxy_url or ''}' is not a proxy URL; use http://HOST:PORT"
            )
        if proxy.username or proxy.password:
            # profiles.json is plain text; proxy credentials are secrets like the token.
            raise ProfileError(
                "proxy: a user/password in the proxy URL would be stored in plain text; use proxy "
                "mode 'system' with HTTPS_PROXY (user:password@host) set in your environment"
            )
    if not _COLOR_RE.match(profile.color):
        raise ProfileError(f"colour: '{profile.color}' is not a #rrggbb colour")
    for label, value in (("connect timeout", profile.connect_timeout), ("deadline", profile.deadline)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= MAX_SECONDS:
            raise ProfileError(f"{label}: {value!r} must be a number of seconds between 0 and {MAX_SECONDS:g}")
    if not isinstance(profile.retries, int) or isinstance(profile.retries, bool) \
            or not 0 <= profile.retries <= MAX_RETRIES:
        raise ProfileError(f"retries: {profile.retries!r} must be a whole number from 0 to {MAX_RETRIES}")
    return warnings


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ``::1`` or ``[::1]``)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def api_url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as an API base URL, or None. One rule for profiles
    and ``--api-url``: http(s), a host, a valid port, no credentials, no query."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return f"'{url}' is not a valid URL (check the host, the [IPv6] brackets and the port, 1 to 65535)"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"'{url}' must start with https:// (or http://) and name a host"
    if parts.username or parts.password:
        return "remove the user name/password from the URL"
    if parts.query or parts.fragment:
        return "remove the '?…'/'#…' part; MEMB_ID and HASH are added by the console"
    return None


def _validate_api_url(profile: Profile) -> None:
    problem = api_url_problem(profile.api_url)
    if problem:
        raise ProfileError(f"API URL: {problem}")


def find_secret_keys(data: Any, path: str = "") -> list[str]:
    """Paths of every key in ``data`` (nested dicts/lists) that names a secret."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if str(key).lower() in _SECRET_KEYS:
                found.append(here)
            found += find_secret_keys(value, here)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += find_secret_keys(value, f"{path}[{index}]")
    return found
