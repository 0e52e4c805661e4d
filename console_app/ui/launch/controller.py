"""The window's launch path: one ENTER call at a time, cancellable, reported as signals.

A launch goes through, in order: the launch gates (any may hold it back), then
``launch_started``, the target resolvers (the first that knows the target gives its
token and network settings), one call into core (:meth:`LuckyMonacoClient.enter`),
and comes back as signals: ``attempt_recorded`` for every attempt, then exactly one
of ``launch_finished`` / ``launch_failed`` / ``launch_cancelled``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from console_app.core.errors import ConsoleError
from console_app.core.models import ApiTarget, Attempt, ClientSettings, LaunchResult
from console_app.core.session import ApiSession, SessionPool
from console_app.ui.aio import async_slot
from console_app.ui.api import AttemptEvent, Launch, LaunchGate, TargetResolver

if TYPE_CHECKING:
    import asyncio

    import httpx

log = logging.getLogger("console_app.ui")


class LaunchController(QObject):
    """Runs launches on the asyncio loop and reports them as signals."""

    busy_changed = Signal(bool)
    launch_started = Signal(Launch)
    attempt_recorded = Signal(AttemptEvent)
    #: An attempt's request has gone out; its answer is awaited (outcome ``unanswered``).
    attempt_sent = Signal(AttemptEvent)
    launch_finished = Signal(LaunchResult)
    launch_failed = Signal(ConsoleError)
    #: The attempts made before the cancel.
    launch_cancelled = Signal(list)
    #: A gate held the launch back (nothing was sent).
    launch_held = Signal(Launch)

    def __init__(self, parent: QObject | None = None, *, client_settings: ClientSettings | None = None) -> None:
        super().__init__(parent)
        self.client_settings = client_settings or ClientSettings()
        #: One HTTP client per distinct transport (CA bundle, proxy, timeouts), kept until aclose.
        self._pool = SessionPool()
        self._gates: list[LaunchGate] = []
        self._resolvers: list[TargetResolver] = []
        self._task: asyncio.Task | None = None
        self._attempts: list[Attempt] = []
        #: The launch under way (None when idle).
        self.current: Launch | None = None

    # ------------------------------------------------------------------ set-up

    def add_gate(self, gate: LaunchGate) -> None:
        self._gates.append(gate)

    def add_resolver(self, resolver: TargetResolver) -> None:
        self._resolvers.append(resolver)

    def set_http_client(self, http: httpx.AsyncClient) -> None:
        """Use ``http`` (the app's one client) for launches with :attr:`client_settings`."""
        self._pool.adopt(self.client_settings.transport, http)

    def ensure_http_client(self) -> httpx.AsyncClient:
        """The HTTP client for :attr:`client_settings`, built now (~40 ms) if there is none yet."""
        return self._pool.http_for(self.client_settings.transport)

    def http_client_for(self, settings: ClientSettings) -> httpx.AsyncClient:
        """The HTTP client for ``settings``: one per distinct transport, built on first
        use and kept until :meth:`aclose` (a different retry policy shares it)."""
        return self._pool.http_for(settings.transport)

    async def resolve(self, target: ApiTarget) -> tuple[ApiTarget, ClientSettings]:
        """``target`` ready to send to, and the network settings to send with."""
        for resolver in self._resolvers:
            resolved = await resolver(target)
            if resolved is not None:
                return resolved
        return target, self.client_settings

    async def open_session(self, target: ApiTarget) -> tuple[ApiTarget, ApiSession]:
        """``target`` resolved (its token, its profile's settings) and the API session
        to call it with: the one path every window feature takes to the API."""
        resolved, settings = await self.resolve(target)
        return resolved, self._pool.session(settings)

    # ------------------------------------------------------------------ launching

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    @async_slot(object)
    async def launch(self, launch: Launch, send_anyway: bool = False) -> None:
        """Send ``launch`` (ENTER) once every gate let it go; calling it returns the task."""
        import asyncio
        if self.busy:
            log.info("a launch is already running; ignoring another one")
            return
        self._task = asyncio.current_task()
        self._attempts = []
        self.busy_changed.emit(True)
        try:
            for gate in self._gates:
                if not await gate(launch, send_anyway):
                    self.launch_held.emit(launch)
                    return
            await self._send(launch)
        finally:
            self._task = None
            self.current = None
            self.busy_changed.emit(False)

    async def _send(self, launch: Launch) -> None:
        import asyncio
        self.current = launch
        self.launch_started.emit(launch)
        try:
            target, session = await self.open_session(launch.target)

            def on_attempt(attempt: Attempt) -> None:
                self._attempts.append(attempt)
                self.attempt_recorded.emit(AttemptEvent(launch, target, attempt))

            def on_sent(attempt: Attempt) -> None:
                self.attempt_sent.emit(AttemptEvent(launch, target, attempt))

            result = await session.client.enter(target, launch.request, uuid=launch.uuid, on_attempt=on_attempt,
                                                on_sent=on_sent)
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

    def cancel(self) -> bool:
        """Cancel the running launch (or its wait at a gate); False when none runs."""
        if self._task is None or self._task.done():
            return False
        self._task.cancel()
        return True

    async def aclose(self) -> None:
        """Cancel any launch, wait for it, and close every HTTP client."""
        import asyncio
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await self._pool.aclose()
