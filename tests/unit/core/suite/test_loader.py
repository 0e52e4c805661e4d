"""Reading suite files: expansion, stable names, catalog and CSV values, shards, and
one clear line for every kind of invalid file."""

from __future__ import annotations

from pathlib import Path

import pytest

from console_app.core.catalog import sample_catalog
from console_app.core.suite import CatalogValues, SuiteError, load_suite, parse_shard, parse_suite, shard
from tests.unit.core.suite.samples import EMPTY_PLAYER, HEADER

SMOKE = HEADER + '''
[[case]]
name = "happy path"
game_id = "lm_8_treasureofzeus"
expect = { outcome = "success", game = "loads", title_contains = "Zeus", max_load_s = 10 }

''' + EMPTY_PLAYER + '''

[[matrix]]
name = "every game in every language"
game_id = "catalog"
language = ["en", "ko", "ja"]
currency = "catalog"
expect = { outcome = "success", game = "loads" }
'''


def catalog() -> CatalogValues:
    return CatalogValues(sample_catalog)


def test_cases_and_matrices_expand_in_file_order_with_stable_unique_names() -> None:
    suite = parse_suite(SMOKE, catalog=catalog())
    sample = sample_catalog()
    slots = [g.id for g in sample.games if g.type == "slot"]
    assert suite.name == "smoke"
    assert len(suite.cases) == 2 + len(slots) * 3 * len(sample.currencies)
    assert [c.name for c in suite.cases[:2]] == ["happy path", "empty player is refused"]
    assert suite.cases[2].name == f"every game in every language [{slots[0]} · en · {sample.currencies[0]}]"
    assert len({c.name for c in suite.cases}) == len(suite.cases)
    assert [c.index for c in suite.cases] == list(range(len(suite.cases)))
    # The same file gives the same names, in the same order.
    assert [c.name for c in parse_suite(SMOKE, catalog=catalog()).cases] == [c.name for c in suite.cases]


def test_defaults_fill_fields_and_cases_override_them() -> None:
    happy, empty = parse_suite(SMOKE, catalog=catalog()).cases[:2]
    assert happy.request.player_id == "qa-1" and happy.request.gametype == "slot"
    assert empty.request.player_id == ""
    assert happy.request.session_id == "auto"  # made fresh per case by the runner
    assert happy.expect.checks_game and not empty.expect.checks_game
    assert empty.expect.http == 400 and empty.expect.code_prefix == "V."


def test_matrix_rows_come_from_a_csv_beside_the_suite(tmp_path: Path) -> None:
    (tmp_path / "cases.csv").write_text("game_id,currency\nlm_1_pumpkinfarm,KRW\nlm_3_killerwhale,JPY\n")
    (tmp_path / "s.toml").write_text(
        '[defaults]\nplayer_id="p"\nnickname="n"\nsession_id="s"\nip="1.2.3.4"\n'
        '[[matrix]]\nname = "rows"\nrows = "cases.csv"\nlanguage = ["en", "ja"]\n'
    )
    suite = load_suite(tmp_path / "s.toml")
    assert [c.name for c in suite.cases] == [
        "rows [lm_1_pumpkinfarm · KRW · en]", "rows [lm_1_pumpkinfarm · KRW · ja]",
        "rows [lm_3_killerwhale · JPY · en]", "rows [lm_3_killerwhale · JPY · ja]",
    ]
    assert suite.cases[2].request.currency == "JPY" and suite.cases[2].request.gameid == "lm_3_killerwhale"
    assert suite.name == "s"


@pytest.mark.parametrize("k_of_n", [1, 2, 3, 5, 8])
def test_shards_cover_the_suite_exactly_once_and_stay_balanced(k_of_n: int) -> None:
    cases = parse_suite(SMOKE, catalog=catalog()).cases
    parts = [shard(cases, f"{k}/{k_of_n}") for k in range(1, k_of_n + 1)]
    names = [case.name for part in parts for case in part]
    assert sorted(names) == sorted(case.name for case in cases)
    assert len(names) == len(set(names))
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    assert shard(cases, f"1/{k_of_n}") == parts[0]  # deterministic


@pytest.mark.parametrize("spec", ["0/2", "3/2", "a/b", "2", "1/0"])
def test_a_bad_shard_is_refused(spec: str) -> None:
    with pytest.raises(SuiteError, match="--shard"):
        parse_shard(spec)


CASE = '[[case]]\nname = "c1"\ngame_id = "lm_8_treasureofzeus"\n'


@pytest.mark.parametrize(("text", "names"), [
    (CASE + 'expect = { outcome = "sucess" }', ["case 'c1'", "expect.outcome", "sucess"]),
    (CASE + 'expect = { http = "400" }', ["case 'c1'", "expect.http", "whole number"]),
    (CASE + 'expect = { colour = "red" }', ["case 'c1'", "expect.colour", "unknown key"]),
    (CASE + 'expect = { no_console_errors = 1 }', ["case 'c1'", "expect.no_console_errors"]),
    (CASE + 'expect = { max_load_s = true }', ["case 'c1'", "expect.max_load_s"]),
    (CASE + 'expect = { http = 1000 }', ["case 'c1'", "expect.http"]),
    (CASE + 'expect = { validation = "maybe" }', ["case 'c1'", "expect.validation"]),
    (CASE + 'langauge = "en"', ["case 'c1'", "langauge", "unknown key"]),
    (CASE + 'player_id = 42', ["case 'c1'", "player_id", "expected a string"]),
    (CASE + 'send = "thrice"', ["case 'c1'", "send"]),
    (CASE + 'device = "watch"', ["case 'c1'", "device"]),
    ('[[case]]\ngame_id = "x"\n', ["case 1", "name"]),
    (CASE + CASE, ["'c1'", "used twice"]),
    ('[[matrix]]\nname = "m"\nlanguage = "catalog"\n', ["matrix 'm'", "language"]),
    ('[[matrix]]\nname = "m"\nip = "catalog"\n', ["matrix 'm'", "ip", "only stands for"]),
    ('[[matrix]]\nname = "m"\nlanguage = []\n', ["matrix 'm'", "language"]),
    ('[[matrix]]\nname = "m"\ngame_id = "x"\n', ["matrix 'm'", "needs at least one list"]),
    ('[[matrix]]\nname = "m"\nrows = "missing.csv"\n', ["matrix 'm'", "rows", "cannot read"]),
    ('[suite]\nname = "x"\ncolour = 1\n' + CASE, ["[suite]", "colour"]),
    ('[defaults]\nlanguage = 1\n' + CASE, ["[defaults]", "language"]),
    ('[extra]\n' + CASE, ["extra", "unknown key"]),
    ('[suite]\nname = "x"\n', ["no [[case]]"]),
    ('[[case]\n', ["not valid TOML"]),
])
def test_an_invalid_suite_names_the_case_and_the_key_in_one_line(text: str, names: list[str]) -> None:
    with pytest.raises(SuiteError) as caught:
        parse_suite(text, source="bad.toml")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("suite bad.toml")
    for name in names:
        assert name in message
    assert caught.value.exit_code == 2


def test_an_unknown_csv_column_is_named(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("game_id,colour\nx,red\n")
    (tmp_path / "s.toml").write_text('[[matrix]]\nname = "m"\nrows = "rows.csv"\n')
    with pytest.raises(SuiteError, match="column 'colour'"):
        load_suite(tmp_path / "s.toml")


def test_a_missing_suite_file_is_one_line() -> None:
    with pytest.raises(SuiteError, match="cannot read the suite"):
        load_suite("/nonexistent/suite.toml")


def test_the_catalog_is_read_only_when_a_matrix_asks_for_it() -> None:
    calls = []

    def load():
        calls.append(1)
        return sample_catalog()

    parse_suite(CASE, catalog=CatalogValues(load))
    assert calls == []
    parse_suite('[[matrix]]\nname = "m"\nlanguage = "catalog"\n', catalog=CatalogValues(load))
    assert calls == [1]


def test_the_example_suite_in_docs_loads() -> None:
    root = Path(__file__).resolve().parents[4]
    suite = load_suite(root / "docs" / "ci" / "go-live.toml", catalog=catalog())
    sample = sample_catalog()
    assert len(suite.cases) == 2 + len(sample.games) * len(sample.languages)
    for ci_file in ("github-actions-suite.yml", "gitlab-ci-suite.yml"):
        text = (root / "docs" / "ci" / ci_file).read_text()
        assert "docs/ci/go-live.toml" in text and "--shard" in text and "suite merge" in text
