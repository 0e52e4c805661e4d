"""The client's ``on_attempt`` callback that stores the attempts of one launch."""

from __future__ import annotations

import logging
import uuid as _uuid
from collections.abc import Callable

from console_app.core.errors import HistoryError
from console_app.core.history.store import HistoryStore
from console_app.core.models import ApiTarget, Attempt, LaunchRequest

log = logging.getLogger("console_app.core.history")


def recorder(
    store: HistoryStore,
    target: ApiTarget,
    request: LaunchRequest | None,
    *,
    endpoint: str = "session",
    replay_of: int | None = None,
    launch_id: str | None = None,
    on_error: Callable[[HistoryError], None] | None = None,
) -> Callable[[Attempt], None]:
    """An ``on_attempt`` callback for the client that stores each attempt of ONE
    launch (they share ``launch_id``, a new one by default). A history failure never
    breaks the launch: it goes to ``on_error`` (default: logged as a warning) and
    nothing more is tried for this launch, so the user hears of it once. An attempt
    recorded ``unanswered`` (as its request went out) is replaced by its answer. The
    callback's ``launch_id`` attribute is the id its attempts share (for
    :meth:`HistoryStore.attempts_of`)."""
    launch_id = launch_id or str(_uuid.uuid4())
    failed = False
    #: Attempt number -> id of its entry kept as ``unanswered`` (its answer replaces it).
    unanswered: dict[int, int] = {}

    def record(attempt: Attempt) -> None:
        nonlocal failed
        if failed:
            return
        try:
            entry_id = store.record_attempt(attempt, target=target, request=request, endpoint=endpoint,
                                            launch_id=launch_id, replay_of=replay_of,
                                            replaces=unanswered.pop(attempt.number, None))
            if attempt.outcome == "unanswered":
                unanswered[attempt.number] = entry_id
        except HistoryError as exc:
            failed = True
            if on_error is not None:
                on_error(exc)
            else:
                log.warning("attempt %s not recorded in history: %s", attempt.number, exc)

    record.launch_id = launch_id  # type: ignore[attr-defined]
    return record
