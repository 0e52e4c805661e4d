"""Screen-share is one state the window owns; every view masks player, session and
partner IDs under it with masks of fixed length: form, preview, answer, log,
History (table and detail), status line and tab titles."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from tests.fixtures.qt import sandbox_target
from tests.gui.test_canary_everywhere import widget_texts

TIMEOUT_MS = 30_000
PLAYER = "ZQX7PLAYER93"
SESSION = "ZQX7SESSION41"
PARTNER = "ZQX7PARTNER55"


def shown_texts(widget: QWidget) -> list[str]:
    """What a viewer of the shared screen can read (a masked field's real text is not shown)."""
    texts = widget_texts(widget)
    if isinstance(widget, QLineEdit) and widget.displayText() != widget.text():
        texts.remove(widget.text())
    return texts


def leaks(*ids: str) -> list[str]:
    return sorted({f"{type(w).__name__}#{w.objectName()}" for w in QApplication.allWidgets() if w.isVisible()
                   for text in shown_texts(w) for i in ids if i in text})


def test_screen_share_masks_every_id_in_every_view_and_restores(qtbot, window_factory, sandbox):
    sandbox.partner_id = PARTNER
    window = window_factory(target=sandbox_target(sandbox), demo=True)
    history = window.features.history
    qtbot.waitUntil(lambda: history.panel is not None, timeout=5_000)
    window.form.set_request(window.form.request().with_changes(player_id=PLAYER, session_id=SESSION))
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=TIMEOUT_MS):
        window.launch()
    qtbot.waitUntil(lambda: history.panel.model.rowCount() > 0, timeout=5_000)
    history.panel.select_entry(history.panel.model.entry_at(0).id)
    history.show_history()
    assert leaks(PLAYER, SESSION, PARTNER)  # the control: the IDs are on screen now

    with qtbot.waitSignal(window.api.screen_share_changed, timeout=5_000):
        window.screen_share_action.trigger()
    assert leaks(PLAYER, SESSION, PARTNER) == [], leaks(PLAYER, SESSION, PARTNER)
    for tab in (window.preview, window.answer_scroll, window.log_panel):
        window.bottom_tabs.setCurrentWidget(tab)
        assert leaks(PLAYER, SESSION, PARTNER) == []
    # Fixed length: neither the first letter nor the length of an ID shows.
    assert window.game_area.tabs.tabText(0).endswith(" · •••")
    assert history.panel.model.index(0, 3).data() == "•••"
    # New lines under screen-share are masked too.
    import logging
    logging.getLogger("console_app.test").warning("player_id=%s MEMB_ID=%s via %s", PLAYER, PARTNER, SESSION)
    window.bottom_tabs.setCurrentWidget(window.log_panel)
    assert leaks(PLAYER, SESSION, PARTNER) == []

    window.screen_share_action.trigger()
    assert not window.api.screen_share
    assert history.panel.model.index(0, 3).data() == PLAYER
    assert PLAYER in window.log_panel.text.toPlainText()


def test_the_log_shows_the_start_of_its_lines_after_long_ones(qtbot, window_factory, sandbox):
    import logging

    window = window_factory(target=sandbox_target(sandbox), demo=True)
    window.show_panel(window.log_panel)
    logging.getLogger("console_app.test").warning("a long line %s", "x" * 2000)
    window.screen_share_action.trigger()  # draws every line again
    qtbot.waitUntil(lambda: "x" * 2000 in window.log_panel.text.toPlainText(), timeout=5_000)
    bar = window.log_panel.text.horizontalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
