"""Profiles in the window: selector, tokens from the real keyring, production guard,
no-token message, per-profile network settings, screen-share, Profiles… and About."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLayout, QMessageBox, QWidget

from console_app.core.catalog import Catalog, CatalogStore, Game
from console_app.core.credentials import RunCredentials
from console_app.core.profiles import PlayerDefaults, Profile, ProfileStore, api_host
from console_app.ui.profiles.feature import KEYRING_MISSING_TEXT
from tests.fixtures.common import files_containing
from tests.fixtures.qt import sandbox_target

TIMEOUT_MS = 30_000


def featured(window_factory, app_paths, target, credentials=None):
    """A window on ``target`` as the app builds it; with its profiles and catalog features."""
    window = window_factory(target=target, demo=True, credentials=credentials)
    return window, window.features.profiles, window.features.catalog


def add_profile(app_paths, name: str, server, *, kind: str = "staging", token: str | None = None,
                credentials=None, **fields) -> Profile:
    store = ProfileStore(app_paths)
    store.add(Profile(name=name, api_url=server.url, partner_id=server.partner_id, kind=kind, retries=0, **fields))
    if token is not None:
        credentials.set(name, token)
        store.set_token_host(name, api_host(server.url))
    return store.get(name)


def select(window, name: str) -> None:
    window.environment.setCurrentIndex(window.environment.profile_names().index(name))


def test_staging_profile_token_from_the_os_keyring_reaches_the_server(
    qtbot, window_factory, app_paths, basedir, sandbox, spec_server, keyring_in_process
):
    credentials = RunCredentials()
    add_profile(app_paths, "Staging EU", spec_server, token=spec_server.token, credentials=credentials)
    assert credentials.persistent  # really in the Secret Service, not in memory
    window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox), RunCredentials())

    assert window.environment.profile_names() == ["Sandbox", "Staging EU"]
    assert window.environment.itemText(1) == "Staging EU · staging"
    select(window, "Staging EU")
    assert spec_server.partner_id in window.partner_label.text()
    assert window.windowTitle() == "Staging EU · LuckyMonaco Test Console"
    window.form.set_request(window.form.request().with_changes(player_id="qa-1", nickname="QA"))
    with qtbot.waitSignal(window.controller.launch_finished, timeout=TIMEOUT_MS):
        window.launch()

    sent = spec_server.requests_to("/api/session")
    assert len(sent) == 1
    assert sent[0].query["MEMB_ID"] == [spec_server.partner_id]
    assert sent[0].query["HASH"] == [spec_server.token]
    # The profile's own network settings got their own client (cached, reused).
    settings = profiles.profile("Staging EU").client_settings()
    assert settings.retries == 0 and settings != window.controller.client_settings
    client = window.controller.http_client_for(settings)
    assert client is window.controller.http_client_for(settings)
    assert client is not window.controller.ensure_http_client()
    assert files_containing(basedir, spec_server.token) == []


def test_profile_without_a_token_says_where_to_set_it_and_sends_nothing(
    qtbot, window_factory, app_paths, sandbox, spec_server
):
    add_profile(app_paths, "Staging", spec_server)
    window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    select(window, "Staging")
    with qtbot.waitSignal(window.controller.launch_failed, timeout=TIMEOUT_MS):
        window.launch()
    assert "set the token in Profiles…" in window.status_label.text()
    assert "set the token in Profiles…" in window.answer.headline.text()
    assert spec_server.requests_to("/api/session") == []


def test_missing_keyring_is_a_plain_warning_notice(qtbot, window_factory, app_paths, sandbox):
    window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    qtbot.waitUntil(lambda: profiles.keyring_known, timeout=TIMEOUT_MS)
    notice = window.findChild(QWidget, "notice_keyring_text")
    assert notice is not None and notice.isVisibleTo(window)
    assert notice.text() == KEYRING_MISSING_TEXT
    assert window.statusBar().isAncestorOf(notice)


def test_the_keyring_notice_after_first_paint_moves_nothing(qtbot, window_factory, app_paths, sandbox):
    window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    qtbot.waitUntil(lambda: profiles.keyring_known, timeout=TIMEOUT_MS)
    window.hide_notice("keyring")
    qtbot.waitUntil(lambda: not window.findChild(QWidget, "notice_keyring").isVisible())

    def layout():
        return (window.form_scroll.mapTo(window, window.form_scroll.rect().topLeft()), window.form_scroll.height(),
                window.game_area.mapTo(window, window.game_area.rect().topLeft()), window.game_area.size(),
                window.vertical_splitter.sizes(), window.statusBar().height())

    settle_layouts(window)
    before = layout()
    # The probe runs again, as at start-up after the first paint, and finds no keyring again.
    profiles.check_keyring()
    qtbot.waitUntil(lambda: window.findChild(QWidget, "notice_keyring").isVisible(), timeout=TIMEOUT_MS)
    settle_layouts(window)
    assert layout() == before


def settle_layouts(window) -> None:
    """Run the layout passes Qt has pending (they would move widgets a moment later)."""
    for _ in range(3):
        for each in [window.layout(), *window.findChildren(QLayout)]:
            each.activate()
        QApplication.processEvents()


def test_keyring_present_shows_no_notice(qtbot, window_factory, app_paths, sandbox, keyring_in_process):
    window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    # The window probes the keyring itself after first paint.
    qtbot.waitUntil(lambda: profiles.keyring_known, timeout=TIMEOUT_MS)
    assert window.findChild(QWidget, "notice_keyring") is None


def _answer(qtbot, profiles, *, launch: bool) -> None:
    qtbot.waitUntil(lambda: profiles.confirmation_box is not None and profiles.confirmation_box.isVisible())
    box = profiles.confirmation_box
    assert "PRODUCTION" in box.text()
    button = box.findChild(QWidget, "confirmProductionLaunch") if launch else box.button(QMessageBox.StandardButton.Cancel)
    button.click()


def test_production_profile_is_unmissable_and_confirmed_once_per_run(
    qtbot, window_factory, app_paths, sandbox, tmp_path
):
    store = ProfileStore(app_paths)
    store.add(Profile(name="Prod", api_url="https://127.0.0.1:9/", partner_id="brand-7", kind="production"))
    window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    sandbox_tint = window.form.launch_button.styleSheet()
    select(window, "Prod")

    banner = window.findChild(QWidget, "banner_production_text")
    assert banner.isVisibleTo(window) and banner.text().startswith("PRODUCTION — real players, real money")
    assert window.windowTitle() == "Prod — PRODUCTION · LuckyMonaco Test Console"
    assert "#dc2626" in window.form.launch_button.styleSheet() and "#dc2626" not in sandbox_tint
    assert "#dc2626" in window.toolbar.styleSheet()

    # First launch: waits for the answer (Esc would cancel the wait); Cancel sends nothing.
    with qtbot.waitSignal(window.controller.launch_held, timeout=TIMEOUT_MS):
        assert window.launch() is not None
        _answer(qtbot, profiles, launch=False)
    assert not window.controller.busy and "cancelled" in window.status_label.text()
    # Asks again; this time the user accepts and the launch goes ahead (no token here).
    window.launch()
    with qtbot.waitSignal(window.controller.launch_failed, timeout=TIMEOUT_MS):
        _answer(qtbot, profiles, launch=True)
    assert "set the token in Profiles…" in window.status_label.text()
    # Not asked again in this run.
    with qtbot.waitSignal(window.controller.launch_failed, timeout=TIMEOUT_MS):
        assert window.launch() is not None
    assert profiles.confirmation_box is None

    # Back on the sandbox: no banner, no suffix, no tint.
    select(window, "Sandbox")
    assert not banner.isVisibleTo(window)
    assert window.windowTitle() == "Sandbox · LuckyMonaco Test Console"
    assert "#dc2626" not in window.form.launch_button.styleSheet()


def test_profile_switch_fills_defaults_and_catalog(qtbot, window_factory, app_paths, sandbox, spec_server):
    add_profile(app_paths, "Staging", spec_server, defaults=PlayerDefaults(player_id="qa-7", currency="KRW"))
    CatalogStore(app_paths).replace("Staging", Catalog(
        games=(Game(id="lm_99_staging_only", name="Staging Only"),), languages=("ko",), currencies=("KRW",),
        source="test", label="slot_spec"))
    window, _profiles, catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    assert catalog.catalog.label == "sample"
    select(window, "Staging")
    form = window.form
    assert form.player_id.text() == "qa-7" and form.currency.code() == "KRW"
    assert form.game_picker.catalog().game_ids == ("lm_99_staging_only",)
    assert form.language.supported() == ("ko",) and form.language.itemText(0) == "ko — Korean"


def test_screen_share_masks_ids_everywhere_and_restores(qtbot, window_factory, app_paths, sandbox):
    store = ProfileStore(app_paths)
    store.add(Profile(name="Prod", api_url="https://127.0.0.1:9/", partner_id="brand-7", kind="production"))
    window, _profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox), )
    window.form.set_request(window.form.request().with_changes(player_id="player-123", session_id="s-secret"))
    with qtbot.waitSignal(window.game_area.game_load_finished, timeout=TIMEOUT_MS):
        window.launch()
    select(window, "Prod")
    window.screen_share_action.trigger()

    # A fixed-length mask, read-only while sharing; the request still has the real values.
    assert window.form.player_id.text() == window.form.session_id.text() == "•••"
    assert window.form.player_id.isReadOnly() and window.form.request().player_id == "player-123"
    banner = window.findChild(QWidget, "banner_production_text").text()
    assert "brand-7" not in banner and "•••" in banner
    assert "brand-7" not in window.partner_label.text()
    assert "player-123" not in window.preview.text.toPlainText()
    assert window.game_area.tabs.tabText(0).endswith("· •••")

    window.screen_share_action.trigger()
    assert window.form.player_id.text() == "player-123" and not window.form.player_id.isReadOnly()
    assert "brand-7" in window.findChild(QWidget, "banner_production_text").text()
    assert window.game_area.tabs.tabText(0).endswith("· player-123")


def test_profiles_action_opens_the_dialog_and_changes_reload_the_selector(qtbot, window_factory, app_paths,
                                                                          sandbox, spec_server):
    window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    qtbot.waitUntil(lambda: window.findChild(QWidget, "profilesActionButton").isVisibleTo(window))
    profiles.profiles_action.trigger()
    dialog = profiles.dialog
    assert dialog is not None and dialog.isVisible()
    ProfileStore(app_paths).add(Profile(name="New", api_url=spec_server.url, partner_id="p", kind="staging"))
    dialog.profiles_changed.emit()
    assert window.environment.profile_names() == ["Sandbox", "New"]
    ProfileStore(app_paths).remove("New")
    dialog.profiles_changed.emit()
    assert window.environment.profile_names() == ["Sandbox"]
    dialog.close()
    qtbot.waitUntil(lambda: profiles.dialog is None)


def test_help_about_opens_the_about_dialog(qtbot, window_factory, app_paths, sandbox):
    window, _profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    window.about_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(QWidget, "aboutDialog") is not None)
    about = window.findChild(QWidget, "aboutDialog")
    assert about.isVisible()
    about.close()


def test_production_profile_uses_its_own_ca_bundle(qtbot, window_factory, app_paths, sandbox, tmp_path):
    import ssl

    import trustme

    from console_app.sandbox.server import SandboxServer

    ca = trustme.CA()
    bundle = tmp_path / "private-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = SandboxServer(ssl_context=context).start()
    try:
        credentials = RunCredentials()  # no keyring here: the token stays in memory
        add_profile(app_paths, "Prod", server, kind="production", token=server.token, credentials=credentials,
                    ca_bundle=str(bundle))
        window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox), credentials)
        select(window, "Prod")
        window.launch()
        with qtbot.waitSignal(window.controller.launch_finished, timeout=TIMEOUT_MS):
            _answer(qtbot, profiles, launch=True)
        # The OS trust store does not know this CA: only the profile's bundle made it work.
        qtbot.waitUntil(lambda: window.status_label.text().startswith("✔ 200"))  # a loop pass after the answer
        assert len(server.requests) == 1
    finally:
        server.stop()


class _StuckKeyring:
    """A credential store whose reads hang, like a locked keyring waiting for a prompt."""

    persistent = True

    def __init__(self) -> None:
        import threading

        self.release = threading.Event()

    def get(self, _name: str):
        self.release.wait(10)
        return None

    def backend_description(self) -> str:
        return "a stuck test keyring"


def test_a_hanging_keyring_fails_the_launch_after_its_deadline(qtbot, window_factory, app_paths, sandbox,
                                                               spec_server):
    add_profile(app_paths, "Staging", spec_server)
    stuck = _StuckKeyring()
    window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox), stuck)
    profiles.keyring_deadline = 0.2
    select(window, "Staging")
    try:
        with qtbot.waitSignal(window.controller.launch_failed, timeout=TIMEOUT_MS):
            window.launch()
        assert "did not answer within 0.2 s" in window.status_label.text()
    finally:
        stuck.release.set()
    assert spec_server.requests_to("/api/session") == []


def test_a_profile_added_from_the_cli_appears_without_a_restart(qtbot, window_factory, app_paths, sandbox,
                                                                basedir):
    from tests.fixtures.common import run_cli

    window, _profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    assert window.environment.profile_names() == ["Sandbox"]
    result = run_cli("profile", "add", "Staging EU", "--api-url", "https://staging.example", "--partner-id", "p-1",
                     basedir=basedir)
    assert result.returncode == 0, result.stderr
    qtbot.waitUntil(lambda: window.environment.profile_names() == ["Sandbox", "Staging EU"], timeout=10_000)
    result = run_cli("profile", "remove", "Staging EU", basedir=basedir)
    assert result.returncode == 0, result.stderr
    qtbot.waitUntil(lambda: window.environment.profile_names() == ["Sandbox"], timeout=10_000)


def test_screen_share_covers_the_profiles_dialog(qtbot, window_factory, app_paths, sandbox):
    from tests.gui.test_screen_share import leaks

    store = ProfileStore(app_paths)
    store.add(Profile(name="Stage", api_url="https://stage.example", partner_id="PARTZQX7", kind="staging",
                      defaults=PlayerDefaults(player_id="ZQX7PLAYER93")))
    window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    select(window, "Stage")
    window.screen_share_action.trigger()
    profiles.profiles_action.trigger()
    dialog = profiles.dialog
    dialog.token_edit.setText("TOKZQX7CANARY42secret")
    assert not dialog.reveal_button.isEnabled()
    assert leaks("PARTZQX7", "ZQX7PLAYER93", "TOKZQX7CANARY42secret") == []
    # Saving while sharing keeps the real values.
    assert dialog._profile_from_form().partner_id == "PARTZQX7"
    window.screen_share_action.trigger()
    assert dialog.partner_id_edit.text() == "PARTZQX7" and dialog.reveal_button.isEnabled()
    dialog.token_edit.clear()
    dialog.close()


def test_a_window_shut_down_before_the_keyring_probe_never_probes(qtbot, window_factory, app_paths, sandbox):
    import asyncio

    window, profiles, _catalog = featured(window_factory, app_paths, sandbox_target(sandbox))
    qtbot.waitUntil(lambda: window.first_paint_at is not None, timeout=TIMEOUT_MS)
    assert profiles._probe_timer.isActive() and not profiles.keyring_known  # waits for the start-up work
    task = asyncio.ensure_future(window.shutdown())
    qtbot.waitUntil(task.done, timeout=TIMEOUT_MS)
    assert not profiles._probe_timer.isActive()
    profiles.check_keyring()  # a probe asked for after the shutdown does nothing
    qtbot.waitUntil(lambda: profiles._keyring_task is None, timeout=TIMEOUT_MS)
    assert not profiles.keyring_known and window.findChild(QWidget, "notice_keyring") is None
