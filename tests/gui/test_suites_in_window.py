"""The Suites panel: open a suite, run it against the sandbox, watch the cases pass
and fail, re-run the failed ones, open a case's History entry and save the report."""

from __future__ import annotations

from tests.fixtures.common import CANARY_TOKEN
from tests.fixtures.qt import sandbox_target
from tests.unit.core.suite.samples import HEADER

TIMEOUT_MS = 60_000
SUITE = HEADER + """
[[case]]
name = "happy path"
game_id = "lm_8_treasureofzeus"
expect = { outcome = "success" }

[[case]]
name = "empty player is refused"
game_id = "lm_8_treasureofzeus"
player_id = ""
expect = { outcome = "api_error", http = 400, code_prefix = "V." }

[[case]]
name = "a wrong expectation fails"
game_id = "lm_8_treasureofzeus"
expect = { outcome = "api_error" }
"""


def test_a_suite_runs_in_the_window_turns_green_and_red_and_leaves_evidence(qtbot, window_factory, sandbox, tmp_path):
    sandbox.token = CANARY_TOKEN
    window = window_factory(target=sandbox_target(sandbox), demo=True)
    suites, history = window.features.suites, window.features.history
    qtbot.waitUntil(lambda: history.panel is not None, timeout=5_000)
    path = tmp_path / "smoke.toml"
    path.write_text(SUITE, encoding="utf-8")
    assert suites.load_file(path)
    assert window.current_panel() is suites.panel and suites.panel.table.topLevelItemCount() == 3

    with qtbot.waitSignal(suites.run_finished, timeout=TIMEOUT_MS) as finished:
        suites.panel.run_button.click()
    run = finished.args[0]
    results = {r.name: r.passed for r in run.results}
    assert results == {"happy path": True, "empty player is refused": True, "a wrong expectation fails": False}
    table = suites.panel.table
    assert [table.topLevelItem(i).text(1) for i in range(3)] == ["✔ passed", "✔ passed", "✖ failed"]
    assert table.topLevelItem(1).text(3).startswith("V.") and "failed" in suites.panel.summary.text()

    # Re-run only the failed case: one more request.
    sent = len([r for r in sandbox.requests if r.path == "/api/session"])
    assert suites.panel.rerun_button.isEnabled()
    with qtbot.waitSignal(suites.run_finished, timeout=TIMEOUT_MS):
        suites.panel.rerun_button.click()
    assert len([r for r in sandbox.requests if r.path == "/api/session"]) == sent + 1

    # A case opens its History entry.
    item = table.topLevelItem(1)
    suites.panel.table.itemDoubleClicked.emit(item, 0)
    assert window.current_panel() is history.panel
    entry = history.panel.current_entry()
    assert entry is not None and entry.error_code and entry.error_code.startswith("V.")

    report = tmp_path / "report.html"
    assert suites.save_report(report)
    text = report.read_text("utf-8")
    assert "happy path" in text and CANARY_TOKEN not in text


def test_codes_the_dictionary_does_not_know_are_added_to_mine_in_one_click(qtbot, window_factory, tmp_path,
                                                                         app_paths):
    import json

    from console_app.core.error_dictionary import OVERRIDE_FILE_NAME, for_paths
    from console_app.core.models import ApiTarget
    from console_app.core.redaction import Secret
    from tests.adversarial.hostile_server import HostileServer

    with HostileServer() as server:
        server.behave("answer", status=400, body=b'{"error": {"code": "V.99", "message": "player.vip: not allowed"}}')
        target = ApiTarget(server.url, "p-1", Secret("hostile-token-1234"), profile_name="Sandbox",
                           profile_kind="sandbox")
        window = window_factory(target=target, demo=True)
        suites = window.features.suites
        path = tmp_path / "one.toml"
        path.write_text(SUITE.split("[[case]]")[0] + '[[case]]\nname = "vip"\ngame_id = "lm_8_treasureofzeus"\n'
                        'expect = { outcome = "api_error" }\n', encoding="utf-8")
        assert suites.load_file(path)
        with qtbot.waitSignal(suites.run_finished, timeout=TIMEOUT_MS):
            suites.panel.run_button.click()
    button = suites.panel.add_codes_button
    assert button.isVisibleTo(window) and button.text() == "Add 1 new code to my dictionary"
    button.click()
    saved = json.loads((app_paths.config_dir / OVERRIDE_FILE_NAME).read_text("utf-8"))
    assert saved["session"]["codes"]["V.99"]["meaning"] == "player.vip: not allowed"
    assert for_paths(app_paths).lookup("session", "V.99") is not None
    assert not button.isVisibleTo(window) and "V.99" in suites.panel.summary.text()
