"""The answer panel on its own: what it shows of very long answer bodies."""

from __future__ import annotations

from console_app.core.models import Attempt, Exchange, LaunchResult
from console_app.core.redaction import Secret
from console_app.ui.launch.answer_panel import SHOWN_BODY_CHARS, AnswerPanel


def result_with_body(body: str) -> LaunchResult:
    exchange = Exchange(method="POST", url="http://127.0.0.1:9/api/session", request_headers={},
                        request_body="{}", http_status=200, response_body=body)
    attempt = Attempt(number=1, uuid="u-1", started_at=0.0, exchange=exchange, outcome="success", duration_ms=4.0)
    return LaunchResult(game_url=Secret("http://127.0.0.1:9/game", register=False), http_status=200, uuid="u-1",
                        attempts=[attempt], duration_ms=4.0)


def test_a_short_body_is_shown_whole(qtbot):
    panel = AnswerPanel()
    qtbot.addWidget(panel)
    body = '{"url": "http://127.0.0.1:9/game"}'
    panel.show_result(result_with_body(body))
    assert panel.raw_body.toPlainText() == body


def test_a_huge_body_is_cut_and_says_how_much_is_not_shown(qtbot):
    panel = AnswerPanel()
    qtbot.addWidget(panel)
    body = '{"url": "http://127.0.0.1:9/game", "padding": "' + "x" * 70_000 + '"}'
    panel.show_result(result_with_body(body))
    shown = panel.raw_body.toPlainText()
    assert shown.startswith(body[:SHOWN_BODY_CHARS])
    assert f"{len(body) - SHOWN_BODY_CHARS:,} more characters not shown here" in shown
    assert len(shown) < SHOWN_BODY_CHARS + 200


def test_an_error_without_a_next_step_shows_no_empty_next_step_row(qtbot):
    from console_app.core.errors import ConsoleError
    from console_app.core.messages import Description

    panel = AnswerPanel()
    qtbot.addWidget(panel)
    panel.show()
    described = Description("No token", "profile 'x' has no token yet — set the token in Profiles…", "",
                            retryable=False, severity="error", maybe_delivered=False)
    panel.show_error(ConsoleError("no token"), described)
    assert not panel._rows["next"].isVisible() and panel._rows["meaning"].isVisible()
    panel.show_error(ConsoleError("other"), Description("Other", "meaning", "do this next", retryable=False,
                                                        severity="error", maybe_delivered=False))
    assert panel._rows["next"].isVisible() and panel._rows["next"].text() == "do this next"
