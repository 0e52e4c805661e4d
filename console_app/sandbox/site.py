"""The sandbox's web site: the demo game (its page, static files, icons and
``/game/spin``), a round's snapshot page, and the plain-text index."""

from __future__ import annotations

from typing import Any

from console_app.sandbox import pages
from console_app.sandbox.transport import BaseHandler, Response, Routes, json_response


class SiteHandler(BaseHandler):
    """The pages a player's browser asks for."""

    def _site_routes(self, query: dict[str, str], parsed: Any) -> Routes:
        return {
            ("GET", "/"): self._index,
            ("GET", "/game/index.html"): lambda: self._game_page(query.get("token", "")),
            ("POST", "/game/spin"): lambda: self._spin(parsed),
            ("GET", "/snapshot/index.html"): lambda: self._snapshot_page(query.get("token", "")),
        }

    def _site_file(self, path: str) -> Response | None:
        """A static file of the game or a game's icon (None: no such file)."""
        if self.command == "GET" and path.startswith("/game/static/"):
            asset = pages.static_file(path.removeprefix("/game/static/"))
            if asset is not None:
                return Response(200, asset[0], asset[1], {"Cache-Control": "no-cache"})
        if self.command == "GET" and path.startswith("/icons/") and path.endswith(".svg"):
            game_id = path.removeprefix("/icons/").removesuffix(".svg")
            name = self.sandbox.world.games.get(game_id)
            if name is not None:
                return Response(200, pages.game_icon(game_id, name).encode("utf-8"),
                                "image/svg+xml", {"Cache-Control": "max-age=3600"})
        return None

    def _page(self, status: int, text: str) -> Response:
        return Response(status, text.encode("utf-8"), "text/html; charset=utf-8", {
            "Content-Security-Policy": pages.PAGE_CSP,
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        })

    def _expired(self, status: int, language: str | None) -> Response:
        language = language or pages.language_from_header(self.headers.get("Accept-Language"))
        return self._page(status, pages.expired_page(language))

    def _game_page(self, token: str) -> Response:
        session, expired = self.sandbox.world.session(token) if token else (None, False)
        if session is None:
            return self._expired(404, None)
        if expired:
            return self._expired(403, session.language)
        page_errors = self.sandbox._faults.take("game") is not None
        return self._page(200, pages.game_page(session, page_errors=page_errors))

    def _snapshot_page(self, token: str) -> Response:
        result = self.sandbox.world.snapshot(token) if token else None
        if result is None:
            return self._expired(404, None)
        return self._page(200, pages.snapshot_page(result))

    def _spin(self, parsed: Any) -> Response:
        if not isinstance(parsed, dict) or not isinstance(parsed.get("token"), str) \
                or not isinstance(parsed.get("bet"), (int, float)) or isinstance(parsed.get("bet"), bool):
            return json_response(400, {"error": {"code": "bad_request",
                                                  "message": "expected {\"token\": str, \"bet\": number}"}})
        try:
            result = self.sandbox.world.spin(parsed["token"], float(parsed["bet"]))
        except LookupError:
            return json_response(404, {"error": {"code": "session_expired",
                                                  "message": "this game session has expired"}})
        except ValueError as exc:
            return json_response(400, {"error": {"code": str(exc), "message": str(exc)}})
        return json_response(200, result.to_json(), {"Cache-Control": "no-store"})

    def _index(self) -> Response:
        text = (f"LuckyMonaco sandbox\nAPI URL: {self.sandbox.url}\n"
                f"Partner ID: {self.sandbox.partner_id}\n"
                "POST /api/session, POST /api/gamelist, GET|POST /api/snapshot.php\n")
        return Response(200, text.encode("utf-8"), "text/plain; charset=utf-8")
