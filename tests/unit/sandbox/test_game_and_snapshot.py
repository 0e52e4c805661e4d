"""The demo game page, spins, the game list with icons, and snapshots of rounds."""

from __future__ import annotations

import html
import json
import re

import httpx
import pytest

from console_app.sandbox import pages
from console_app.sandbox.game import bet_steps
from tests.unit.sandbox.helpers import auth, launch, spin, token_of

SESSION_DATA_RE = re.compile(r'<script id="session-data" type="application/json">(.*?)</script>', re.S)


def session_data(page: str) -> dict:
    return json.loads(SESSION_DATA_RE.search(page).group(1))


def test_game_page_for_a_valid_token(sandbox):
    url = launch(sandbox, player={"nickname": "Ann", "language": "ja", "currency": "JPY"})
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert "<title>Treasure of Zeus — LuckyMonaco demo</title>" in page
    assert '<html lang="ja" dir="ltr">' in page
    data = session_data(page)
    assert data["language"] == "ja" and data["currency"] == "JPY"
    assert data["nickname"] == "Ann" and data["game_name"] == "Treasure of Zeus"
    assert data["strings"]["spin"] == "スピン"
    assert data["bets"] == bet_steps("JPY")
    assert token_of(url) not in page  # the page reads it from its own URL, never shows it


def test_game_page_headers_keep_it_self_contained(sandbox):
    response = httpx.get(launch(sandbox), timeout=10)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "http://" not in response.text.replace(sandbox.url, "").replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in response.text


@pytest.mark.parametrize("nickname", ["</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                      "Tom & \"Jerry\" 'x' \u2028"])
def test_nickname_cannot_inject_markup(sandbox, nickname):
    page = httpx.get(launch(sandbox, player={"nickname": nickname}), timeout=10).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert session_data(page)["nickname"] == nickname


def test_game_name_is_escaped_in_the_title(sandbox_factory):
    srv = sandbox_factory(games={"qa_x": "<b>Bold</b> & Co"})
    page = httpx.get(launch(srv, gameid="qa_x"), timeout=10).text
    assert f"<title>{html.escape('<b>Bold</b> & Co')} — LuckyMonaco demo</title>" in page


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "SPIN"), ("ja", "スピン"), ("ko", "스핀"), ("zh", "旋转"), ("fr", "TOURNER"), ("sv", "SPIN")])
def test_interface_words_in_the_session_language_with_english_fallback(sandbox, language, expected):
    page = httpx.get(launch(sandbox, player={"language": language}), timeout=10).text
    assert session_data(page)["strings"]["spin"] == expected
    assert f'<html lang="{language}" dir="ltr">' in page


def test_static_assets_are_served(sandbox):
    for name, kind in [("game.css", "text/css"), ("game.js", "text/javascript"),
                       ("snapshot.js", "text/javascript")]:
        response = httpx.get(f"{sandbox.url}/game/static/{name}", timeout=10)
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
    assert httpx.get(f"{sandbox.url}/game/static/../../pyproject.toml", timeout=10).status_code == 404
    assert httpx.get(f"{sandbox.url}/game/static/strings.json", timeout=10).status_code == 404


def test_unknown_token_gets_the_expired_page(sandbox):
    response = httpx.get(f"{sandbox.url}/game/index.html?token=nope", timeout=10)
    assert response.status_code == 404
    assert ("This game session has expired or does not exist — launch the game again from the console"
            in response.text)
    assert httpx.get(f"{sandbox.url}/game/index.html", timeout=10).status_code == 404


def test_unknown_token_page_follows_accept_language(sandbox):
    response = httpx.get(f"{sandbox.url}/game/index.html?token=nope", timeout=10,
                         headers={"Accept-Language": "sv-SE;q=0.9, ko-KR;q=0.8, en;q=0.5"})
    assert '<html lang="ko" dir="ltr">' in response.text
    assert "이 게임 세션은 만료되었거나 존재하지 않습니다" in response.text


def test_expired_session_is_403_in_its_language(sandbox_factory):
    srv = sandbox_factory(session_ttl=-1)  # every session is born expired
    response = httpx.get(launch(srv, player={"language": "zh"}), timeout=10)
    assert response.status_code == 403
    assert "此游戏会话已过期或不存在" in response.text


# -- spins ---------------------------------------------------------------------------

def test_spin_changes_the_balance_by_bet_and_win(sandbox):
    token = token_of(launch(sandbox))
    session = sandbox.world.session(token)[0]
    before = session.balance
    result = spin(sandbox, token, 2).json()
    assert result["transaction_id"].startswith("tx-")
    assert len(result["reels"]) == 5 and all(len(reel) == 3 for reel in result["reels"])
    assert result["balance"] == pytest.approx(before - 2 + result["win"])
    assert result["win"] == pytest.approx(sum(w["amount"] for w in result["wins"]))
    assert session.rounds == [result["transaction_id"]]


def test_spin_refusals(sandbox):
    token = token_of(launch(sandbox))
    assert spin(sandbox, token, 3.33).json()["error"]["code"] == "invalid_bet"
    sandbox.world.session(token)[0].balance = 0.5
    refused = spin(sandbox, token, 1)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "insufficient_balance"
    gone = spin(sandbox, "no-such-token", 1)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "session_expired"
    bad = httpx.post(f"{sandbox.url}/game/spin", json={"bet": "1"}, timeout=10)
    assert bad.status_code == 400


# -- game list and icons -----------------------------------------------------------------

def test_gamelist_lists_the_catalog_with_icons(sandbox):
    response = httpx.post(f"{sandbox.url}/api/gamelist", params=auth(sandbox), json={"gametype": "slot"},
                          timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["gametype"] == "slot"
    games = {g["gameid"]: g for g in body["gamelist"]}
    assert len(games) == 36
    zeus = games["lm_8_treasureofzeus"]
    assert zeus == {"gameid": "lm_8_treasureofzeus", "gameName": "Treasure of Zeus",
                    "icon_url": f"{sandbox.url}/icons/lm_8_treasureofzeus.svg"}
    icon = httpx.get(zeus["icon_url"], timeout=10)
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert ">TZ</text>" in icon.text
    assert icon.text == httpx.get(zeus["icon_url"], timeout=10).text  # deterministic


@pytest.mark.parametrize("body", [{"gametype": "table"}, {"gametype": "SLOT"}, {}])
def test_gamelist_other_gametype_is_g1_in_the_singular_error_shape(sandbox, body):
    response = httpx.post(f"{sandbox.url}/api/gamelist", params=auth(sandbox), json=body, timeout=10)
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "G.1", "message": "INVALID GAME TYPE"}}


def test_gamelist_needs_credentials(sandbox):
    response = httpx.post(f"{sandbox.url}/api/gamelist", json={"gametype": "slot"}, timeout=10)
    assert response.status_code == 401 and response.json()["errors"]["code"] == "G.0"


def test_unknown_icon_is_404(sandbox):
    assert httpx.get(f"{sandbox.url}/icons/nope.svg", timeout=10).status_code == 404


# -- snapshots ----------------------------------------------------------------------------

def _snapshot_get(srv, transaction_id) -> httpx.Response:
    return httpx.get(f"{srv.url}/api/snapshot.php", params={**auth(srv), "transaction_id": transaction_id},
                     timeout=10)


def _snapshot_post(srv, body) -> httpx.Response:
    return httpx.post(f"{srv.url}/api/snapshot.php", params=auth(srv), json=body, timeout=10)


def test_spin_then_snapshot_round_trip(sandbox):
    token = token_of(launch(sandbox, player={"nickname": "Kim", "language": "ko", "currency": "KRW"}))
    result = spin(sandbox, token, 1000).json()
    for response in (_snapshot_get(sandbox, result["transaction_id"]),
                     _snapshot_post(sandbox, {"transaction_id": result["transaction_id"]})):
        assert response.status_code == 200
        url = response.json()["url"]
        assert url.startswith(f"{sandbox.url}/snapshot/index.html?token=")
        page = httpx.get(url, timeout=10)
        assert page.status_code == 200
        assert result["transaction_id"] in page.text and "Kim" in page.text
        assert '<html lang="ko" dir="ltr">' in page.text and "라운드 결과" in page.text
        shown = re.findall(r'data-symbol="(\w+)"', page.text)
        assert shown == [symbol for reel in result["reels"] for symbol in reel]
        assert f'data-amount="{result["win"]:.2f}"' in page.text


def test_demo_transactions_always_exist_and_are_stable(sandbox):
    first = httpx.get(_snapshot_get(sandbox, "tx-demo-support-42").json()["url"], timeout=10).text
    second = httpx.get(_snapshot_get(sandbox, "tx-demo-support-42").json()["url"], timeout=10).text
    assert "tx-demo-support-42" in first
    assert re.findall(r'data-symbol="(\w+)"', first) == re.findall(r'data-symbol="(\w+)"', second)


@pytest.mark.parametrize(("transaction_id", "status", "code"), [
    ("tx-unknown", 404, "V.7"), ("tx-demo-", 404, "V.7"), ("", 400, "V.2"), (None, 400, "V.3")])
def test_snapshot_refusals(sandbox, transaction_id, status, code):
    body = {} if transaction_id is None else {"transaction_id": transaction_id}
    response = _snapshot_post(sandbox, body)
    assert response.status_code == status
    assert response.json()["errors"]["code"] == code
    assert response.json()["errors"]["message"].startswith("transaction_id: ")


def test_snapshot_by_get_without_id_and_with_wrong_type(sandbox):
    missing = httpx.get(f"{sandbox.url}/api/snapshot.php", params=auth(sandbox), timeout=10)
    assert missing.json()["errors"]["code"] == "V.3"
    assert _snapshot_post(sandbox, {"transaction_id": 7}).json()["errors"]["code"] == "V.4"


def test_snapshot_needs_credentials(sandbox):
    response = httpx.get(f"{sandbox.url}/api/snapshot.php", params={"transaction_id": "tx-demo-1"}, timeout=10)
    assert response.status_code == 401


def test_unknown_snapshot_token_gets_the_expired_page(sandbox):
    assert httpx.get(f"{sandbox.url}/snapshot/index.html?token=nope", timeout=10).status_code == 404


@pytest.mark.parametrize(("language", "shown", "direction"), [
    ("ar", "ar", "rtl"), ("th", "th", "ltr"), ("de", "de", "ltr"), ("he", "en", "ltr"), ("sv", "en", "ltr")])
def test_pages_say_which_language_they_show_and_its_direction(sandbox, language, shown, direction):
    page = httpx.get(launch(sandbox, player={"language": language}), timeout=10).text
    assert f'<html lang="{language}" dir="{direction}">' in page
    data = session_data(page)
    assert data["shown_language"] == shown
    assert data["strings"] == pages.all_strings()[shown]
    expired = httpx.get(f"{sandbox.url}/game/index.html?token=nope", timeout=10,
                        headers={"Accept-Language": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in expired and "الجلسة غير متاحة" in expired
