"""The one place that assembles the console window with all its features.

The app (:func:`console_app.app.run_window`) and every GUI test build the window
here, so tests exercise what ships; they may change the configuration (the data
folder, the keyring backend, client settings) but not the assembly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from console_app.core.paths import AppPaths
from console_app.qtenv import WebSandbox

if TYPE_CHECKING:
    from console_app.core.models import ClientSettings
    from console_app.ui.catalog.feature import CatalogFeature
    from console_app.ui.diagnostics.feature import DiagnosticsFeature
    from console_app.ui.history.feature import HistoryFeature
    from console_app.ui.profiles.feature import ProfilesFeature
    from console_app.ui.suites.feature import SuitesFeature
    from console_app.ui.support.feature import SupportFeature
    from console_app.ui.window.main_window import MainWindow


@dataclass(frozen=True)
class Features:
    """The features of one window (for tests and scripts; features never read it)."""

    profiles: ProfilesFeature
    catalog: CatalogFeature
    history: HistoryFeature
    support: SupportFeature
    suites: SuitesFeature
    diagnostics: DiagnosticsFeature


def build_window(
    paths: AppPaths,
    *,
    web_sandbox: WebSandbox = WebSandbox.ON,
    demo: bool = False,
    remember: bool = True,
    credentials: Any = None,
    keyring_deadline: float | None = None,
    client_settings: ClientSettings | None = None,
    diagnostics: bool = True,
) -> MainWindow:
    """The window with every feature wired in; ``window.features`` lists them.

    ``credentials`` replaces the run's keyring-backed token store and
    ``keyring_deadline`` its wait (tests); ``client_settings`` the default network
    and retry settings. ``diagnostics=False`` turns game diagnostics off: pages get
    no diagnostics script and are never read (``lm-console gui --no-diagnostics``;
    the same-run baseline of the diagnostics' cost).
    """
    window = new_window(paths, web_sandbox=web_sandbox, demo=demo, remember=remember,
                        client_settings=client_settings, diagnostics=diagnostics)
    attach_features(window, paths, credentials=credentials, keyring_deadline=keyring_deadline)
    return window


def new_window(
    paths: AppPaths,
    *,
    web_sandbox: WebSandbox = WebSandbox.ON,
    demo: bool = False,
    remember: bool = True,
    client_settings: ClientSettings | None = None,
    diagnostics: bool = True,
) -> MainWindow:
    """The window before its features (the app shows it, then attaches them once it
    has painted: :func:`attach_features` before ``release_first_paint``)."""
    from console_app.ui.catalog.game_picker import picker_factory
    from console_app.ui.window.main_window import MainWindow

    window = MainWindow(paths=paths, web_sandbox=web_sandbox, demo=demo, remember=remember,
                        game_picker_factory=picker_factory(paths))
    if client_settings is not None:
        window.controller.client_settings = client_settings
    window.game_area.diagnostics = diagnostics
    return window


def attach_features(window: MainWindow, paths: AppPaths, *, credentials: Any = None,
                    keyring_deadline: float | None = None) -> Features:
    """Wire every feature into ``window`` (before its ``first_painted``: features
    start their own work then)."""
    from console_app.ui.catalog.feature import CatalogFeature
    from console_app.ui.diagnostics.feature import DiagnosticsFeature
    from console_app.ui.history.feature import HistoryFeature
    from console_app.ui.profiles.feature import KEYRING_DEADLINE, ProfilesFeature
    from console_app.ui.suites.feature import SuitesFeature
    from console_app.ui.support.feature import SupportFeature

    api = window.api
    window.game_area.current_game_changed.connect(api.current_game_changed)
    # Profiles first: the catalog follows the profile it selects.
    profiles = ProfilesFeature(api, paths, credentials=credentials,
                               keyring_deadline=keyring_deadline if keyring_deadline is not None else KEYRING_DEADLINE)
    catalog = CatalogFeature(api, paths)
    # History opens its store after first paint; support records snapshots in it.
    history = HistoryFeature(api)
    support = SupportFeature(api, history=history)
    suites = SuitesFeature(api, history=history)
    diagnostics_feature = DiagnosticsFeature(api, history=history)
    window.features = Features(profiles=profiles, catalog=catalog, history=history, support=support, suites=suites,
                               diagnostics=diagnostics_feature)
    return window.features
