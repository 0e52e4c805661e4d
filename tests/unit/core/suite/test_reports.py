"""Reports: JSON round trip, merge of shards, diff, JUnit and HTML, all redacted."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from console_app.core.models import ApiTarget
from console_app.core.redaction import Secret
from console_app.core.suite import (
    GameCheck,
    SuiteError,
    SuiteRunner,
    diff,
    failed_names,
    html_report,
    junit_xml,
    load_document,
    merge,
    parse_suite,
    run_document,
    shard,
    to_json,
)

SUITE = '''
[defaults]
game_id = "lm_8_treasureofzeus"
player_id = "ZQX7PLAYER93"
nickname = "QA"
language = "en"
currency = "USD"
session_id = "SESSZQX42"
ip = "203.0.113.7"

[[case]]
name = "happy"
expect = { outcome = "success", game = "loads" }

[[case]]
name = "fails on purpose"
expect = { outcome = "api_error", code = "V.9" }

[[matrix]]
name = "m"
language = ["en", "ko", "ja"]
currency = ["USD", "KRW"]
'''


async def _checker(url, case):
    return GameCheck(loaded=True, title="Zeus", load_s=0.4, thumbnail_jpeg_b64="AAAA")


def _run(sandbox, cases):
    runner = SuiteRunner(sandbox.api_target(), checker=_checker)
    return asyncio.run(runner.run(cases, name="smoke", shard=None))


def test_json_round_trips_and_lists_the_failed_cases(sandbox, tmp_path: Path) -> None:
    document = run_document(_run(sandbox, parse_suite(SUITE).cases))
    path = tmp_path / "r.json"
    path.write_text(to_json(document))
    loaded = load_document(path)
    assert loaded["summary"] == {"total": 8, "passed": 7, "failed": 1}
    assert failed_names(loaded) == {"fails on purpose"}
    assert loaded["cases"][0]["game"]["title"] == "Zeus"


def test_merged_shards_equal_the_whole_run_and_overlaps_are_refused(sandbox) -> None:
    cases = parse_suite(SUITE).cases
    parts = [run_document(_run(sandbox, shard(cases, f"{k}/3"))) for k in (1, 2, 3)]
    merged = merge(parts)
    assert [c["name"] for c in merged["cases"]] == [c.name for c in cases]
    assert merged["summary"] == {"total": 8, "passed": 7, "failed": 1}
    assert merged["merged_from"] == 3
    with pytest.raises(SuiteError, match="in two of the result files"):
        merge([parts[0], parts[0]])


def test_diff_names_changed_added_and_removed_cases(sandbox) -> None:
    cases = parse_suite(SUITE).cases
    a = run_document(_run(sandbox, cases))
    assert diff(a, a) == []
    sandbox.clear_requests()
    b = json.loads(json.dumps(a))
    b["cases"][1]["answers"][-1]["code"] = "V.7"
    removed = b["cases"].pop()
    lines = diff(a, b)
    assert lines[0] == "~ fails on purpose: success 200 (failed) -> success 200 V.7 (failed)"
    assert lines[-1] == f"- {removed['name']}: only in the first (success 200)"
    assert diff(b, a)[-1].startswith(f"+ {removed['name']}: only in the second")


def test_a_file_that_is_not_a_result_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"cases": []}')
    (tmp_path / "y.json").write_text("not json")
    for name in ("x.json", "y.json", "missing.json"):
        with pytest.raises(SuiteError):
            load_document(tmp_path / name)


def test_junit_has_one_testcase_per_case_and_the_failure_says_what_came_back(sandbox) -> None:
    document = run_document(_run(sandbox, parse_suite(SUITE).cases))
    root = ET.fromstring(junit_xml(document))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 8 and suite.get("failures") == "1" and suite.get("tests") == "8"
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["fails on purpose"]
    assert failed[0].find("failure").get("message") == "expected outcome api_error, got success HTTP 200"
    assert "m [ko · KRW]" in [c.get("name") for c in cases]


def test_html_is_self_contained_with_a_thumbnail_grid_and_a_filter(sandbox) -> None:
    document = run_document(_run(sandbox, parse_suite(SUITE).cases))
    page = html_report(document)
    assert page.count('<tr class="passed"') == 7 and page.count('<tr class="failed"') == 1
    assert page.count("<figure") == 1 and "data:image/jpeg;base64,AAAA" in page
    assert 'id=q type=search' in page and "default-src 'none'" in page
    for external in ("http://", "https://", "src=\"/", "<link"):
        assert external not in page.replace(document["target"]["api_url"], "")


def test_reports_never_hold_the_tokens_and_screen_share_masks_ids(sandbox, canary_token: str) -> None:
    target = ApiTarget(sandbox.url, "PARTNERZQX1", Secret(canary_token), "p", "staging")
    run = asyncio.run(SuiteRunner(target).run(parse_suite(SUITE).cases[:2], name="s"))
    plain = run_document(run)
    shared = run_document(run, screen_share=True)
    for document in (plain, shared):
        for text in (to_json(document), junit_xml(document), html_report(document)):
            assert canary_token not in text
    assert "ZQX7PLAYER93" in to_json(plain)
    for text in (to_json(shared), junit_xml(shared), html_report(shared)):
        for identifier in ("ZQX7PLAYER93", "SESSZQX42", "PARTNERZQX1"):
            assert identifier not in text
    assert '"id": "•••"' in to_json(shared)  # a mask of fixed length


def _document(*cases: dict) -> dict:
    return {"suite": "s", "target": {"profile": "p", "kind": "staging", "api_url": "https://api.example"},
            "started_at": "2026-12-03T00:00:00+00:00", "cases": list(cases),
            "summary": {"total": len(cases), "passed": 0, "failed": len(cases)}}


def _case(name: str, game_id: str, failure: str, *, code: str | None = None, message: str | None = None) -> dict:
    return {"name": name, "passed": False, "failures": [failure], "observed": "", "duration_ms": 1.0,
            "request": {"gameid": game_id, "player": {"language": "en", "currency": "USD"}},
            "answers": [{"outcome": "api_error" if code else "success", "http_status": 400 if code else 200,
                         "code": code, "message": message, "known_code": False if code else None}]}


def test_html_cuts_only_long_request_values_not_the_filter_the_reason_or_the_dictionary_snippet() -> None:
    import html
    import re

    why = "expected a page title containing 'Pumpkin', got 'Treasure of Zeus — LuckyMonaco demo'"
    document = _document(
        _case("title names the game (fails on purpose)", "lm_8_treasureofzeus", why),
        _case("too long: gameid", "g" * 10_000, "expected outcome success, got api_error"),
        _case("new language code", "lm_1_pumpkinfarm", "x", code="V.77",
              message="LANGUAGE NOT ALLOWED FOR THIS PARTNER BRAND, ASK YOUR ACCOUNT MANAGER"),
        _case("table", "lm_1_pumpkinfarm", "x", code="Q.1", message="TABLE CLOSED"))
    page = html_report(document)
    rows = re.findall(r'<tr class="failed" data-status="failed" data-case="([^"]*)"', page)
    assert "lm_8_treasureofzeus" in html.unescape(rows[0])  # the filter finds the case by its game
    assert html.escape(why) in page  # the reason in full
    assert "(10,000 characters)" in page  # a 10,000-character value is still cut in its cell
    snippet = json.loads(html.unescape(re.search(r"<pre>(.*?)</pre>", page, re.S).group(1)))
    assert set(snippet["session"]["codes"]) == {"V.77", "Q.1"}


def test_a_merge_missing_a_shard_says_which_and_results_of_another_suite_are_refused(sandbox) -> None:
    cases = parse_suite(SUITE).cases
    parts = []
    for k in (1, 2, 3):
        document = run_document(_run(sandbox, shard(cases, f"{k}/3")))
        document["shard"] = f"{k}/3"
        parts.append(document)
    assert merge(parts)["missing_shards"] == []
    partial = merge([parts[0], parts[2]])
    assert partial["missing_shards"] == ["2/3"]
    assert "shards 2/3 missing" in html_report(partial)
    other = dict(parts[1], suite="another suite", cases=[dict(c, name="x" + c["name"]) for c in parts[1]["cases"]])
    with pytest.raises(SuiteError, match="different suites"):
        merge([parts[0], other])
    with pytest.raises(SuiteError, match="different splits"):
        merge([parts[0], dict(parts[1], shard="2/4")])
