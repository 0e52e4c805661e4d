"""Helpers for drivers that run a Qt event loop under qasync: a tick recorder,
awaiting signals and conditions, and process memory."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer

TICK_MS = 5


class TickRecorder(QObject):
    """A 5 ms precise QTimer; ``max_gap_ms()`` is the longest time between two ticks
    (or between start/stop and the nearest tick): how long the GUI thread was blocked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.ticks: list[float] = []

    def start(self) -> None:
        self.ticks = [time.perf_counter()]
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.ticks.append(time.perf_counter())

    def _on_timer_timeout(self) -> None:
        self.ticks.append(time.perf_counter())

    def gaps_ms(self) -> list[float]:
        return [(b - a) * 1000 for a, b in zip(self.ticks, self.ticks[1:], strict=False)]

    def max_gap_ms(self) -> float:
        gaps = self.gaps_ms()
        return max(gaps) if gaps else 0.0


def signal_future(signal: Any) -> asyncio.Future:
    """A future set (to the signal's arguments) by the next emission of ``signal``;
    the connection is removed once it fired."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def slot(*args: Any) -> None:
        if not future.done():
            future.set_result(args)

    signal.connect(slot)
    future.add_done_callback(lambda _f: _disconnect(signal, slot))
    return future


def _disconnect(signal: Any, slot: Callable[..., None]) -> None:
    try:
        signal.disconnect(slot)
    except (RuntimeError, TypeError):  # already gone with its sender
        pass


async def until(condition: Callable[[], bool], *, timeout: float = 30.0, poll: float = 0.001) -> None:
    """Wait (on the event loop) until ``condition()`` is true; TimeoutError after ``timeout``."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        await asyncio.sleep(poll)


async def zero_tick() -> None:
    """One trip through Qt's event queue (a 0 ms QTimer)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()
    QTimer.singleShot(0, lambda: future.done() or future.set_result(None))
    await future


def memory_mb() -> dict[str, float]:
    """RSS of this process, and PSS of this process plus every child (QtWebEngineProcess
    and its renderers), in MB."""
    import psutil

    me = psutil.Process()
    rss = me.memory_info().rss
    pss = 0
    processes = 0
    for proc in [me, *me.children(recursive=True)]:
        try:
            pss += proc.memory_full_info().pss
            processes += 1
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return {"rss_mb": rss / 2**20, "pss_total_mb": pss / 2**20, "processes": processes}
