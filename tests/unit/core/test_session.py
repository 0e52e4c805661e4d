"""API sessions: one HTTP client per transport, shared across retry policies, and
the one-block session of a command, against the spec server over loopback."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from console_app.core.models import ApiTarget, ClientSettings, LaunchRequest
from console_app.core.redaction import Secret
from console_app.core.session import SessionPool, api_session

REQUEST = LaunchRequest(gameid="lm_8_treasureofzeus", player_id="u1", nickname="Ann", language="en",
                        currency="USD", session_id="s1", ip="203.0.113.7")
G01 = {"errors": {"code": "G.01", "message": "System error"}}


def test_changing_only_the_retry_policy_keeps_the_http_client_and_its_pool(spec_server):
    target = ApiTarget(spec_server.url, spec_server.partner_id, Secret(spec_server.token))
    base = ClientSettings(deadline=2.0, backoff_base=0.01, backoff_max=0.01, retries=0)
    more_retries = replace(base, retries=3, backoff_base=0.02)

    async def main():
        pool = SessionPool()
        try:
            first, second = pool.session(base), pool.session(more_retries)
            other_transport = pool.session(replace(base, connect_timeout=1.0))
            spec_server.script([(503, {}, G01)])
            failed = await asyncio.gather(first.client.enter(target, REQUEST), return_exceptions=True)
            spec_server.script([(503, {}, G01)])
            result = await second.client.enter(target, REQUEST)
            return first, second, other_transport, failed[0], result
        finally:
            await pool.aclose()

    first, second, other_transport, failed, result = asyncio.run(main())
    assert second.http is first.http and other_transport.http is not first.http
    # Same pool, each client following its own policy: no retry, then one retry that succeeded.
    assert len(failed.attempts) == 1
    assert [a.outcome for a in result.attempts] == ["api_error", "success"]
    assert first.http.is_closed and other_transport.http.is_closed


def test_api_session_closes_its_client_when_the_block_ends(spec_server):
    target = ApiTarget(spec_server.url, spec_server.partner_id, Secret(spec_server.token))

    async def main():
        async with api_session(ClientSettings(deadline=2.0)) as session:
            url = await session.client.enter(target, REQUEST)
            assert not session.http.is_closed
        return session, url

    session, result = asyncio.run(main())
    assert session.http.is_closed and result.game_url.reveal().startswith("http")
