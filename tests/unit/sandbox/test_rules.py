"""Pure rules of the sandbox: pay lines, demo rounds, showcase reels, page helpers,
the code table."""

from __future__ import annotations

import json
import re

import pytest

from console_app.core.catalog import sample_catalog
from console_app.sandbox import codes, pages
from console_app.sandbox.game import PAYLINES, SYMBOLS, SandboxWorld, line_wins


def grid(*rows: str) -> tuple[tuple[str, ...], ...]:
    """Reels from three rows of five space-separated symbols."""
    table = [row.split() for row in rows]
    return tuple(tuple(table[row][reel] for row in range(3)) for reel in range(5))


def test_three_of_a_kind_on_the_middle_row_pays_from_the_left():
    reels = grid("lemon bell cherry bar star",
                 "seven seven seven bell lemon",
                 "bell cherry lemon star bar")
    (win,) = line_wins(reels, bet=5)
    assert (win.line, win.symbol, win.count) == (0, "seven", 3)
    assert win.amount == pytest.approx(1 * 25)  # line bet 5/5 lines x 25
    assert win.cells == ((0, 1), (1, 1), (2, 1))


def test_wild_substitutes_and_v_lines_pay():
    reels = grid("crown lemon bell bar crown",
                 "bell wild star wild bell",
                 "star cherry crown lemon star")
    wins = {w.line: w for w in line_wins(reels, bet=5)}
    # line 4 is (0,1,2,1,0): crown, wild, crown, wild, crown -> five crowns
    assert wins[3].symbol == "crown" and wins[3].count == 5
    assert wins[3].amount == pytest.approx(SYMBOLS["crown"][1][2])
    assert set(wins) == {3}


def test_no_match_from_the_first_reel_pays_nothing():
    reels = grid("lemon seven seven seven seven",
                 "bell lemon bell lemon bell",
                 "cherry bar cherry bar cherry")
    assert line_wins(reels, bet=1) == ()


def test_all_wilds_pay_as_wild():
    reels = grid("wild wild wild wild wild", "a b c d e", "f g h i j")
    (win,) = [w for w in line_wins(reels, bet=5) if w.line == 1]
    assert (win.symbol, win.count) == ("wild", 5)


def test_paylines_are_five_within_the_grid():
    assert len(PAYLINES) == 5 and all(len(line) == 5 and set(line) <= {0, 1, 2} for line in PAYLINES)


def test_demo_rounds_are_deterministic_and_consistent():
    world = SandboxWorld()
    first, second = world.find_round("tx-demo-abc"), SandboxWorld().find_round("tx-demo-abc")
    assert first == second
    assert first.win == pytest.approx(sum(w.amount for w in first.wins))
    assert first.game_id in world.games
    assert world.find_round("tx-demo-") is None
    assert world.find_round("tx-demo-a/b") is None


@pytest.mark.parametrize("game_id", ["lm_8_treasureofzeus", "lm_53_jellyjelly", "x"])
def test_showcase_reels_show_every_symbol_and_no_winning_line(game_id):
    reels = pages.showcase_reels(game_id)
    assert {s for reel in reels for s in reel} == set(SYMBOLS)
    assert line_wins(tuple(tuple(r) for r in reels), bet=5) == ()


def test_script_json_cannot_close_the_script_block():
    text = pages.script_json({"n": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"n": "</script><!-- & \u2028"}


@pytest.mark.parametrize(("name", "expected"), [
    ("Treasure of Zeus", "TZ"), ("Kelly's Wheel Double", "KW"), ("Jelly Jelly", "JJ"),
    ("The Road to Mystic Oz", "RM"), ("of", "O"), ("", "?")])
def test_icon_initials(name, expected):
    assert pages.initials(name) == expected


def test_icons_differ_by_game_and_escape_names():
    one = pages.game_icon("lm_1_pumpkinfarm", "Pumpkin <Farm>")
    assert "&lt;Farm&gt;" in one and "<Farm>" not in one
    assert one != pages.game_icon("lm_3_killerwhale", "Pumpkin <Farm>")


def test_every_language_has_every_word():
    table = pages.all_strings()
    assert {"en", "ja", "ko", "zh", "th", "vi", "id", "es", "pt", "de", "tr", "ru", "ar"} <= set(table)
    assert set(sample_catalog().languages) <= set(table)
    # The fallback note is only ever shown in English (the language fallen back to).
    words_everywhere = set(table["en"]) - {"fallback"}
    for language, words in table.items():
        assert set(words) == words_everywhere | ({"fallback"} if language == "en" else set()), language
        assert "{amount}" in words["you_won"], language


def test_every_template_placeholder_is_filled(sandbox):
    for name in ("game.html", "snapshot.html", "error.html"):
        assert re.findall(r"\{\{(\w+)\}\}", pages._asset(name))
    world = sandbox.world
    page = pages.snapshot_page(world.find_round("tx-demo-x")) + pages.expired_page("en")
    assert "{{" not in page


def test_code_table_is_documented_and_consistent():
    for code, (status, _) in codes.CODES.items():
        assert re.search(rf"^{re.escape(code)}\s+{status}\s", codes.__doc__, re.M), code
    assert codes.auth_error().body() == {"errors": {"code": "G.0", "message": codes.AUTH_MESSAGE}}
