"""The only package that imports QtWebEngine.

Importing this package is cheap; :mod:`console_app.webengine.game_view` loads
QtWebEngine and is imported when a game is first shown (or right after the window's
first paint), so the window appears before Chromium's libraries are loaded.
"""

from __future__ import annotations

from urllib.parse import urlsplit

#: Schemes a game page may use. Everything else is refused (see :func:`refusal_reason`).
LOADABLE_SCHEMES = ("http", "https")

# Chromium's own blank documents (new windows, iframes with srcdoc) are harmless.
_BLANK_URLS = ("about:blank", "about:srcdoc")

_REASONS = {
    "file": "file: URLs can read files on this computer",
    "data": "data: URLs can disguise any content as a page",
    "javascript": "javascript: URLs run code outside the game",
}


def refusal_reason(url: str) -> str | None:
    """Why the game view refuses to open ``url``, or None when it may be loaded."""
    if url in _BLANK_URLS:
        return None
    scheme = urlsplit(url).scheme.lower()
    if scheme in LOADABLE_SCHEMES:
        return None
    return _REASONS.get(scheme, f"{scheme or 'this'}: URLs are not game pages; only http and https are loaded")
