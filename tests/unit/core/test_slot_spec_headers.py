"""Property tests of the header finder: title rows, column order, case and spacing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from console_app.core.slot_spec import GAME_COLUMNS, HEADER_SCAN_ROWS, clean, find_header, norm

# Header spellings a person might type for each field.
SPELLINGS = {
    "id": ["Game ID", "gameid", "GAME_ID", "game-id", " Game  Id "],
    "name": ["Game Name", "gameName", "NAME", "Title"],
    "type": ["Type", "game type"],
}
# Title/note cells that must never be taken for a header.
titles = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30).filter(
    lambda t: not any(norm(t) in aliases for aliases in GAME_COLUMNS.values())
)


@settings(max_examples=200, deadline=None)
@given(
    title_rows=st.lists(st.lists(titles, max_size=4), max_size=HEADER_SCAN_ROWS - 1),
    order=st.permutations(["id", "name", "type", "extra1", "extra2"]),
    spelling=st.data(),
)
def test_header_found_below_titles_in_any_order(title_rows, order, spelling):
    header_cells = [
        spelling.draw(st.sampled_from(SPELLINGS[f])) if f in SPELLINGS else f"Notes {f}" for f in order
    ]
    rows = [[clean(c) for c in row] for row in title_rows] + [[clean(c) for c in header_cells]]
    rows.append(["x"] * len(order))
    header = find_header(rows, GAME_COLUMNS, "id")
    assert header is not None
    assert header.row == len(title_rows)
    for fld in ("id", "name", "type"):
        assert header.columns[fld] == order.index(fld)


@given(st.lists(st.lists(titles, max_size=5), max_size=30))
def test_no_header_without_an_id_column(rows):
    assert find_header(rows, GAME_COLUMNS, "id") is None


@given(st.text(max_size=40))
def test_norm_is_idempotent_and_plain(text):
    once = norm(text)
    assert norm(once) == once
    assert all(ch.isalnum() and not ch.isupper() for ch in once)


def test_row_naming_more_columns_wins_over_an_earlier_bare_id():
    rows = [["ID"], ["Game ID", "Game Name", "Type"], ["lm_1_a", "A", "slot"]]
    assert find_header(rows, GAME_COLUMNS, "id").row == 1
