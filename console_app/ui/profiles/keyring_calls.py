"""Keyring calls off the GUI thread, for the Profiles dialog.

A keyring call can block (a locked keyring waits for an unlock prompt), so each runs
on ``QThreadPool`` and reports back on the GUI thread through queued signals. An
answer that arrives after its owner (the dialog) was deleted is dropped: it would
touch dead widgets inside the Qt event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, Signal

from console_app.core.errors import ConsoleError
from console_app.core.redaction import redact

log = logging.getLogger("console_app.ui.profiles.dialog")


class _Relay(QObject):
    """Carries a worker's outcome back to the GUI thread (queued signals)."""

    succeeded = Signal(object)
    failed = Signal(object)


class KeyringCalls(QObject):
    """Runs ``work`` off the GUI thread for ``owner`` (deleted with it).

    Signals: ``busy_changed(bool)`` when the first call starts and the last one ends;
    ``failed(str)`` with the line to show when a call raised."""

    busy_changed = Signal(bool)
    failed = Signal(str)

    def __init__(self, owner: QObject) -> None:
        super().__init__(owner)
        self._relays: set[_Relay] = set()
        self.busy = 0

    def run(self, work: Callable[[], Any], on_success: Callable[[Any], None]) -> None:
        """Run ``work`` on the thread pool; ``on_success(result)`` runs on the GUI thread."""
        relay = _Relay()
        self._relays.add(relay)

        def finish() -> bool:
            self._relays.discard(relay)
            if not shiboken6.isValid(self):  # the dialog went away while the keyring answered
                return False
            self._set_busy(-1)
            return True

        def succeeded(result: Any) -> None:
            if finish():
                on_success(result)

        def failed(error: BaseException) -> None:
            if not finish():
                log.warning("keyring call failed after the Profiles dialog closed: %s", redact(str(error)))
            elif isinstance(error, ConsoleError):
                self.failed.emit(str(error))
            else:
                log.error("keyring call failed", exc_info=error)
                self.failed.emit(f"unexpected {type(error).__name__}: {error}")

        relay.succeeded.connect(succeeded)
        relay.failed.connect(failed)

        def run() -> None:
            try:
                result = work()
            except BaseException as error:  # handed to the GUI thread
                relay.failed.emit(error)
            else:
                relay.succeeded.emit(result)

        self._set_busy(+1)
        QThreadPool.globalInstance().start(run)

    def _set_busy(self, delta: int) -> None:
        was_busy = bool(self.busy)
        self.busy += delta
        if bool(self.busy) != was_busy:
            self.busy_changed.emit(bool(self.busy))
