"""Running expanded cases against one target: at most ``concurrency`` cases at once,
requests started at most ``rate`` per second, every case with its own fresh uuid4
(and a fresh session ID for ``session_id = "auto"``), retries as the client settings
say, every attempt recorded in history tagged with the run.

Results never depend on order: no case reads another's state, and
:attr:`SuiteRun.results` is in expansion order whatever order cases finished in.

Qt-free. Game checks are done by an injected :data:`GameChecker` (the QtWebEngine
one lives in ``console_app.webengine.suite_checker``); without one, expectations
about the game fail with a line saying no checker ran.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid as _uuid
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from console_app.core.error_dictionary import ErrorDictionary, bundled
from console_app.core.errors import ApiError, ConsoleError
from console_app.core.models import ApiTarget, Attempt, ClientSettings, LaunchRequest, LaunchResult, new_uuid
from console_app.core.redaction import Secret, redact
from console_app.core.session import ApiSession, api_session
from console_app.core.suite.expect import failed_expectations
from console_app.core.suite.loader import AUTO
from console_app.core.suite.model import Answer, Case, CaseResult, GameCheck, Suite
from console_app.core.validation import check_uuid, validate

log = logging.getLogger("console_app.core.suite")

#: Requests per second against a production profile unless ``rate`` says otherwise.
PRODUCTION_RATE = 1.0


class GameChecker(Protocol):
    """Opens ``url`` (the real game URL, player token included) as ``case`` says
    (device) and reports what the page did. Must not raise for page trouble."""

    def __call__(self, url: str, case: Case) -> Awaitable[GameCheck]: ...


#: ``record(attempt, target, request, run_tag, launch_id)`` stores one attempt and
#: returns its history id (None when it was not stored).
Recorder = Callable[[Attempt, ApiTarget, LaunchRequest, str, str], "int | None"]


@dataclass(frozen=True)
class _ShapedRequest(LaunchRequest):
    """A request whose body is changed after it is built: paths left out or set to
    any JSON value (missing fields and wrong types are the point of some cases)."""

    omit: tuple[str, ...] = ()
    override: tuple[tuple[str, Any], ...] = ()

    def body(self, uuid: str) -> dict[str, Any]:
        body = super().body(uuid)
        for path in self.omit:
            parent, key = _walk(body, path)
            if parent is not None:
                parent.pop(key, None)
        for path, value in self.override:
            parent, key = _walk(body, path, create=True)
            if parent is not None:
                parent[key] = value
        return body


def _walk(body: dict[str, Any], path: str, create: bool = False) -> tuple[dict[str, Any] | None, str]:
    *parents, key = path.split(".")
    node: Any = body
    for part in parents:
        if not isinstance(node, dict):
            return None, key
        if part not in node and create:
            node[part] = {}
        node = node.get(part)
    return (node, key) if isinstance(node, dict) else (None, key)


class _HistoryWriter:
    """Stores attempts on one worker thread, in order, so SQLite (~8 ms per entry
    with its search index) never holds up the requests on the event loop."""

    def __init__(self, recorder: Recorder | None) -> None:
        self._recorder = recorder
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="suite-history") if recorder else None
        self._pending: list[asyncio.Future[int | None]] = []

    def write(self, ids: list[int], *args: Any) -> None:
        """Queue one attempt; its history id is added to ``ids`` once stored."""
        if self._executor is None or self._recorder is None:
            return
        future = asyncio.get_running_loop().run_in_executor(self._executor, self._recorder, *args)

        def done(f: asyncio.Future[int | None]) -> None:
            entry_id = None if f.cancelled() or f.exception() is not None else f.result()
            if entry_id is not None:
                ids.append(entry_id)
                ids.sort()

        future.add_done_callback(done)
        self._pending.append(future)

    async def close(self) -> None:
        """Wait for every queued write, then stop the thread."""
        if self._executor is None:
            return
        await asyncio.gather(*self._pending, return_exceptions=True)
        self._executor.shutdown()


class _Pace:
    """Starts at most ``rate`` requests per second (evenly spaced); None: no limit."""

    def __init__(self, rate: float | None) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        if not self._interval:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next)
        self._next = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)


@dataclass
class SuiteRun:
    """One run of a suite (or of one shard of it): where, when, and every result."""

    suite: str
    run_id: str
    target: dict[str, str]
    started_at: float
    results: list[CaseResult] = field(default_factory=list)
    finished_at: float | None = None
    shard: str | None = None
    cancelled: bool = False

    @property
    def passed(self) -> int:
        return sum(1 for result in self.results if result.passed)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def ok(self) -> bool:
        return not self.cancelled and all(result.passed for result in self.results)


def new_run_id() -> str:
    """The tag shared by a run's history entries (``suite:<12 hex digits>``)."""
    return f"suite:{_uuid.uuid4().hex[:12]}"


class SuiteRunner:
    """Runs cases against ``target`` with ``settings`` (retries, timeouts, TLS).

    ``on_result`` sees each :class:`CaseResult` as soon as its case ends (a panel
    turns rows green/red live; the CLI prints a line). ``recorder`` stores attempts
    in history (see :func:`history_recorder`) on a worker thread: a result's
    ``history_ids`` are complete when :meth:`run` returns."""

    def __init__(
        self,
        target: ApiTarget,
        settings: ClientSettings | None = None,
        *,
        concurrency: int = 4,
        rate: float | None = None,
        checker: GameChecker | None = None,
        recorder: Recorder | None = None,
        on_result: Callable[[CaseResult], None] | None = None,
        dictionary: ErrorDictionary | None = None,
        run_id: str | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be 1 or more")
        self.target = target
        self.settings = settings or ClientSettings()
        self.concurrency = concurrency
        if rate is None and target.profile_kind == "production":
            rate = PRODUCTION_RATE
        self.rate = rate
        self.checker = checker
        self.recorder = recorder
        self.on_result = on_result
        self.dictionary = dictionary or bundled()
        self.run_id = run_id or new_run_id()
        #: The run in progress (or the last one): after a cancel it holds what finished.
        self.current: SuiteRun | None = None

    async def run(self, suite: Suite | Sequence[Case], *, name: str | None = None,
                  shard: str | None = None, checker: GameChecker | None = None) -> SuiteRun:
        """Run every case; cancelling the task cancels the cases in flight (then
        :attr:`current` keeps what finished, marked ``cancelled``). ``checker``
        replaces the one given at construction for this run."""
        if checker is not None:
            self.checker = checker
        cases = list(suite.cases) if isinstance(suite, Suite) else list(suite)
        run = SuiteRun(
            suite=name or (suite.name if isinstance(suite, Suite) else "suite"),
            run_id=self.run_id,
            target={"api_url": redact(self.target.api_url), "profile": self.target.profile_name,
                    "kind": self.target.profile_kind, "partner_id": redact(self.target.partner_id)},
            started_at=time.time(),
            shard=shard,
        )
        self.current = run
        gate = asyncio.Semaphore(self.concurrency)
        pace = _Pace(self.rate)
        slots: list[CaseResult | None] = [None] * len(cases)
        writer = _HistoryWriter(self.recorder)

        async with api_session(self.settings) as session:
            async def one(index: int, case: Case) -> None:
                async with gate:
                    result = await self._run_case(session, pace, writer, case)
                slots[index] = result
                if self.on_result is not None:
                    self.on_result(result)

            tasks = [asyncio.ensure_future(one(i, case)) for i, case in enumerate(cases)]
            try:
                await asyncio.gather(*tasks)
            except asyncio.CancelledError:
                run.cancelled = True
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise
            finally:
                await writer.close()  # history ids are complete once run() returns
                run.results = [result for result in slots if result is not None]
                run.finished_at = time.time()
        return run

    # ------------------------------------------------------------------ one case

    async def _run_case(self, session: ApiSession, pace: _Pace, writer: _HistoryWriter, case: Case) -> CaseResult:
        started = time.monotonic()
        request = _request_for(case)
        target = _target_for(self.target, case)
        findings = [f"{p.severity}: {p.field}: {p.message}"
                    for p in validate(request) + check_uuid(case.uuid)]
        history_ids: list[int] = []

        async def send(uuid: str | None) -> tuple[Answer, LaunchResult | None]:
            launch_id = str(_uuid.uuid4())  # the attempts of one request share it

            def record(attempt: Attempt) -> None:
                writer.write(history_ids, attempt, target, request, self.run_id, launch_id)

            await pace.wait()
            return await self._enter(session, target, request, uuid, record)

        game: GameCheck | None = None
        observed = ""
        if case.send == "same_uuid_twice":
            uuid = case.uuid or new_uuid()
            first, _ = await send(uuid)
            second, _ = await send(uuid)
            answers = [first, second]
            observed = f"first {_brief(first)}; same uuid again: {_brief(second)}"
        elif case.send == "two_at_once":
            pair = await asyncio.gather(send(case.uuid), send(None))
            answers = [answer for answer, _ in pair]
            successes = sum(answer.outcome == "success" for answer in answers)
            observed = {2: "both launches succeeded", 1: "one launch succeeded, one was refused",
                        0: "both launches were refused"}[successes] + \
                f" ({_brief(answers[0])} / {_brief(answers[1])})"
        else:
            answer, result = await send(case.uuid)
            answers = [answer]
            if result is not None and case.send == "reopen":
                observed = await _reopen(session, result.game_url.reveal(), case.reopen_after)
            if result is not None and case.expect.checks_game and self.checker is not None:
                game = await self.checker(result.game_url.reveal(), case)
        failures: list[str] = []
        for answer in answers if case.send == "two_at_once" else answers[-1:]:
            failures += [f for f in failed_expectations(case.expect, answer, findings, game) if f not in failures]
        if case.send == "reopen" and observed.startswith("blank"):
            failures.append(f"the reopened game URL gave {observed}, not a page saying what happened")
        return CaseResult(
            name=case.name,
            group=case.group,
            passed=not failures,
            answers=answers,
            expect=case.expect.to_dict(),
            failures=failures,
            validation=findings,
            game=game,
            observed=observed,
            values=dict(case.values),
            # As sent, but each attempt had its own uuid (history has them).
            request=request.body(case.uuid or "<fresh uuid4>"),
            history_ids=history_ids,
            duration_ms=(time.monotonic() - started) * 1000,
            index=case.index,
        )

    async def _enter(self, session: ApiSession, target: ApiTarget, request: LaunchRequest,
                     uuid: str | None, record: Callable[[Attempt], None]) -> tuple[Answer, LaunchResult | None]:
        try:
            result = await session.client.enter(target, request, uuid=uuid, on_attempt=record)
        except ConsoleError as error:
            return self._answer_for_error(error), None
        return Answer(
            outcome="success", http_status=result.http_status, uuid=result.uuid,
            attempts=len(result.attempts), duration_ms=result.duration_ms,
            game_url=result.redacted_url,
        ), result

    def _answer_for_error(self, error: ConsoleError) -> Answer:
        attempts = error.attempts
        last_uuid = attempts[-1].uuid if attempts else ""
        duration = sum(a.duration_ms for a in attempts)
        if isinstance(error, ApiError):
            return Answer(
                outcome="api_error", http_status=error.http_status, code=error.code,
                message=error.api_message, category=error.category,
                known_code=None if not error.code else self.dictionary.lookup("session", error.code) is not None,
                uuid=last_uuid, attempts=len(attempts), duration_ms=duration, detail=str(error),
            )
        return Answer(outcome="transport", http_status=getattr(error, "http_status", None),
                      uuid=last_uuid, attempts=len(attempts), duration_ms=duration,
                      detail=f"{type(error).__name__}: {error}")


def _request_for(case: Case) -> LaunchRequest:
    request = case.request
    if request.session_id == AUTO:
        request = replace(request, session_id=f"suite-{_uuid.uuid4().hex[:12]}")
    if case.omit or case.override:
        return _ShapedRequest(**request.__dict__, omit=case.omit, override=case.override)
    return request


def _target_for(target: ApiTarget, case: Case) -> ApiTarget:
    if case.wrong_credentials == "partner_id":
        return replace(target, partner_id=f"{target.partner_id}-not-ours")
    if case.wrong_credentials == "token":
        return replace(target, token=Secret(f"wrong-{_uuid.uuid4().hex}"))
    return target


def _brief(answer: Answer) -> str:
    if answer.outcome == "success":
        return "success"
    return " ".join(str(part) for part in (answer.outcome, answer.http_status, answer.code) if part)


async def _reopen(session: ApiSession, url: str, wait: float) -> str:
    """Open the game URL (using it), wait, open it again; say what the second gave."""
    await session.fetch_page(url)
    if wait:
        await asyncio.sleep(wait)
    page = await session.fetch_page(url)
    if page.status is None:
        return f"blank: {page.problem}"
    if page.size == 0:
        return f"blank: HTTP {page.status} with an empty body"
    title = f" {page.title!r}" if page.title else ""
    return f"reopened{' after ' + format(wait, 'g') + ' s' if wait else ''}: HTTP {page.status}{title}"


def history_recorder(store: Any) -> Recorder:
    """A :data:`Recorder` over a :class:`~console_app.core.history.HistoryStore`,
    tagging every entry with the run; a history failure is logged, never raised."""
    from console_app.core.errors import HistoryError

    def record(attempt: Attempt, target: ApiTarget, request: LaunchRequest, tag: str,
               launch_id: str) -> int | None:
        try:
            entry_id: int | None = store.record_attempt(attempt, target=target, request=request,
                                                        launch_id=launch_id, tag=tag)
            return entry_id
        except HistoryError as exc:
            log.warning("suite attempt not recorded in history: %s", exc)
            return None

    return record
