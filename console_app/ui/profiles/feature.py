"""Profiles in the window: the environment selector lists every profile, switching one
updates the partner label, form defaults, title and banners; launches on a
non-embedded profile read its token from the keyring (off the GUI thread) and use
its network settings; production is impossible to miss; screen-share masks IDs.

:class:`ProfilesFeature` takes a :class:`~console_app.ui.window.main_window.MainWindow` and
wires itself in through the window's seams (``environment``, ``launch_gate``,
``controller.target_resolver``, ``show_banner``, ``set_title_suffix``); the window
knows nothing about profiles.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from console_app.core.errors import (
    ConsoleError,
    CredentialError,
    KeyringTimeoutError,
    NoKeyringError,
    ProfileError,
)
from console_app.core.messages import SANDBOX_STARTING
from console_app.core.models import ApiTarget, ClientSettings
from console_app.core.paths import AppPaths
from console_app.core.profiles import (
    EMBEDDED_API_URL,
    ProductionGuard,
    Profile,
    ProfileStore,
    builtin_sandbox,
    target_from_store,
)
from console_app.core.redaction import Secret, mask_id, redact
from console_app.ui.aio import async_slot
from console_app.ui.confirm import confirm

if TYPE_CHECKING:
    import asyncio

    from console_app.ui.api import Launch, WindowApi
    from console_app.ui.profiles.dialog import ProfileDialog

log = logging.getLogger("console_app.ui.profiles")

KEYRING_MISSING_TEXT = "No OS keyring: tokens are kept in memory for this run only (nothing is written to disk)."
NO_TOKEN_TEXT = "profile '{name}' has no token yet — set the token in Profiles… (File ▸ Profiles…)"
#: How long the folder must be quiet before profiles.json is read again (a save
#: writes a temporary file, then renames it).
PROFILES_SETTLE_MS = 150
#: How long the window waits for the OS keyring (a locked one can hang).
KEYRING_DEADLINE = 8.0
#: How long after the first paint the keyring probe starts: past the start-up work
#: (the target, the HTTP client), which importing keyring on its thread (~60 ms of
#: the GIL) would slow down. Its notice has nothing a user needs sooner.
KEYRING_PROBE_DELAY_MS = 400


def profile_label(profile: Profile) -> str:
    """What the environment selector shows: the name, and the kind unless the name says it."""
    return profile.name if profile.name.casefold() == profile.kind else f"{profile.name} · {profile.kind}"


def placeholder_target(profile: Profile) -> ApiTarget:
    """The selector's entry for ``profile`` before its token is read (at launch)."""
    return ApiTarget(
        api_url=profile.api_url,
        partner_id=profile.partner_id,
        token=Secret(""),
        profile_name=profile.name,
        profile_kind=profile.kind,
    )


class ProfilesFeature(QObject):
    """Profiles, tokens, the production guard and screen-share masking for one window.

    Signals: ``profile_changed(Profile | None)`` after a switch has been applied;
    ``keyring_checked()`` once the start-up keyring probe has finished.
    """

    profile_changed = Signal(object)
    keyring_checked = Signal()

    def __init__(self, api: WindowApi, paths: AppPaths, *, credentials: Any = None,
                 keyring_deadline: float = KEYRING_DEADLINE) -> None:
        super().__init__(api)
        from console_app.core.credentials import RunCredentials

        self.setObjectName("profilesFeature")
        self.api = api
        self.store = ProfileStore(paths)
        self.credentials = credentials if credentials is not None else RunCredentials()
        self.guard = ProductionGuard()
        self.keyring_deadline = keyring_deadline
        self.current_profile: Profile | None = None
        #: The open production confirmation, if any (tests answer it).
        self.confirmation_box: QMessageBox | None = None
        self.dialog: ProfileDialog | None = None
        self._profiles: dict[str, Profile] = {}
        self._listed: set[str] = set()
        self._defaults_applied_for: str | None = None
        #: True once the start-up keyring probe has finished (whatever it found).
        self.keyring_known = False

        self.profiles_action = QAction("&Profiles…", api)
        self.profiles_action.setObjectName("profilesAction")
        self.profiles_action.setToolTip("Add and edit profiles and their tokens")
        self.profiles_action.triggered.connect(self.open_dialog)
        api.add_action(self.profiles_action, menu="file", toolbar="targets")

        api.add_launch_gate(self.launch_gate)
        api.add_target_resolver(self.resolve)
        api.target_changed.connect(self._on_api_target_changed)
        api.screen_share_changed.connect(self._on_api_screen_share_changed)
        # The keyring probe (D-Bus, maybe a locked keyring) waits until the window has
        # painted and its start-up work is over (KEYRING_PROBE_DELAY_MS). The timer is
        # the feature's own: stopped when the window shuts down, gone with it.
        self._probe_timer = QTimer(self)
        self._probe_timer.setSingleShot(True)
        self._probe_timer.setInterval(KEYRING_PROBE_DELAY_MS)
        self._probe_timer.timeout.connect(self.check_keyring)
        self._shutting_down = False
        if api.ready:
            self._probe_timer.start()
        else:
            api.first_painted.connect(self._probe_timer.start)
        api.shutting_down.connect(self._on_api_shutting_down)
        self._keyring_task: asyncio.Task | None = None
        # Profiles added or changed from the CLI (or another tool) show up without a
        # restart: profiles.json is replaced atomically, so the folder is watched.
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(PROFILES_SETTLE_MS)
        self._reload_timer.timeout.connect(self.reload)
        self._watcher = QFileSystemWatcher(self)
        try:
            paths.config_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # a read-only folder: nothing else writes profiles there either
        else:
            self._watcher.addPath(str(paths.config_dir))
        self._watcher.directoryChanged.connect(lambda _path: self._reload_timer.start())
        self.reload()

    # ------------------------------------------------------------------ profiles

    def profile(self, name: str) -> Profile | None:
        """The listed profile called ``name`` (as last read), or None."""
        return self._profiles.get(name)

    def reload(self) -> None:
        """Read the profiles again and list them in the environment selector."""
        try:
            profiles = self.store.list()
        except ProfileError as exc:
            self.api.show_banner("profiles", redact(str(exc)), "error")
            profiles = [builtin_sandbox()]
        else:
            self.api.hide_banner("profiles")
        self._profiles = {p.name: p for p in profiles}
        for gone in self._listed - set(self._profiles):
            self.api.remove_target(gone)
        listed = {target.profile_name: target for target in self.api.targets()}
        for profile in profiles:
            existing = listed.get(profile.name)
            # The embedded sandbox's real target (its address and token) arrives after
            # first paint and is kept; every other entry is redrawn from the profile.
            if existing is not None and profile.is_embedded and existing.api_url != EMBEDDED_API_URL:
                target = existing
            else:
                target = placeholder_target(profile)
            self.api.add_target(target, color=profile.color, label=profile_label(profile))
        self._listed = set(self._profiles)
        self._on_api_target_changed(self.api.current_target())

    def open_dialog(self) -> None:
        """Open the Profiles dialog (non-modal to the event loop; window-modal)."""
        from PySide6.QtCore import Qt

        from console_app.ui.profiles.dialog import ProfileDialog

        if self.dialog is not None:
            self.dialog.raise_()
            return
        target = self.api.current_target()
        dialog = ProfileDialog(self.store, self.credentials, self.api.parent_widget,
                               select=target.profile_name if target else None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.profiles_changed.connect(self.reload)
        # Setting a token also records the host it belongs to in profiles.json.
        dialog.token_changed.connect(self._on_dialog_token_changed)
        dialog.finished.connect(self._on_dialog_finished)
        dialog.set_screen_share(self.api.screen_share)
        self.dialog = dialog
        dialog.open()

    def _on_dialog_token_changed(self, _name: str) -> None:
        self.reload()
        self._show_keyring_state()

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None

    # ------------------------------------------------------------------ keyring

    @async_slot()
    async def check_keyring(self) -> None:
        """Probe the OS keyring off the GUI thread; a notice when tokens cannot persist."""
        import asyncio
        if self._shutting_down:
            return
        self._keyring_task = asyncio.current_task()
        try:
            await asyncio.wait_for(asyncio.to_thread(self.credentials.backend_description), self.keyring_deadline)
        except TimeoutError:
            self.api.show_notice(
                "keyring", f"The OS keyring did not answer within {self.keyring_deadline:g} s: it is probably "
                "locked. Unlock it to use stored tokens.", "warning")
        except CredentialError as exc:
            self.api.show_notice("keyring", redact(str(exc)), "warning")
        else:
            self._show_keyring_state()
        finally:
            self._keyring_task = None
            self.keyring_known = True
            self.keyring_checked.emit()

    def _on_api_shutting_down(self) -> None:
        self._shutting_down = True
        self._probe_timer.stop()
        if self._keyring_task is not None:
            self._keyring_task.cancel()

    def _show_keyring_state(self) -> None:
        if not getattr(self.credentials, "persistent", True):
            self.api.show_notice("keyring", KEYRING_MISSING_TEXT, "warning")

    # ------------------------------------------------------------------ launching

    async def resolve(self, target: ApiTarget) -> tuple[ApiTarget, ClientSettings] | None:
        """The target with its token (keyring, off the GUI thread) and the profile's
        network settings; None for targets that are not saved profiles."""
        import asyncio
        if target.api_url == EMBEDDED_API_URL:
            raise ConsoleError(SANDBOX_STARTING)
        if target.profile_name not in self._profiles or self._profiles[target.profile_name].is_embedded:
            return None

        def read() -> tuple[ApiTarget, ClientSettings]:
            # Read afresh: the CLI or the dialog may have changed the profile meanwhile.
            profile = self.store.get(target.profile_name)
            try:
                return target_from_store(profile, self.credentials), profile.client_settings()
            except (KeyringTimeoutError, NoKeyringError):
                raise
            except CredentialError as exc:
                raise CredentialError(NO_TOKEN_TEXT.format(name=profile.name)) from exc

        try:
            return await asyncio.wait_for(asyncio.to_thread(read), self.keyring_deadline)
        except TimeoutError as exc:
            raise KeyringTimeoutError(
                f"the OS keyring did not answer within {self.keyring_deadline:g} s; it is probably locked: "
                "unlock it and launch again"
            ) from exc

    async def launch_gate(self, launch: Launch, _send_anyway: bool) -> bool:
        """True to launch; the first production launch of this run waits for the
        user's answer in a non-modal box (Esc on the window cancels the wait)."""
        profile = self._profiles.get(launch.target.profile_name)
        if profile is None or not self.guard.needs_confirmation(profile):
            return True
        shown = profile.with_changes(partner_id=mask_id(profile.partner_id)) if self.api.screen_share else profile
        self.api.set_status("Confirm the launch on PRODUCTION: it creates a real game session", "warning")
        accepted = await confirm(self.api.parent_widget, "Launch on production?",
                                 redact(self.guard.confirmation_text(shown)), "Launch on production",
                                 name="productionConfirmation", accept_name="confirmProductionLaunch",
                                 shown=self._set_confirmation_box)
        if not accepted:
            self.api.set_status("Not launched — production launch cancelled", "warning")
            return False
        self.guard.confirm(profile)
        return True

    def _set_confirmation_box(self, box: QMessageBox | None) -> None:
        self.confirmation_box = box

    # ------------------------------------------------------------------ presenting

    @Slot(object)
    def _on_api_target_changed(self, target: ApiTarget | None) -> None:
        profile = self._profiles.get(target.profile_name) if target is not None else None
        self.current_profile = profile
        self._present(profile)
        if profile is not None and profile.name != self._defaults_applied_for:
            self._defaults_applied_for = profile.name
            defaults = {key: value for key, value in asdict(profile.defaults).items() if value}
            if defaults:
                self.api.form.set_request(self.api.form.request().with_changes(**defaults))
        self.profile_changed.emit(profile)

    def _present(self, profile: Profile | None) -> None:
        """Banner, title suffix and accent (Launch tint, toolbar line) for ``profile``."""
        view = self.guard.view(profile) if profile is not None else None
        if profile is not None and view is not None and view.banner:
            shown = profile.with_changes(partner_id=mask_id(profile.partner_id)) if self.api.screen_share else profile
            banner = self.guard.view(shown).banner
            assert banner is not None  # shown is the same production profile, its partner ID masked
            self.api.show_banner("production", banner, "error", solid=view.accent)
        else:
            self.api.hide_banner("production")
        self.api.set_title_suffix(view.title_suffix if view is not None else "")
        self.api.set_accent(view.accent if view is not None else None,
                            tint_launch=view is not None and view.launch_tint is not None)

    @Slot(bool)
    def _on_api_screen_share_changed(self, on: bool) -> None:
        self._present(self.current_profile)
        if self.dialog is not None:
            self.dialog.set_screen_share(on)
