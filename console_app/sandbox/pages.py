"""HTML pages and images the sandbox serves: the demo game, the round snapshot, the
"session expired" page and one generated SVG icon per game.

Templates and assets live in ``resources/demo_game/``; values are put into templates
already escaped (HTML-escaped text, or JSON with ``<``, ``>`` and ``&`` escaped for a
``<script type="application/json">`` block), so a nickname can never become markup.
"""

from __future__ import annotations

import hashlib
import html
import json
import random
import re
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any

from console_app.resources import resources_dir
from console_app.sandbox.game import SYMBOLS, GameSession, Round, bet_steps

#: Assets under ``/game/static/``: file name -> content type.
STATIC_FILES = {
    "game.css": "text/css; charset=utf-8",
    "game.js": "text/javascript; charset=utf-8",
    "snapshot.js": "text/javascript; charset=utf-8",
    # Named by every page, so the browser does not ask for /favicon.ico (a 404 in DevTools).
    "favicon.svg": "image/svg+xml",
}
#: Sent with every page: scripts and styles only from the sandbox itself.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'")
DEFAULT_LANGUAGE = "en"
#: Right-to-left scripts (Arabic, Hebrew, Persian, Urdu): pages in them are mirrored.
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur"})
_PLACEHOLDER_RE = re.compile(r"\{\{(\w+)\}\}")
_SMALL_WORDS = {"of", "the", "to", "a", "an", "and", "s"}


@cache
def _asset(name: str) -> str:
    return (resources_dir() / "demo_game" / name).read_text("utf-8")


def static_file(name: str) -> tuple[bytes, str] | None:
    """(body, content type) of a ``/game/static/`` asset, or None if not one."""
    if name not in STATIC_FILES:
        return None
    return _asset(name).encode("utf-8"), STATIC_FILES[name]


@lru_cache(maxsize=1)
def all_strings() -> dict[str, dict[str, str]]:
    """Interface words per language (``resources/demo_game/strings.json``)."""
    strings: dict[str, dict[str, str]] = json.loads(_asset("strings.json"))
    return strings


def shown_language(language: str | None) -> str:
    """The language the pages are shown in for ``language``: itself when translated,
    else English."""
    return language if language in all_strings() else DEFAULT_LANGUAGE


def strings_for(language: str | None) -> dict[str, str]:
    """The words for ``language``, English for any language without a translation."""
    return all_strings()[shown_language(language)]


def direction(language: str | None) -> str:
    """``"rtl"`` or ``"ltr"``: the writing direction of the words shown for ``language``."""
    return "rtl" if shown_language(language) in RTL_LANGUAGES else "ltr"


def language_from_header(accept_language: str | None) -> str:
    """The first language of an ``Accept-Language`` header the pages are translated into."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in all_strings():
            return code
    return DEFAULT_LANGUAGE


def script_json(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``</script>`` break-out."""
    text = json.dumps(value, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _fill(template: str, values: dict[str, str]) -> str:
    # One pass, so text inside a value is never taken for a placeholder.
    return _PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], template)


def page_title(game_name: str) -> str:
    return f"{game_name} — LuckyMonaco demo"


def showcase_reels(game_id: str) -> list[list[str]]:
    """The reels a new game shows before its first spin: every symbol, no two alike
    side by side (so no pay line lights up), in an order that depends on the game."""
    names = list(SYMBOLS)
    random.Random(game_id).shuffle(names)
    # Neighbouring cells in a row are 3 apart in the 9-symbol cycle, so never equal.
    return [[names[(reel * 3 + row) % len(names)] for row in range(3)] for reel in range(5)]


def game_page(session: GameSession, *, page_errors: bool = False) -> str:
    """The demo game for one session. ``page_errors`` makes the page misbehave on
    purpose (the ``page_errors`` fault): it logs a console error, asks for a missing
    image and blocks its main thread for about 300 ms."""
    words = strings_for(session.language)
    first = showcase_reels(session.game_id)
    data = {
        "language": session.language,
        "shown_language": shown_language(session.language),
        "page_errors": page_errors,
        "currency": session.currency,
        "game_name": session.game_name,
        "nickname": session.nickname,
        "balance": session.balance,
        "bets": bet_steps(session.currency),
        "symbols": list(SYMBOLS),
        "initial_reels": first,
        "strings": words,
    }
    return _fill(_asset("game.html"), {
        "lang": html.escape(session.language),
        "dir": direction(session.language),
        "title": html.escape(page_title(session.game_name)),
        "game_name": html.escape(session.game_name),
        "symbols": _asset("symbols.svg"),
        "data": script_json(data),
    })


def _money(amount: float, currency: str) -> str:
    # What the page shows without JavaScript; snapshot.js reformats it with Intl.
    return f'<span data-amount="{amount:.2f}">{amount:,.2f} {html.escape(currency)}</span>'


def snapshot_page(result: Round) -> str:
    """The result page of one round."""
    words = strings_for(result.language)
    hits = {cell for win in result.wins for cell in win.cells}
    reels = []
    for index, column in enumerate(result.reels):
        cells = "".join(
            f'<div class="cell{" hit" if (index, row) in hits else ""}" data-symbol="{name}">'
            f'<svg viewBox="0 0 100 100" aria-hidden="true"><use href="#sym-{name}"/></svg></div>'
            for row, name in enumerate(column))
        reels.append(f'<div class="reel">{cells}</div>')
    when = datetime.fromtimestamp(result.time, UTC)
    e = html.escape
    if result.wins:
        lines = "".join(
            f"<li>{e(words['line'])} {w.line + 1}: {w.count} × {e(w.symbol)} — "
            f"{_money(w.amount, result.currency)}</li>" for w in result.wins)
        line_list = f"<ul>{lines}</ul>"
    else:
        line_list = f"<ul><li>{e(words['no_lines'])}</li></ul>"
    facts = (
        "<dl>"
        f"<dt>{e(words['game'])}</dt><dd>{e(result.game_name)}</dd>"
        f"<dt>{e(words['round'])}</dt><dd class=\"mono\">{e(result.transaction_id)}</dd>"
        f"<dt>{e(words['player'])}</dt><dd>{e(result.nickname)}</dd>"
        f"<dt>{e(words['time'])}</dt><dd><time datetime=\"{when.isoformat()}\">"
        f"{when:%Y-%m-%d %H:%M:%S} UTC</time></dd>"
        f"<dt>{e(words['bet'])}</dt><dd>{_money(result.bet, result.currency)}</dd>"
        f"<dt>{e(words['win'])}</dt><dd class=\"win\">{_money(result.win, result.currency)}</dd>"
        f"<dt>{e(words['balance_after'])}</dt><dd>{_money(result.balance_after, result.currency)}</dd>"
        "</dl>"
        f"<h2 class=\"lines-heading\">{e(words['winning_lines'])}</h2>{line_list}"
    )
    nickname = result.nickname.strip() or "?"
    return _fill(_asset("snapshot.html"), {
        "lang": e(result.language),
        "dir": direction(result.language),
        "title": e(f"{words['snapshot']} · {result.game_name} — LuckyMonaco demo"),
        "game_name": e(result.game_name),
        "nickname": e(result.nickname),
        "initial": e(nickname[0].upper()),
        "symbols": _asset("symbols.svg"),
        "reels": "".join(reels),
        "heading": e(words["snapshot"]),
        "facts": facts,
        "demo": e(words["demo"]),
        "data": script_json({"language": result.language, "currency": result.currency}),
    })


def expired_page(language: str) -> str:
    """The page for an unknown or expired game or snapshot token."""
    words = strings_for(language)
    return _fill(_asset("error.html"), {
        "lang": html.escape(language),
        "dir": direction(language),
        "title": html.escape(f"{words['error_title']} — LuckyMonaco demo"),
        "heading": html.escape(words["error_title"]),
        "message": html.escape(words["expired"]),
    })


def initials(name: str) -> str:
    """Up to two letters for an icon: the first letters of the name's main words."""
    words = [w for w in re.findall(r"[^\W_]+", name) if w.lower() not in _SMALL_WORDS]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or (name[:1].upper() or "?")


def game_icon(game_id: str, game_name: str) -> str:
    """A 256x256 SVG icon: a gradient in colours derived from the game ID, a gold frame
    and the name's initials. Same ID, same icon."""
    digest = hashlib.sha256(game_id.encode("utf-8")).digest()
    hue = digest[0] * 360 // 256
    hue2 = (hue + 35 + digest[1] % 50) % 360
    text = html.escape(initials(game_name))
    title = html.escape(game_name)
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img" aria-label="{title}">
<title>{title}</title>
<defs>
<linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl({hue},72%,52%)"/><stop offset="1" stop-color="hsl({hue2},78%,20%)"/></linearGradient>
<radialGradient id="shine" cx="30%" cy="20%" r="70%"><stop offset="0" stop-color="#fff" stop-opacity=".45"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient>
<linearGradient id="gold" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#fff1b8"/><stop offset=".5" stop-color="#ffc93c"/><stop offset="1" stop-color="#b87400"/></linearGradient>
</defs>
<rect x="6" y="6" width="244" height="244" rx="44" fill="url(#bg)"/>
<rect x="6" y="6" width="244" height="244" rx="44" fill="url(#shine)"/>
<rect x="16" y="16" width="224" height="224" rx="36" fill="none" stroke="url(#gold)" stroke-width="6"/>
<path d="M128 34 L140 58 L128 82 L116 58 Z" fill="url(#gold)" opacity=".9"/>
<text x="128" y="168" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-weight="bold" font-size="92" fill="#000" opacity=".3">{text}</text>
<text x="128" y="162" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-weight="bold" font-size="92" fill="#fff">{text}</text>
</svg>
"""
