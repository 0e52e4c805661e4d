"""The live game list: the real client against the sandbox and the spec server, and
the conversion of ``gamelist`` items into a catalog."""

from __future__ import annotations

import asyncio

import pytest

from console_app.core.catalog import CatalogStore, catalog_from_game_list, sample_catalog, sandbox_catalog
from console_app.core.client import LuckyMonacoClient
from console_app.core.errors import ApiError
from console_app.core.http import make_http_client
from console_app.core.models import ApiTarget, ClientSettings
from console_app.core.redaction import Secret
from tests.fixtures.spec_server import GAMES


async def fetch(target: ApiTarget, gametype: str = "slot") -> list[dict]:
    settings = ClientSettings(retries=0)
    async with make_http_client(settings) as http:
        return await LuckyMonacoClient(http, settings).game_list(target, gametype=gametype)


def test_live_list_from_the_sandbox_becomes_the_profiles_catalog(sandbox, app_paths):
    target = ApiTarget(sandbox.url, sandbox.partner_id, Secret(sandbox.token))
    items = asyncio.run(fetch(target))
    store = CatalogStore(app_paths)
    catalog, notes = catalog_from_game_list(items, api_url=sandbox.url, previous=store.load("Sandbox"))
    assert notes == []
    assert catalog.label == "live" and sandbox.url in catalog.source
    assert set(sample_catalog().game_ids) <= set(catalog.game_ids)
    assert all(g.icon_url.startswith(f"{sandbox.url}/icons/") for g in catalog.games)
    assert catalog.languages == sandbox_catalog().languages  # kept: the list names none
    diff = store.replace("Sandbox", catalog)
    assert diff.games_removed == ()
    assert store.load("Sandbox").label == "live"


def test_live_list_from_the_spec_server(spec_server):
    target = ApiTarget(spec_server.url, spec_server.partner_id, Secret(spec_server.token))
    catalog, _ = catalog_from_game_list(asyncio.run(fetch(target)), api_url=spec_server.url)
    assert [(g.id, g.name) for g in catalog.games] == [(g["gameid"], g["gameName"]) for g in GAMES]
    assert catalog.games[0].icon_url == f"{spec_server.url}/icons/lm_8.png"
    assert catalog.languages == ()


def test_gamelist_error_is_decoded(spec_server):
    target = ApiTarget(spec_server.url, spec_server.partner_id, Secret(spec_server.token))
    with pytest.raises(ApiError) as info:
        asyncio.run(fetch(target, gametype="table"))
    assert info.value.code == "G.1"


def test_items_without_ids_duplicates_and_unsafe_icons():
    items = [
        {"gameid": "lm_1_a", "gameName": "A", "icon_url": "javascript:alert(1)", "rtp": 96},
        {"gameName": "no id"},
        {"gameid": "lm_1_a", "gameName": "again"},
        {"gameid": " lm_2_b ", "icon_url": "https://cdn.example/b.png"},
    ]
    catalog, notes = catalog_from_game_list(items, api_url="https://api.example/v3")
    assert catalog.game_ids == ("lm_1_a", "lm_2_b")
    assert catalog.game("lm_1_a").icon_url is None
    assert catalog.game("lm_1_a").extra == {"rtp": "96"}
    assert catalog.game("lm_2_b").icon_url == "https://cdn.example/b.png"
    assert notes == ["item 2: no gameid; left out", "item 3: duplicate gameid lm_1_a; left out"]
