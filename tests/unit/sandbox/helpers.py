"""Shared helpers for the sandbox tests: valid ENTER bodies and authenticated calls."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from console_app.sandbox.server import SandboxServer


def enter_body(**overrides: Any) -> dict[str, Any]:
    """A valid ENTER body with a fresh uuid; ``player``/``session`` keys override inside."""
    body: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "gametype": "slot",
        "gameid": "lm_8_treasureofzeus",
        "player": {
            "id": "u1",
            "nickname": "Ann",
            "language": "en",
            "currency": "USD",
            "session": {"id": "s1", "ip": "203.0.113.7"},
        },
    }
    player = overrides.pop("player", {})
    session = overrides.pop("session", {})
    body.update(overrides)
    body["player"].update(player)
    body["player"]["session"].update(session)
    return body


def auth(srv: SandboxServer) -> dict[str, str]:
    return {"MEMB_ID": srv.partner_id, "HASH": srv.token}


def enter(srv: SandboxServer, body: Any = None, **kwargs: Any) -> httpx.Response:
    """POST /api/session with the right credentials (unless ``params`` says otherwise)."""
    kwargs.setdefault("params", auth(srv))
    if "content" not in kwargs:
        kwargs["json"] = enter_body() if body is None else body
    return httpx.post(f"{srv.url}/api/session", timeout=10, **kwargs)


def launch(srv: SandboxServer, **overrides: Any) -> str:
    """A new game session's URL."""
    response = enter(srv, enter_body(**overrides))
    assert response.status_code == 200, response.text
    return response.json()["url"]


def token_of(url: str) -> str:
    return httpx.URL(url).params["token"]


def spin(srv: SandboxServer, token: str, bet: float) -> httpx.Response:
    return httpx.post(f"{srv.url}/game/spin", json={"token": token, "bet": bet}, timeout=10)
