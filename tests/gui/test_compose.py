"""The one composition function: the app's window and every GUI test's window are
built by ``build_window``, with every feature registered through the feature API."""

from __future__ import annotations

import asyncio
import time

from PySide6.QtWidgets import QToolButton

from console_app.ui.api import Launch
from console_app.ui.catalog.game_picker import GamePicker
from tests.fixtures.qt import sandbox_target

TIMEOUT_MS = 30_000


def test_the_app_builds_its_window_with_every_feature(qtbot, qasync_loop, app_paths):
    from console_app.app import Services, _attach_features, _build_window
    from console_app.qtenv import WebSandbox

    services = Services(app_paths, WebSandbox.OFF_BY_ENVIRONMENT, time.perf_counter())
    window = _build_window(services, demo=True, remember=False)
    try:
        window.show()
        # The app attaches the features once the bare window has painted.
        assert window.features is None
        _attach_features(window, services)
        features = window.features
        assert features is not None and features.support.history is features.history
        assert isinstance(window.form.game_picker, GamePicker)
        assert window.environment.profile_names() == ["Sandbox"]
        # Menus appear in their fixed order, each made by the window or by a feature.
        titles = [a.text() for a in window.menuBar().actions()]
        assert titles == ["&File", "&Edit", "&Game", "&Catalog", "&View", "&Help"]
        assert [a.objectName() for a in window.menu("file").actions()][:1] == ["profilesAction"]
        # No placeholders: every toolbar button belongs to a feature that works.
        buttons = {b.objectName(): b for b in window.toolbar.findChildren(QToolButton) if b.objectName()}
        assert {"profilesActionButton", "screenShareActionButton", "historyActionButton",
                "catalogActionButton", "snapshotActionButton", "suitesActionButton"} <= set(buttons)
        assert features.catalog.catalog_action.menu() is features.catalog.menu
        qtbot.waitUntil(lambda: features.history.panel is not None, timeout=5_000)
        assert features.history.history_action.isEnabled()
        features.history.history_action.trigger()
        assert window.current_panel() is features.history.panel
    finally:
        task = asyncio.ensure_future(window.shutdown())
        qtbot.waitUntil(task.done, timeout=10_000)
        window.close()
        window.deleteLater()


def test_launch_gates_run_in_order_and_any_can_hold_a_launch(qtbot, window_factory, sandbox):
    window = window_factory(target=sandbox_target(sandbox), demo=True)
    asked: list[str] = []

    async def first(launch: Launch, _anyway: bool) -> bool:
        asked.append("first")
        return True

    async def second(launch: Launch, _anyway: bool) -> bool:
        asked.append("second")
        return launch.request.nickname != "held"

    window.api.add_launch_gate(first)
    window.api.add_launch_gate(second)
    before = len(sandbox.requests)
    with qtbot.waitSignal(window.controller.launch_held, timeout=TIMEOUT_MS):
        window.launch(request=window.form.request().with_changes(nickname="held"))
    assert asked[-2:] == ["first", "second"] and len(sandbox.requests) == before
    assert not window.controller.busy

    with qtbot.waitSignal(window.api.launch_finished, timeout=TIMEOUT_MS) as finished:
        window.launch()
    launch, result = finished.args
    assert isinstance(launch, Launch) and launch.request == window.form.request()
    assert result.uuid == launch.uuid == sandbox.requests[-1].json["uuid"]


def test_signals_carry_the_launch_and_the_tab_comes_before_finished(qtbot, window_factory, sandbox):
    window = window_factory(target=sandbox_target(sandbox), demo=True)
    seen: list[tuple[str, str]] = []
    window.api.launch_started.connect(lambda launch: seen.append(("started", launch.launch_id)))
    window.api.attempt_recorded.connect(lambda event: seen.append(("attempt", event.launch.launch_id)))
    window.api.game_opened.connect(lambda launch_id, tab: seen.append(("tab", launch_id)))
    window.api.launch_finished.connect(lambda launch, result: seen.append(("finished", launch.launch_id)))
    with qtbot.waitSignal(window.api.launch_finished, timeout=TIMEOUT_MS):
        window.launch()
    ids = {launch_id for _what, launch_id in seen}
    assert [what for what, _id in seen] == ["started", "attempt", "tab", "finished"] and len(ids) == 1
    assert window.api.game_tab(ids.pop()) is window.game_area.current_game()


def test_a_resolver_that_knows_the_target_gives_its_token(qtbot, window_factory, sandbox):
    window = window_factory(target=sandbox_target(sandbox, token="wrong-token"), demo=True)

    async def resolver(target):
        return (sandbox_target(sandbox), window.controller.client_settings) if target.profile_name == "Sandbox" else None

    window.api.add_target_resolver(resolver)
    with qtbot.waitSignal(window.api.launch_finished, timeout=TIMEOUT_MS):
        window.launch()
    assert sandbox.requests[-1].query["HASH"] == sandbox.token


def test_the_embedded_sandbox_keeps_its_port_per_data_folder(app_paths):
    import socket

    from console_app.app import SANDBOX_PORT_FILE, Services, _start_embedded_sandbox
    from console_app.qtenv import WebSandbox

    services = Services(app_paths, WebSandbox.OFF_BY_ENVIRONMENT, time.perf_counter())
    first = _start_embedded_sandbox(services)
    port = services.sandbox.port
    services.sandbox.stop()
    assert (app_paths.data_dir / SANDBOX_PORT_FILE).read_text().strip() == str(port)
    again = _start_embedded_sandbox(services)
    assert again.api_url == first.api_url  # a copied cURL line still reaches it
    services.sandbox.stop()
    # The port is taken by someone else: another one, remembered from then on.
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        moved = _start_embedded_sandbox(services)
        services.sandbox.stop()
    assert moved.api_url != first.api_url
    assert (app_paths.data_dir / SANDBOX_PORT_FILE).read_text().strip() == moved.api_url.rsplit(":", 1)[1]


def test_the_window_says_ready_only_once_it_can_send(qtbot, window_factory, sandbox):
    from console_app.ui.window.main_window import READY_TEXT, STARTING_TEXT

    window = window_factory(demo=True)
    assert window.status_label.text() == STARTING_TEXT
    window.add_target(sandbox_target(sandbox), select=True)
    assert window.status_label.text() == READY_TEXT
