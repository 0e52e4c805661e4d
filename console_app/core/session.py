"""One way to talk to the API for a while: build the HTTP client from the settings,
wrap it in :class:`LuckyMonacoClient`, close it at the end.

Every command that sends requests needs exactly this (``launch``, ``history replay``,
``catalog fetch``, ``suite run``); it lives here once instead of in each of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console_app.core.client import LuckyMonacoClient, _html_title
from console_app.core.models import ClientSettings

if TYPE_CHECKING:
    import httpx

#: How much of a fetched page is read (a game page's HTML, not its assets).
PAGE_BYTES = 256 * 1024


@dataclass(frozen=True)
class Page:
    """What a plain GET of a page gave: status (None when nothing came back), title,
    size, and the failure in words."""

    status: int | None
    title: str = ""
    size: int = 0
    problem: str = ""


@dataclass(frozen=True)
class ApiSession:
    """The API client and the HTTP client under it, for one block of work."""

    client: LuckyMonacoClient
    http: httpx.AsyncClient

    async def fetch_page(self, url: str) -> Page:
        """GET ``url`` (a game page) without following redirects; never raises for
        network trouble (it becomes ``Page.problem``)."""
        import httpx

        try:
            async with self.http.stream("GET", url) as response:
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) >= PAGE_BYTES:
                        break
        except (httpx.HTTPError, OSError) as exc:
            return Page(None, problem=f"{type(exc).__name__}: the page did not answer")
        text = bytes(data).decode("utf-8", "replace")
        return Page(response.status_code, _html_title(text), len(data))


@asynccontextmanager
async def api_session(settings: ClientSettings | None = None) -> AsyncIterator[ApiSession]:
    """An :class:`ApiSession` over a fresh HTTP client made from ``settings``, closed
    when the block ends (one connection pool for every call inside it)."""
    from console_app.core.http import make_http_client

    settings = settings or ClientSettings()
    async with make_http_client(settings) as http:
        yield ApiSession(LuckyMonacoClient(http, settings), http)
