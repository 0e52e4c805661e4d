"""One way to talk to the API: an :class:`ApiSession` (the API client over an HTTP
client) made from :class:`ClientSettings`.

:class:`SessionPool` is the only place that builds them. It keeps one HTTP client
(and connection pool) per distinct :class:`TransportSettings`, so sessions whose
settings differ only in their retry policy share one pool. The window keeps a pool
for its lifetime; a command uses :func:`api_session` for one block of work.

The client, and with it ssl and the answer parsing, is imported on first use: the
window imports this module while it starts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console_app.core.models import ClientSettings, TransportSettings

if TYPE_CHECKING:
    import httpx

    from console_app.core.client import LuckyMonacoClient

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
    """The API client and the HTTP client under it."""

    client: LuckyMonacoClient
    http: httpx.AsyncClient

    async def fetch_page(self, url: str) -> Page:
        """GET ``url`` (a game page) without following redirects; never raises for
        network trouble (it becomes ``Page.problem``)."""
        import httpx

        from console_app.core.answers import html_title

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
        return Page(response.status_code, html_title(text), len(data))


class SessionPool:
    """HTTP clients kept open until :meth:`aclose`, one per transport settings, and
    the sessions over them."""

    def __init__(self) -> None:
        self._clients: dict[TransportSettings, httpx.AsyncClient] = {}

    def adopt(self, transport: TransportSettings, http: httpx.AsyncClient) -> None:
        """Use ``http`` (built elsewhere, e.g. at start-up) for ``transport``; closed with the pool."""
        self._clients[transport] = http

    def http_for(self, transport: TransportSettings) -> httpx.AsyncClient:
        """The HTTP client for ``transport``, built (~40 ms) on first use."""
        client = self._clients.get(transport)
        if client is None:
            from console_app.core.http import make_http_client

            client = self._clients[transport] = make_http_client(transport)
        return client

    def session(self, settings: ClientSettings | None = None) -> ApiSession:
        """An :class:`ApiSession` following ``settings``, over the pooled client for
        its transport part."""
        from console_app.core.client import LuckyMonacoClient

        settings = settings or ClientSettings()
        http = self.http_for(settings.transport)
        return ApiSession(LuckyMonacoClient(http, settings), http)

    async def aclose(self) -> None:
        """Close every HTTP client of the pool."""
        clients = list(self._clients.values())
        self._clients.clear()
        for http in clients:
            await http.aclose()


@asynccontextmanager
async def api_session(settings: ClientSettings | None = None) -> AsyncIterator[ApiSession]:
    """An :class:`ApiSession` over a fresh HTTP client made from ``settings``, closed
    when the block ends (one connection pool for every call inside it)."""
    pool = SessionPool()
    try:
        yield pool.session(settings)
    finally:
        await pool.aclose()
