"""``async_slot``: :func:`qasync.asyncSlot`, with qasync and asyncio imported at the
first call instead of when the module defining the slot is imported.

The window paints before the asyncio loop exists (:func:`console_app.app.run_window`
starts it after the first paint: importing asyncio and qasync is ~30 ms that the
first paint need not wait for). Every module the first paint imports therefore
declares its async slots with this decorator and imports asyncio inside the
coroutines that use it. The slot itself is qasync's, unchanged: it is built on the
first call (by then the loop runs) and called from then on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Slot


def async_slot(*types: type) -> Callable[[Callable[..., Coroutine[Any, Any, Any]]], Callable[..., Any]]:
    """Decorate a coroutine function as a Qt slot run as an asyncio task (see module doc)."""

    def decorate(function: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
        real: Callable[..., Any] | None = None

        @Slot(*types)
        @functools.wraps(function)
        def slot(*args: Any, **kwargs: Any) -> Any:
            nonlocal real
            if real is None:
                from qasync import asyncSlot

                real = asyncSlot(*types)(function)
            return real(*args, **kwargs)

        return slot

    return decorate


__all__ = ["async_slot"]
