"""``lm-console suite`` as a user runs it: real processes, real servers, real files."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.fixtures.common import run_cli
from tests.unit.core.suite.samples import EMPTY_PLAYER, HEADER

SUITE = HEADER + '''
[[case]]
name = "happy path"
game_id = "lm_8_treasureofzeus"
expect = { outcome = "success" }

''' + EMPTY_PLAYER + '''

[[matrix]]
name = "games"
game_id = ["lm_8_treasureofzeus", "lm_1_pumpkinfarm"]
language = ["en", "ko"]
currency = ["USD", "KRW"]
expect = { outcome = "success" }
'''

FAILING = SUITE + '''
[[case]]
name = "expected to fail"
game_id = "lm_8_treasureofzeus"
expect = { outcome = "api_error" }
'''


@pytest.fixture
def suite_file(tmp_path: Path) -> Path:
    path = tmp_path / "smoke.toml"
    path.write_text(SUITE)
    return path


def spec_args(server) -> list[str]:
    return ["--api-url", server.url, "--partner-id", server.partner_id, "--token-env", "SPEC_TOKEN"]


def test_a_suite_that_holds_exits_0_with_reports(suite_file: Path, basedir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli("suite", "run", str(suite_file), "--concurrency", "8", "--json", str(out / "r.json"),
                   "--junit", str(out / "r.xml"), "--html", str(out / "r.html"), basedir=basedir)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("PASS ") == 10 and "FAIL" not in proc.stdout  # plain lines: not a TTY
    assert "smoke: 10 passed, 0 failed of 10 cases" in proc.stderr
    assert json.loads((out / "r.json").read_text())["summary"]["passed"] == 10
    assert len(ET.parse(out / "r.xml").getroot().find("testsuite").findall("testcase")) == 10
    assert "<table>" in (out / "r.html").read_text()


def test_a_failed_expectation_exits_1_and_only_failed_reruns_it(tmp_path: Path, basedir: Path) -> None:
    suite = tmp_path / "f.toml"
    suite.write_text(FAILING)
    first = run_cli("suite", "run", str(suite), "--json", str(tmp_path / "a.json"), basedir=basedir)
    assert first.returncode == 1, first.stderr
    assert "FAIL expected to fail: expected outcome api_error, got success HTTP 200" in first.stdout
    again = run_cli("suite", "run", str(suite), "--only-failed", str(tmp_path / "a.json"),
                    "--json", str(tmp_path / "b.json"), basedir=basedir)
    assert again.returncode == 1
    assert [c["name"] for c in json.loads((tmp_path / "b.json").read_text())["cases"]] == ["expected to fail"]


def test_an_invalid_suite_exits_2_with_one_line_and_sends_nothing(tmp_path: Path, basedir: Path,
                                                                    spec_server) -> None:
    suite = tmp_path / "bad.toml"
    suite.write_text(SUITE.replace('code_prefix = "V."', 'code_prefix = 5'))
    proc = run_cli("suite", "run", str(suite), *spec_args(spec_server), basedir=basedir,
                   env={"SPEC_TOKEN": spec_server.token})
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "case 'empty player is refused'" in lines[0] and "expect.code_prefix" in lines[0]
    assert "Traceback" not in proc.stderr
    assert spec_server.requests == []


def test_shards_run_disjoint_parts_that_merge_into_the_whole(suite_file: Path, tmp_path: Path,
                                                             basedir: Path, spec_server) -> None:
    names = []
    for k in (1, 2, 3):
        proc = run_cli("suite", "run", str(suite_file), "--shard", f"{k}/3", *spec_args(spec_server),
                       "--json", str(tmp_path / f"s{k}.json"), basedir=basedir,
                       env={"SPEC_TOKEN": spec_server.token})
        assert proc.returncode in (0, 1), proc.stderr
        names += [c["name"] for c in json.loads((tmp_path / f"s{k}.json").read_text())["cases"]]
    assert len(names) == len(set(names)) == 10
    assert len(spec_server.requests_to("/api/session")) == 10
    merged = run_cli("suite", "merge", *(str(tmp_path / f"s{k}.json") for k in (1, 2, 3)),
                     "--json", str(tmp_path / "all.json"), "--junit", str(tmp_path / "all.xml"), basedir=basedir)
    # The spec server accepts the empty player ID, so that expectation fails: exit 1.
    assert merged.returncode == 1, merged.stderr
    document = json.loads((tmp_path / "all.json").read_text())
    assert document["summary"] == {"total": 10, "passed": 9, "failed": 1}
    assert document["target"]["api_url"] == spec_server.url
    assert spec_server.token not in (tmp_path / "all.json").read_text()
    # A shard whose runner never uploaded its result: the merge says so and does not pass.
    partial = run_cli("suite", "merge", str(tmp_path / "s1.json"), str(tmp_path / "s3.json"), basedir=basedir)
    assert partial.returncode == 1 and "shard 2/3 missing" in partial.stderr, partial.stderr


def test_diff_compares_two_environments(suite_file: Path, tmp_path: Path, basedir: Path, spec_server) -> None:
    sandbox_run = run_cli("suite", "run", str(suite_file), "--json", str(tmp_path / "a.json"), basedir=basedir)
    spec_run = run_cli("suite", "run", str(suite_file), *spec_args(spec_server), "--json", str(tmp_path / "b.json"),
                       basedir=basedir, env={"SPEC_TOKEN": spec_server.token})
    assert (sandbox_run.returncode, spec_run.returncode) == (0, 1)
    proc = run_cli("suite", "diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), basedir=basedir)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == ["~ empty player is refused: api_error 400 V.2 -> success 200 (failed)"]
    same = run_cli("suite", "diff", str(tmp_path / "a.json"), str(tmp_path / "a.json"), basedir=basedir)
    assert same.returncode == 0 and same.stdout == ""


def test_the_conformance_suite_against_the_sandbox(basedir: Path, tmp_path: Path) -> None:
    proc = run_cli("suite", "conformance", "--concurrency", "8", "--json", str(tmp_path / "c.json"),
                   "--html", str(tmp_path / "c.html"), basedir=basedir)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    document = json.loads((tmp_path / "c.json").read_text())
    assert document["summary"]["total"] >= 30
    assert document["two_at_once"] == "the same every time"
    assert "two simultaneous launches: the same every time" in proc.stderr
    page = (tmp_path / "c.html").read_text()
    # The bundled dictionary knows every code the sandbox sends: nothing to add.
    assert "Codes the error dictionary does not know yet" not in page


def test_production_needs_the_flag(basedir: Path, suite_file: Path, spec_server) -> None:
    added = run_cli("profile", "add", "live", "--api-url", spec_server.url.replace("http://", "https://"),
                    "--partner-id", "p", "--kind", "production", basedir=basedir)
    assert added.returncode == 0, added.stderr
    proc = run_cli("suite", "run", str(suite_file), "--profile", "live", "--token-env", "SPEC_TOKEN",
                   basedir=basedir, env={"SPEC_TOKEN": spec_server.token})
    assert proc.returncode == 2
    assert "PRODUCTION" in proc.stderr and "--production" in proc.stderr
    assert spec_server.requests == []


def test_history_keeps_every_case_tagged(suite_file: Path, basedir: Path) -> None:
    proc = run_cli("suite", "run", str(suite_file), basedir=basedir)
    assert proc.returncode == 0
    listed = json.loads(run_cli("history", "--json", "--limit", "100", basedir=basedir).stdout)
    assert len(listed) == 10


@pytest.mark.timeout(120)
def test_game_checks_open_each_game_and_keep_a_thumbnail(tmp_path: Path, basedir: Path) -> None:
    suite = tmp_path / "games.toml"
    suite.write_text(SUITE.split("[[case]]")[0] + '''
[[matrix]]
name = "games load"
game_id = ["lm_8_treasureofzeus", "lm_1_pumpkinfarm"]
language = ["en", "ja"]
expect = { outcome = "success", game = "loads", max_load_s = 20, no_console_errors = true }

[[case]]
name = "title check fails"
game_id = "lm_8_treasureofzeus"
device = "phone"
expect = { game = "loads", title_contains = "No Such Title" }
''')
    proc = run_cli("suite", "run", str(suite), "--concurrency", "2", "--json", str(tmp_path / "g.json"),
                   "--html", str(tmp_path / "g.html"), basedir=basedir, timeout=110)
    assert proc.returncode == 1, proc.stderr[-3000:]
    cases = json.loads((tmp_path / "g.json").read_text())["cases"]
    # Cases first, then matrices, each in file order.
    assert [c["passed"] for c in cases] == [False, True, True, True, True]
    for case in cases:
        assert case["game"]["loaded"] and case["game"]["thumbnail_jpeg_b64"]
    assert "Treasure of Zeus" in cases[1]["game"]["title"]
    assert cases[0]["failures"][0].startswith("expected a page title containing 'No Such Title'")
    assert (tmp_path / "g.html").read_text().count("<figure") == 5
    assert "Release of profile requested" not in proc.stderr


@pytest.mark.parametrize("options", [["--rate", "fast"], ["--concurrency", "0"], ["--shard", "3/2"]])
def test_bad_options_exit_2(suite_file: Path, basedir: Path, options: list[str]) -> None:
    proc = run_cli("suite", "run", str(suite_file), *options, basedir=basedir)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_screen_share_masks_ids_in_the_lines_and_the_reports(tmp_path: Path, basedir: Path) -> None:
    suite = tmp_path / "ids.toml"
    suite.write_text(SUITE.replace('player_id = "qa-1"', 'player_id = "ZQX7PLAYER93"').replace(
        'session_id = "auto"', 'session_id = "SESSZQX42"'))
    proc = run_cli("suite", "run", str(suite), "--screen-share", "--json", str(tmp_path / "r.json"),
                   "--html", str(tmp_path / "r.html"), basedir=basedir)
    assert proc.returncode == 0, proc.stderr
    for text in (proc.stdout, proc.stderr, (tmp_path / "r.json").read_text(), (tmp_path / "r.html").read_text()):
        assert "ZQX7PLAYER93" not in text and "SESSZQX42" not in text
    assert '"id": "•••"' in (tmp_path / "r.json").read_text()  # a mask of fixed length
