"""The window's launch path: one ENTER call at a time, cancellable, reported as signals.

Attempt listeners are the seam for anything that records attempts (history): every
attempt of every launch goes to each listener as an :class:`AttemptEvent`, built in
one place, :meth:`LaunchController.attempt_callback`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from console_app.core.errors import ConsoleError
from console_app.core.models import ApiTarget, Attempt, ClientSettings, LaunchRequest, new_uuid

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("console_app.ui")


@dataclass(frozen=True)
class AttemptEvent:
    """One attempt, with the target and request it belonged to."""

    target: ApiTarget
    request: LaunchRequest
    attempt: Attempt


AttemptListener = Callable[[AttemptEvent], Any]


class LaunchController(QObject):
    """Runs launches on the asyncio loop and reports them as signals."""

    busy_changed = Signal(bool)
    launch_started = Signal(object, object, str)  # target, request, uuid of the first attempt
    attempt_recorded = Signal(object)  # AttemptEvent
    launch_finished = Signal(object)  # LaunchResult
    launch_failed = Signal(object)  # ConsoleError
    launch_cancelled = Signal(object)  # list[Attempt] made before the cancel

    def __init__(self, parent: QObject | None = None, *, client_settings: ClientSettings | None = None) -> None:
        super().__init__(parent)
        self.client_settings = client_settings or ClientSettings()
        self._http: "httpx.AsyncClient | None" = None
        #: One client per distinct profile network settings (CA bundle, proxy, ...).
        self._clients: dict[ClientSettings, "httpx.AsyncClient"] = {}
        #: Optional ``async (target) -> (target, settings)`` run at the start of each
        #: launch (profiles: the token from the keyring, the profile's network settings).
        self.target_resolver: Callable[[ApiTarget], Awaitable[tuple[ApiTarget, ClientSettings]]] | None = None
        self._task: asyncio.Task | None = None
        self._listeners: list[AttemptListener] = []
        self._attempts: list[Attempt] = []

    # ------------------------------------------------------------------ set-up

    def set_http_client(self, http: "httpx.AsyncClient") -> None:
        """Use ``http`` (the app's one client) for every launch."""
        self._http = http

    def ensure_http_client(self) -> "httpx.AsyncClient":
        """The HTTP client, built now (~40 ms) if none was set yet."""
        if self._http is None:
            from console_app.core.http import make_http_client

            self._http = make_http_client(self.client_settings)
        return self._http

    def http_client_for(self, settings: ClientSettings) -> "httpx.AsyncClient":
        """The HTTP client for ``settings``: the main one for :attr:`client_settings`,
        else one built on first use and kept until :meth:`aclose`."""
        if settings == self.client_settings:
            return self.ensure_http_client()
        client = self._clients.get(settings)
        if client is None:
            from console_app.core.http import make_http_client

            client = self._clients[settings] = make_http_client(settings)
        return client

    async def resolve(self, target: ApiTarget) -> tuple[ApiTarget, ClientSettings]:
        """``target`` ready to send to, and the network settings to send with."""
        if self.target_resolver is None:
            return target, self.client_settings
        return await self.target_resolver(target)

    def add_attempt_listener(self, listener: AttemptListener) -> None:
        """Call ``listener(AttemptEvent)`` for every attempt of every launch."""
        self._listeners.append(listener)

    def remove_attempt_listener(self, listener: AttemptListener) -> None:
        self._listeners.remove(listener)

    def attempt_callback(self, target: ApiTarget, request: LaunchRequest) -> Callable[[Attempt], None]:
        """The ``on_attempt`` callback for one launch: feeds listeners and the signal."""

        def on_attempt(attempt: Attempt) -> None:
            self._attempts.append(attempt)
            event = AttemptEvent(target, request, attempt)
            for listener in list(self._listeners):
                try:
                    listener(event)
                except Exception:  # a broken listener must not break the launch
                    log.exception("attempt listener %r failed", listener)
            self.attempt_recorded.emit(event)

        return on_attempt

    # ------------------------------------------------------------------ launching

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    @asyncSlot(object, object)
    async def launch(self, target: ApiTarget, request: LaunchRequest, uuid: str | None = None) -> None:
        """Send ``request`` to ``target`` (ENTER); calling it returns the task.
        ``uuid`` is sent by the first attempt instead of a new one (replaying an entry
        with its own uuid tests the API's duplicate handling)."""
        if self.busy:
            log.info("a launch is already running; ignoring another one")
            return
        self._task = asyncio.current_task()
        self._attempts = []
        uuid = uuid or new_uuid()
        self.busy_changed.emit(True)
        self.launch_started.emit(target, request, uuid)
        try:
            target, settings = await self.resolve(target)
            result = await self._client(settings).enter(
                target, request, uuid=uuid, on_attempt=self.attempt_callback(target, request)
            )
        except asyncio.CancelledError:
            log.info("launch cancelled after %d attempt(s)", len(self._attempts))
            self.launch_cancelled.emit(list(self._attempts))
            raise
        except ConsoleError as exc:
            log.info("launch failed: %s", exc)
            self.launch_failed.emit(exc)
        else:
            log.info("launch succeeded in %.0f ms: %s", result.duration_ms, result.redacted_url)
            self.launch_finished.emit(result)
        finally:
            self._task = None
            self.busy_changed.emit(False)

    def cancel(self) -> bool:
        """Cancel the running launch; False when none runs."""
        if not self.busy:
            return False
        self._task.cancel()
        return True

    async def aclose(self) -> None:
        """Cancel any launch, wait for it, and close every HTTP client."""
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        clients = list(self._clients.values()) + ([self._http] if self._http is not None else [])
        self._http = None
        self._clients.clear()
        for http in clients:
            await http.aclose()

    def _client(self, settings: ClientSettings):
        from console_app.core.client import LuckyMonacoClient

        return LuckyMonacoClient(self.http_client_for(settings), settings)
