"""The window itself: web sandbox states, remembered state, keyboard, accessibility,
screen-share, the exception hooks and screenshots."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from console_app import APP_NAME
from console_app.app import ExceptionHooks
from console_app.qtenv import WebSandbox
from console_app.ui.window.main_window import MainWindow
from tests.fixtures.qt import sandbox_target

LOAD_TIMEOUT_MS = 30_000


def test_root_without_opt_in_explains_instead_of_starting_chromium(qtbot, window_factory, sandbox):
    window = window_factory(target=sandbox_target(sandbox), demo=True, web_sandbox=WebSandbox.BLOCKED_AS_ROOT)
    text = window.game_area.empty.text()
    assert "running as root" in text and "--no-web-sandbox" in text and "QTWEBENGINE_DISABLE_SANDBOX=1" in text
    assert window.sandbox_chip.isVisibleTo(window) and "root" in window.sandbox_chip.text()
    with qtbot.waitSignal(window.controller.launch_finished, timeout=LOAD_TIMEOUT_MS):
        window.launch()
    assert window.game_area.tabs is None  # Chromium was never started
    qtbot.waitUntil(lambda: "game view off" in window.status_label.text())  # a loop pass after the answer
    assert window.answer._rows["url"].text().endswith("token=•••")


def test_disabled_web_sandbox_is_always_visible(window_factory):
    for state, why in ((WebSandbox.OFF_BY_OPTION, "--no-web-sandbox"),
                       (WebSandbox.OFF_BY_ENVIRONMENT, "QTWEBENGINE_DISABLE_SANDBOX=1")):
        window = window_factory(web_sandbox=state)
        banner = window.findChild(QWidget, "banner_web_sandbox")
        assert banner is not None and banner.isVisibleTo(window)
        assert f"Web sandbox disabled ({why})" in window.findChild(QWidget, "banner_web_sandbox_text").text()
        assert window.sandbox_chip.text() == "⚠ Web sandbox disabled"


def test_sandboxed_window_shows_no_warning(window_factory):
    window = window_factory(web_sandbox=WebSandbox.ON)
    assert window.findChild(QWidget, "banner_web_sandbox") is None
    assert not window.sandbox_chip.isVisibleTo(window)


def test_window_remembers_geometry_splitters_and_form_but_never_secrets(
    qtbot, qasync_loop, app_paths, sandbox
):
    target = sandbox_target(sandbox)
    first = MainWindow(paths=app_paths, demo=True)
    first.add_target(target, select=True)
    first.show()
    qtbot.waitExposed(first)
    first.resize(771, 700)  # the offscreen screen is 800x800
    first.horizontal_splitter.setSizes([420, 600])
    first.form.player_id.setText("remembered-player")
    first.form.currency.set_code("KRW")
    first.close()
    ini = (app_paths.config_dir / "window.ini").read_text(encoding="utf-8")
    assert "remembered-player" in ini
    assert sandbox.token not in ini and "uuid" not in ini.lower()

    second = MainWindow(paths=app_paths, demo=True)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.form.player_id.text() == "remembered-player"
    assert second.form.currency.code() == "KRW"
    assert second.size().width() == 771
    assert second.horizontal_splitter.sizes()[0] == 420
    task = asyncio.ensure_future(asyncio.gather(first.shutdown(), second.shutdown()))
    qtbot.waitUntil(task.done, timeout=10_000)


def test_demo_window_is_ready_to_launch(main_window):
    request = main_window.form.request()
    assert request.gameid == "lm_8_treasureofzeus" and request.player_id and request.currency == "USD"
    assert main_window.form.problems() == []
    assert main_window.form.language.currentText() == "en — English"


def test_language_and_currency_show_code_and_name_and_accept_other_codes(main_window):
    form = main_window.form
    form.language.set_code("ko")
    assert form.language.currentText() == "ko — Korean"
    form.currency.set_code("KRW")
    assert form.currency.currentText() == "KRW — South Korean won"
    form.currency.setEditText("IDX")
    assert form.currency.code() == "IDX" and form.request().currency == "IDX"


def test_game_picker_filters_by_typing(qtbot, main_window):
    picker = main_window.form.game_picker
    picker.line_edit().clear()
    qtbot.keyClicks(picker.line_edit(), "zeus")
    assert "lm_8_treasureofzeus" in picker.visible_game_ids()
    picker.set_game_id("Im_60_tumblefortune")  # a typo from partner material can be sent
    assert main_window.form.request().gameid == "Im_60_tumblefortune"
    assert any(p.field == "gameid" for p in main_window.form.problems())


def test_keyboard_shortcuts(qtbot, main_window):
    shortcuts = {a.objectName(): [s.toString() for s in a.shortcuts()] for a in main_window.actions()}
    assert shortcuts["launchAction"] == ["Ctrl+Return", "Ctrl+Enter"]
    assert shortcuts["cancelAction"] == ["Esc"]
    assert shortcuts["closeTabAction"] == ["Ctrl+W"]
    assert shortcuts["focusPickerAction"] == ["Ctrl+L"]
    assert shortcuts["reloadAction"] == ["F5"]
    with qtbot.waitSignal(main_window.game_area.game_load_finished, timeout=LOAD_TIMEOUT_MS):
        qtbot.keyClick(main_window.form.player_id, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    main_window.focus_picker_action.trigger()
    assert main_window.form.game_picker.hasFocus() or main_window.form.game_picker.lineEdit().hasFocus()


def test_every_control_has_an_object_name_and_accessible_name(main_window):
    kinds = (QAbstractButton, QLineEdit, QComboBox, QPlainTextEdit)
    missing = [
        f"{type(w).__name__}:{w.objectName()!r}"
        for w in main_window.findChildren(QWidget)
        if isinstance(w, kinds) and w.isVisibleTo(main_window)
        # Qt's own parts: a combo box's line edit, a line edit's clear button.
        and not isinstance(w.parent(), (QComboBox, QLineEdit))
        and (not w.objectName() or not w.accessibleName())
        and not w.objectName().startswith("qt_")
    ]
    assert missing == []


def test_screen_share_masks_ids_in_preview_and_new_tabs(qtbot, main_window):
    main_window.screen_share_action.trigger()
    text = main_window.preview.text.toPlainText()
    assert '"id": "•••"' in text and "demo-player" not in text
    assert "sandbox-partner" not in main_window.partner_label.text()
    with qtbot.waitSignal(main_window.game_area.game_load_finished, timeout=LOAD_TIMEOUT_MS):
        main_window.launch()
    assert main_window.game_area.tabs.tabText(0) == "Treasure of Zeus · •••"


def test_save_screenshot_writes_the_window(qtbot, main_window, tmp_path):
    path = tmp_path / "window.png"
    assert main_window.save_screenshot(path)
    image = QImage(str(path))
    assert image.width() == main_window.width() and image.height() == main_window.height()


def test_exception_hook_logs_redacted_and_shows_a_non_modal_dialog(qtbot, main_window, caplog):
    hooks = ExceptionHooks(main_window.show_unexpected_error)
    hooks.install(asyncio.get_event_loop())
    try:
        with caplog.at_level(logging.ERROR, logger="console_app.app"):
            try:
                raise RuntimeError("boom HASH=supersecret1")
            except RuntimeError as exc:
                hooks.excepthook(type(exc), exc, exc.__traceback__)
            dialog = main_window._error_dialog
            assert "boom HASH=•••" in dialog.text() and "HASH=•••" in dialog.detailedText()
            assert "supersecret1" not in dialog.text() + dialog.detailedText()
            hooks.loop_exception_handler(asyncio.get_event_loop(), {"message": "x", "exception": ValueError("again")})
    finally:
        hooks.uninstall()
        asyncio.get_event_loop().set_exception_handler(None)
    assert dialog.isVisible() and not dialog.isModal()
    assert "(2 so far)" in dialog.text() and "ValueError: again" in dialog.text()
    assert main_window.isVisible()
    assert caplog.records and all("supersecret1" not in (r.getMessage() + (r.exc_text or "")) for r in caplog.records)
    dialog.close()


def test_the_mouse_wheel_over_a_code_list_scrolls_the_form_not_the_choice(qtbot, main_window):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    currency = main_window.form.currency
    main_window.form.player_id.setFocus()  # the user is in another field, scrolling the form
    qtbot.waitUntil(lambda: main_window.form.player_id.hasFocus() or QApplication.focusWidget() is not currency)
    before = currency.code()
    event = QWheelEvent(QPointF(5, 5), QPointF(currency.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(currency, event)
    assert currency.code() == before and not event.isAccepted()


def test_the_title_names_the_app_once_and_last(main_window):
    # Qt's xcb and Windows plugins append " — <applicationDisplayName>" to a title that
    # does not already end with it: ending with the name is what keeps it there once.
    title = main_window.windowTitle()
    assert title == f"Sandbox · {APP_NAME}"
    assert title.endswith(APP_NAME) and title.count(APP_NAME) == 1


def test_a_long_launch_message_shows_every_line_inside_its_box(qtbot, main_window):
    label = main_window.form.launch_message
    main_window.set_status("Fix the fields marked in red, or use Send anyway to send it as it is; " * 3, "error")
    qtbot.waitUntil(lambda: label.isVisible() and label.height() == label.heightForWidth(label.width()))
    inner = label.contentsRect()
    needed = label.fontMetrics().boundingRect(QRect(0, 0, inner.width(), 10_000), Qt.TextFlag.TextWordWrap,
                                              label.text())
    assert needed.height() >= 3 * label.fontMetrics().height()  # it wraps onto several lines
    # Every line fits, inside the 1 px border the severity style draws on the label's edge.
    assert inner.top() > 1 and inner.bottom() < label.height() - 2 and needed.height() <= inner.height()
