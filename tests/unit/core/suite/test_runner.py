"""Running suites against real servers on loopback: the sandbox and the independent
spec server (which records exactly what was sent)."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

from console_app.core.history import HistoryStore
from console_app.core.models import ApiTarget, ClientSettings
from console_app.core.redaction import Secret
from console_app.core.suite import (
    GameCheck,
    SuiteRunner,
    conformance_suite,
    history_recorder,
    parse_suite,
)
from tests.unit.core.suite.samples import HEADER as SHARED_HEADER

HEADER = SHARED_HEADER + 'game_id = "lm_8_treasureofzeus"\n'

MIXED = HEADER + '''
[[case]]
name = "happy path"
expect = { outcome = "success" }

[[case]]
name = "empty player is refused"
player_id = ""
expect = { outcome = "api_error", http = 400, code_prefix = "V.", message_contains = "player.id" }

[[case]]
name = "expected to fail: success is not an error"
expect = { outcome = "api_error" }

[[case]]
name = "unknown game"
game_id = "lm_999_nope"
expect = { outcome = "api_error", code = "V.5" }

[[case]]
name = "typo warns in the console"
game_id = "Im_60_tumblefortune"
expect = { validation = "warns", outcome = "api_error" }

[[matrix]]
name = "languages"
language = ["en", "ko", "ja", "zh"]
expect = { outcome = "success" }
'''


def spec_target(server) -> ApiTarget:
    return ApiTarget(server.url, server.partner_id, Secret(server.token), "spec", "staging")


def run(target: ApiTarget, cases, **options):
    runner = SuiteRunner(target, ClientSettings(backoff_base=0.01), **options)
    return asyncio.run(runner.run(cases, name="t"))


def test_expected_passes_and_failures_against_the_sandbox(sandbox) -> None:
    suite = parse_suite(MIXED)
    result = run(sandbox.api_target(), suite.cases, concurrency=3)
    verdicts = {r.name: r.passed for r in result.results}
    assert verdicts == {c.name: c.name != "expected to fail: success is not an error" for c in suite.cases}
    failed = next(r for r in result.results if not r.passed)
    assert failed.failures == ["expected outcome api_error, got success HTTP 200"]
    empty = next(r for r in result.results if r.name == "empty player is refused")
    assert (empty.answer.outcome, empty.answer.http_status, empty.answer.code) == ("api_error", 400, "V.2")
    typo = next(r for r in result.results if r.name == "typo warns in the console")
    assert typo.validation and typo.validation[0].startswith("warning: gameid:")
    assert not result.ok and result.passed == len(suite.cases) - 1


def test_results_come_back_in_suite_order_whatever_the_finishing_order(sandbox) -> None:
    cases = parse_suite(MIXED).cases
    forward = run(sandbox.api_target(), cases, concurrency=8)
    backward = run(sandbox.api_target(), list(reversed(cases)), concurrency=1)
    assert [r.name for r in forward.results] == [c.name for c in cases]

    def outline(run_):
        return sorted((r.name, r.passed, r.answer.outcome, r.answer.code) for r in run_.results)

    assert outline(forward) == outline(backward)


def test_every_case_is_sent_as_written_with_its_own_uuid4_and_session(spec_server) -> None:
    cases = parse_suite(MIXED).cases
    run(spec_target(spec_server), cases, concurrency=4)
    bodies = [r.json() for r in spec_server.requests_to("/api/session")]
    assert len(bodies) == len(cases)
    uuids = [b["uuid"] for b in bodies]
    assert len(set(uuids)) == len(uuids) and all(uuid.UUID(u).version == 4 for u in uuids)
    sessions = [b["player"]["session"]["id"] for b in bodies]
    assert len(set(sessions)) == len(sessions) and "auto" not in sessions
    # Negative tests go out as typed: the empty player ID and the typo are sent.
    assert "" in [b["player"]["id"] for b in bodies]
    assert "Im_60_tumblefortune" in [b["gameid"] for b in bodies]


def test_against_the_spec_server_expectations_follow_its_answers(spec_server) -> None:
    # The spec server accepts any body: the sandbox's refusals become failures there.
    result = run(spec_target(spec_server), parse_suite(MIXED).cases)
    failed = {r.name for r in result.results if not r.passed}
    assert failed == {"empty player is refused", "expected to fail: success is not an error",
                      "unknown game", "typo warns in the console"}


def test_retries_follow_the_settings_and_each_attempt_has_a_new_uuid(spec_server) -> None:
    g01 = (503, {}, {"errors": {"code": "G.01", "message": "system error"}})
    spec_server.script([g01, g01])
    cases = parse_suite(HEADER + '[[case]]\nname = "retried"\nexpect = { outcome = "success" }\n').cases
    result = run(spec_target(spec_server), cases)
    assert result.results[0].passed and result.results[0].answer.attempts == 3
    uuids = [r.json()["uuid"] for r in spec_server.requests_to("/api/session")]
    assert len(set(uuids)) == 3

    spec_server.script([g01])
    runner = SuiteRunner(spec_target(spec_server), ClientSettings(retries=0))
    no_retry = asyncio.run(runner.run(cases, name="t"))
    assert no_retry.results[0].answer.code == "G.01" and not no_retry.results[0].passed


def test_missing_fields_wrong_types_and_wrong_credentials_are_sent_on_purpose(spec_server) -> None:
    text = HEADER + '''
[[case]]
name = "no nickname"
omit = ["player.nickname"]
[[case]]
name = "ip as a number"
override = { "player.session.ip" = 12345 }
[[case]]
name = "wrong token"
wrong_credentials = "token"
expect = { outcome = "api_error", code = "G.0", http = 401 }
'''
    result = run(spec_target(spec_server), parse_suite(text).cases, concurrency=1)
    assert all(r.passed for r in result.results), [r.failures for r in result.results]
    by_nickname = {("nickname" in r.json()["player"]): r.json() for r in spec_server.requests_to("/api/session")}
    assert "nickname" not in by_nickname[False]["player"]
    ips = [r.json()["player"]["session"]["ip"] for r in spec_server.requests_to("/api/session")]
    assert 12345 in ips
    hashes = [r.query["HASH"][0] for r in spec_server.requests_to("/api/session")]
    assert sum(h != spec_server.token for h in hashes) == 1


def test_every_attempt_is_a_history_entry_tagged_with_the_run(sandbox, tmp_path: Path) -> None:
    cases = parse_suite(MIXED).cases
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        runner = SuiteRunner(sandbox.api_target(), recorder=history_recorder(store))
        result = asyncio.run(runner.run(cases, name="t"))
        entries = store.tagged(result.run_id)
        assert len(entries) == len(cases)
        assert sorted(e.id for e in entries) == sorted(i for r in result.results for i in r.history_ids)
        assert {e.launch_id for e in entries}.__len__() == len(cases)
        assert store.tagged("suite:other") == []


def test_rows_appear_live_through_on_result(sandbox) -> None:
    seen = []
    cases = parse_suite(MIXED).cases
    run(sandbox.api_target(), cases, on_result=seen.append)
    assert sorted(r.name for r in seen) == sorted(c.name for c in cases)


def test_cancelling_keeps_what_finished(spec_server) -> None:
    spec_server.script([(200, {}, {"url": f"{spec_server.url}/play/index.html?token=t1"}), "hang"])
    cases = parse_suite(HEADER + '[[case]]\nname = "a"\n[[case]]\nname = "b"\n').cases
    runner = SuiteRunner(spec_target(spec_server), concurrency=1)

    async def go():
        task = asyncio.ensure_future(runner.run(cases, name="t"))
        await asyncio.to_thread(spec_server.wait_for_requests, 2)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return "cancelled"

    assert asyncio.run(go()) == "cancelled"
    assert runner.current.cancelled and [r.name for r in runner.current.results] == ["a"]
    assert not runner.current.ok


def test_game_expectations_use_the_injected_checker(sandbox) -> None:
    opened = {}

    async def checker(url, case):
        opened[case.name] = (url, case.device)
        return GameCheck(loaded=True, title="Treasure of Zeus — demo", load_s=0.5, console_errors=["boom"])

    text = HEADER + '''
[[case]]
name = "loads"
device = "phone"
expect = { game = "loads", title_contains = "zeus", max_load_s = 2 }
[[case]]
name = "console errors fail"
expect = { game = "loads", no_console_errors = true }
[[case]]
name = "too slow"
expect = { max_load_s = 0.1 }
'''
    cases = parse_suite(text).cases
    result = run(sandbox.api_target(), cases, checker=checker)
    assert [r.passed for r in result.results] == [True, False, False]
    assert result.results[1].failures == ["expected no console errors, got 1: boom"]
    url, device = opened["loads"]
    assert "token=" in url and "•••" not in url and device == "phone"  # the real URL, to the checker only
    assert "token=•••" in result.results[0].answer.game_url

    without = run(sandbox.api_target(), cases[:1])
    assert without.results[0].failures == ["the game was not checked: no game checker in this run (request-only)"]


def test_the_conformance_suite_passes_against_the_sandbox_and_records_its_contract(sandbox) -> None:
    suite = conformance_suite(reopen_after=0.01)
    assert len(suite.cases) >= 30
    assert len({c.name for c in suite.cases}) == len(suite.cases)
    result = run(sandbox.api_target(), suite.cases, concurrency=8)
    assert [r.name for r in result.results if not r.passed] == []
    by_name = {r.name: r for r in result.results}
    assert by_name["uuid: reused"].answers[1].code == "V.6"
    assert by_name["missing field: player.nickname"].answer.code == "V.3"
    assert by_name["wrong type: player.session.ip as a number"].answer.code == "V.4"
    assert by_name["credentials: wrong token"].answer.code == "G.0"
    assert by_name["session: two simultaneous launches #1"].observed.startswith("both launches succeeded")
    assert by_name["session: reopen the game URL after use"].observed.startswith("reopened: HTTP 200")
    # The bundled dictionary knows every code the sandbox sends (V.* marked inferred).
    assert by_name["credentials: wrong token"].answer.known_code is True
    assert by_name["missing field: player.nickname"].answer.known_code is True


def test_a_blank_reopened_page_fails(spec_server) -> None:
    cases = parse_suite(HEADER + '[[case]]\nname = "reopen"\nsend = "reopen"\n').cases
    token_url = f"{spec_server.url}/gone?token=abc"
    spec_server.script([(200, {}, {"url": token_url})])
    spec_server.script([(200, {"Content-Type": "text/html"}, b"<title>Game</title>"),
                        (404, {"Content-Type": "text/html"}, b"")], path="/gone")
    result = run(spec_target(spec_server), cases)
    assert result.results[0].observed == "blank: HTTP 404 with an empty body"
    assert not result.results[0].passed


def test_a_production_target_defaults_to_a_gentle_rate(spec_server) -> None:
    target = ApiTarget(spec_server.url, spec_server.partner_id, Secret(spec_server.token), "live", "production")
    assert SuiteRunner(target).rate == 1.0
    assert SuiteRunner(target, rate=5).rate == 5
    assert SuiteRunner(spec_target(spec_server)).rate is None


def test_reports_hold_the_body_as_sent_without_secrets(sandbox) -> None:
    result = run(sandbox.api_target(), parse_suite(MIXED).cases[:1])
    text = json.dumps([r.to_dict() for r in result.results])
    assert sandbox.token not in text
    assert result.results[0].request["player"]["id"] == "qa-1"


def test_the_rate_spaces_request_starts_evenly(monkeypatch) -> None:
    from console_app.core.suite import runner as runner_module

    waits = []

    async def fake_sleep(seconds):
        waits.append(seconds)

    async def go():
        pace = runner_module._Pace(4.0)
        monkeypatch.setattr(runner_module.asyncio, "sleep", fake_sleep)
        for _ in range(4):
            await pace.wait()

    asyncio.run(go())
    # The first starts at once; each next one a quarter second after the one before.
    assert len(waits) == 3
    for got, want in zip(waits, (0.25, 0.5, 0.75), strict=False):
        assert abs(got - want) < 0.1
    asyncio.run(runner_module._Pace(None).wait())
    assert len(waits) == 3  # no rate: never waits


def test_reopening_an_expired_game_url_shows_a_clear_page(sandbox_factory) -> None:
    server = sandbox_factory(session_ttl=0.05)
    cases = parse_suite(HEADER + '[[case]]\nname = "reopen later"\nsend = "reopen"\nreopen_after = 0.2\n').cases
    result = run(server.api_target(), cases)
    assert result.results[0].passed
    assert result.results[0].observed.startswith("reopened after 0.2 s: HTTP 403")
