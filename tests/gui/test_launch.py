"""The window's launch path against a real sandbox: success opens a game tab, each
error kind shows its decoded error, Cancel works, the loop keeps ticking."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer

from console_app.core import errors
from console_app.core.messages import describe
from console_app.core.models import ClientSettings
from console_app.sandbox.faults import Fault
from tests.fixtures.qt import sandbox_target

LOAD_TIMEOUT_MS = 30_000


def session_requests(server):
    return [r for r in server.requests if r.path == "/api/session"]


def launch_and_wait(qtbot, window, signal, **launch_kwargs):
    with qtbot.waitSignal(signal, timeout=LOAD_TIMEOUT_MS) as blocker:
        assert window.launch(**launch_kwargs) is not None
    return blocker.args


def test_launch_opens_a_tab_and_the_demo_game_loads(qtbot, main_window, sandbox):
    with qtbot.waitSignal(main_window.game_area.game_load_finished, timeout=LOAD_TIMEOUT_MS) as loaded:
        main_window.launch()
    tab, ok = loaded.args
    assert ok
    assert tab.page.title() == "Treasure of Zeus — LuckyMonaco demo"
    tabs = main_window.game_area.tabs
    assert tabs.count() == 1
    assert tabs.tabText(0) == "Treasure of Zeus · demo-player"
    assert tabs.isVisibleTo(main_window) and main_window.game_area.currentIndex() == 1
    # The real token is in the page's URL but never on screen.
    real_url = tab.page.url().toString()
    token = real_url.split("token=", 1)[1]
    assert token and token not in tab.url_field.text()
    assert tab.url_field.text().endswith("token=•••")
    status = main_window.status_label.text()
    assert status.startswith("✔ 200 in ") and "· 1 attempt ·" in status
    assert main_window.answer.headline.text() == "✔ Game session created"
    assert token not in main_window.answer._rows["url"].text()
    assert main_window.windowTitle() == "Sandbox · LuckyMonaco Test Console"
    # The preview now shows the uuid actually sent.
    sent_uuid = session_requests(sandbox)[-1].json["uuid"]
    assert f'"uuid": "{sent_uuid}"' in main_window.preview.text.toPlainText()


def test_preview_shows_the_exact_request_with_the_token_hidden(main_window, sandbox):
    text = main_window.preview.text.toPlainText()
    assert text.startswith(f"POST {sandbox.url}/api/session?MEMB_ID={sandbox.partner_id}&HASH=•••\n")
    assert '"uuid": "generated on send"' in text
    assert '"gameid": "lm_8_treasureofzeus"' in text
    assert sandbox.token not in text
    main_window.form.nickname.setText("Kim")
    assert '"nickname": "Kim"' in main_window.preview.text.toPlainText()


def _failure(qtbot, window):
    (error,) = launch_and_wait(qtbot, window, window.controller.launch_failed)
    return error


@pytest.mark.parametrize(
    ("fault", "error_type", "retry_visible"),
    [
        (Fault("g01", count=-1), errors.ApiError, True),
        (Fault("html502", count=-1), errors.HtmlPageError, None),
        (Fault("malformed_json"), errors.NotJsonError, None),
        (Fault("javascript_url"), errors.UnsafeUrlError, False),
        (Fault("drop"), errors.ConnectionDroppedError, None),
        (Fault("no_url"), errors.MissingUrlError, False),
    ],
    ids=["g01-exhausted", "html502", "malformed-json", "javascript-url", "drop", "no-url"],
)
def test_each_error_kind_shows_its_decoded_error(qtbot, main_window, sandbox, fault, error_type, retry_visible):
    sandbox.inject(fault)
    error = _failure(qtbot, main_window)
    assert isinstance(error, error_type)
    description = describe(error, endpoint="session")
    answer = main_window.answer
    assert description.headline in answer.headline.text()
    assert answer._rows["meaning"].text() == description.meaning
    assert answer.retry_button.isVisibleTo(answer) == description.retryable
    if retry_visible is not None:
        assert description.retryable == retry_visible
    assert answer.delivered_warning.isVisibleTo(answer) == description.maybe_delivered
    assert main_window.status_label.property("severity") == description.severity
    assert main_window.bottom_tabs.currentWidget() is main_window.answer_scroll
    assert main_window.game_area.tabs is None  # no game tab for a failed launch
    assert answer.attempts.topLevelItemCount() == len(error.attempts) >= 1


def test_g0_authentication_failure_shows_code_category_and_raw_body(qtbot, window_factory, sandbox):
    window = window_factory(target=sandbox_target(sandbox, token="wrong-token-123"), demo=True)
    error = _failure(qtbot, window)
    assert isinstance(error, errors.ApiError) and error.code == "G.0"
    answer = window.answer
    assert answer._rows["code"].text() == "G.0"
    assert answer._rows["category"].text().startswith("G")
    assert answer._rows["status"].text() == "HTTP 401"
    assert "Could not authenticate" in answer.raw_body.toPlainText()
    assert "wrong-token-123" not in answer.raw_body.toPlainText()
    assert not answer.retry_button.isVisibleTo(answer)
    assert window.status_label.property("severity") == "error"
    assert window.status_label.text().startswith("✖ ") and "G.0" in window.status_label.text()


def test_g01_once_is_retried_and_succeeds(qtbot, main_window, sandbox):
    sandbox.inject(Fault("g01", count=1))
    (result,) = launch_and_wait(qtbot, main_window, main_window.controller.launch_finished)
    assert len(result.attempts) == 2
    assert result.attempts[0].error_code == "G.01"
    # The answer panel and the status line follow the game tab by one loop pass.
    qtbot.waitUntil(lambda: "· 2 attempts ·" in main_window.status_label.text())
    assert main_window.answer.attempts.topLevelItemCount() == 2
    # The preview follows the retry's new uuid.
    assert f'"uuid": "{result.attempts[1].uuid}"' in main_window.preview.text.toPlainText()


def test_retry_button_sends_again_with_a_new_uuid(qtbot, window_factory, sandbox):
    window = window_factory(target=sandbox_target(sandbox), demo=True, settings=ClientSettings(retries=0))
    sandbox.inject(Fault("g01", count=1))
    _failure(qtbot, window)
    assert window.answer.retry_button.isVisibleTo(window.answer)
    with qtbot.waitSignal(window.controller.launch_finished, timeout=LOAD_TIMEOUT_MS):
        window.answer.retry_button.click()
    uuids = [r.json["uuid"] for r in session_requests(sandbox)]
    assert len(uuids) == 2 and uuids[0] != uuids[1]


def test_deadline_shows_a_maybe_delivered_timeout(qtbot, window_factory, sandbox):
    settings = ClientSettings(deadline=0.5, retries=0)
    window = window_factory(target=sandbox_target(sandbox), demo=True, settings=settings)
    sandbox.inject(Fault("delay", delay=5))
    error = _failure(qtbot, window)
    assert isinstance(error, errors.DeadlineExceededError)
    assert window.answer.delivered_warning.isVisibleTo(window.answer)
    assert not window.controller.busy
    assert window.form.launch_button.isEnabled()


def test_cancel_stops_a_hanging_request(qtbot, main_window, sandbox):
    sandbox.inject(Fault("hang"))
    with qtbot.waitSignal(main_window.controller.busy_changed, timeout=5000):
        task = main_window.launch()
    assert task is not None
    assert main_window.form.cancel_button.isEnabled() and not main_window.form.launch_button.isEnabled()
    qtbot.waitUntil(lambda: bool(session_requests(sandbox)), timeout=5000)
    with qtbot.waitSignal(main_window.controller.launch_cancelled, timeout=5000) as cancelled:
        main_window.form.cancel_button.click()
    qtbot.waitUntil(task.done, timeout=5000)
    assert task.cancelled()
    (attempts,) = cancelled.args
    assert [a.outcome for a in attempts] == ["cancelled"]
    assert main_window.answer.headline.text() == "Cancelled"
    assert main_window.status_label.text().startswith("Cancelled")
    assert main_window.form.launch_button.isEnabled() and not main_window.form.cancel_button.isEnabled()


def test_event_loop_keeps_ticking_during_a_slow_request(qtbot, main_window, sandbox):
    sandbox.inject(Fault("delay", delay=1.0))
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    try:
        launch_and_wait(qtbot, main_window, main_window.controller.launch_finished)
    finally:
        timer.stop()
    assert len(ticks) > 50
    worst_gap = max(b - a for a, b in zip(ticks, ticks[1:], strict=False))
    assert worst_gap < 0.2, f"the event loop stalled for {worst_gap * 1000:.0f} ms"


def test_invalid_form_blocks_launch_until_send_anyway(qtbot, main_window, sandbox):
    main_window.form.currency.set_code("US")
    assert main_window.form.has_errors()
    assert main_window.form.problems_label.isVisibleTo(main_window.form)
    assert "player.currency" in main_window.form.problems_label.text()
    assert main_window.form.currency.property("problem") == "error"
    assert main_window.form.send_anyway_button.isVisibleTo(main_window.form)
    assert main_window.launch() is None
    assert "Send anyway" in main_window.status_label.text()
    assert not session_requests(sandbox)
    error = None
    with qtbot.waitSignal(main_window.controller.launch_failed, timeout=LOAD_TIMEOUT_MS) as failed:
        main_window.form.send_anyway_button.click()
    (error,) = failed.args
    assert isinstance(error, errors.ApiError) and error.code.startswith("V.")
    assert session_requests(sandbox)[-1].json["player"]["currency"] == "US"


def test_warnings_do_not_block_launch(qtbot, main_window):
    main_window.form.currency.set_code("IDX")  # outside ISO 4217: a warning
    problems = main_window.form.problems()
    assert problems and all(p.severity == "warning" for p in problems)
    assert main_window.form.currency.property("problem") == "warning"
    assert not main_window.form.send_anyway_button.isVisibleTo(main_window.form)


def test_while_in_flight_the_form_counts_time_against_the_deadline(qtbot, main_window, sandbox):
    import re

    from console_app.sandbox.faults import Fault

    sandbox.inject(Fault("delay", delay=1.0, count=1))
    deadline = main_window.controller.client_settings.deadline
    with qtbot.waitSignal(main_window.controller.launch_finished, timeout=LOAD_TIMEOUT_MS):
        main_window.launch()
        qtbot.waitUntil(lambda: re.fullmatch(r"Sending… \d+\.\d s of \S+ s", main_window.form.launch_button.text())
                        is not None, timeout=5_000)
        assert main_window.form.launch_button.text().endswith(f"of {deadline:g} s")
    assert main_window.form.launch_button.text() == "Launch"


def test_a_slow_answer_shows_sending_and_the_request_while_in_flight(qtbot, main_window, sandbox):
    sandbox.inject(Fault("delay", delay=1.0, count=1))
    with qtbot.waitSignal(main_window.controller.launch_finished, timeout=LOAD_TIMEOUT_MS):
        main_window.launch()
        qtbot.waitUntil(lambda: main_window.status_label.text() == "Sending to Sandbox…", timeout=5_000)
        assert main_window.answer.headline.text() == "Sending…"
        qtbot.waitUntil(lambda: bool(session_requests(sandbox)), timeout=5_000)
        sent_uuid = session_requests(sandbox)[-1].json["uuid"]
        assert f'"uuid": "{sent_uuid}"' in main_window.preview.text.toPlainText()
    qtbot.waitUntil(lambda: main_window.answer.headline.text() == "✔ Game session created", timeout=5_000)


def test_a_fast_answer_replaces_the_last_launchs_answer_and_request(qtbot, main_window, sandbox):
    # A cancelled launch leaves its "may have reached the API" warning and its attempt.
    sandbox.inject(Fault("hang"))
    with qtbot.waitSignal(main_window.controller.launch_cancelled, timeout=LOAD_TIMEOUT_MS):
        main_window.launch()
        qtbot.waitUntil(lambda: bool(session_requests(sandbox)), timeout=5_000)
        main_window.cancel()
    assert main_window.answer.delivered_warning.isVisibleTo(main_window.answer)
    sandbox.clear_faults()
    # The next answer comes before "Sending…" would show: the panels still start afresh.
    with qtbot.waitSignal(main_window.controller.launch_finished, timeout=LOAD_TIMEOUT_MS):
        main_window.launch()
    qtbot.waitUntil(lambda: main_window.answer.headline.text() == "✔ Game session created", timeout=5_000)
    assert not main_window.answer.delivered_warning.isVisibleTo(main_window.answer)
    assert main_window.answer.attempts.topLevelItemCount() == 1
    sent_uuid = session_requests(sandbox)[-1].json["uuid"]
    assert f'"uuid": "{sent_uuid}"' in main_window.preview.text.toPlainText()


def test_a_failed_first_attempt_shows_the_request_before_the_retry(qtbot, main_window, sandbox):
    sandbox.inject(Fault("g01", count=1))
    seen: list[str] = []
    main_window.controller.attempt_recorded.connect(
        lambda _event: seen.append(main_window.preview.text.toPlainText()))
    launch_and_wait(qtbot, main_window, main_window.controller.launch_finished)
    first, second = (r.json["uuid"] for r in session_requests(sandbox)[-2:])
    assert f'"uuid": "{first}"' in seen[0]
    qtbot.waitUntil(lambda: f'"uuid": "{second}"' in main_window.preview.text.toPlainText(), timeout=5_000)
