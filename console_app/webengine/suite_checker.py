"""The game checker of launch suites: opens each case's game URL in QtWebEngine and
reports whether it loaded, its title, how long it took, its console errors and a
thumbnail (:class:`~console_app.core.suite.GameCheck`).

The rules of the game view apply (see :mod:`console_app.webengine.game_view`): a
fresh off-the-record profile and a fresh page per case (never reused: memory stays
flat), only http/https loaded, popups refused, certificate errors fail closed.
At most ``size`` pages are alive at once (the suite's ``--concurrency``).

:func:`run_with_checker` runs a coroutine on a qasync loop with a checker; the core
runner only sees the checker as an async callable, so it stays Qt-free.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWebEngineCore import QWebEngineCertificateError, QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView

from console_app.core.redaction import redact
from console_app.core.suite.model import DEVICES, Case, GameCheck
from console_app.webengine.page import GamePage

log = logging.getLogger("console_app.webengine.suite")

T = TypeVar("T")
#: Width of the thumbnails in the HTML report, in pixels.
THUMBNAIL_WIDTH = 320
#: After ``loadFinished``, how long to wait at most for the page to paint and settle.
SETTLE_S = 8.0
#: Colours a small copy of the page must show to count as drawn (a blank or black
#: page has one or two).
DRAWN_COLOURS = 8
#: Consecutive equal grabs (200 ms apart) after which a drawn page counts as settled.
STILL_GRABS = 3


class _CheckPage(GamePage):
    """A game page that also keeps its JavaScript console errors (redacted)."""

    def __init__(self, profile: QWebEngineProfile) -> None:
        super().__init__(profile, lambda: None)  # popups are refused: a check opens one page
        self.console_errors: list[str] = []

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str,
                                 line: int, source: str) -> None:
        super().javaScriptConsoleMessage(level, message, line, source)
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.console_errors.append(redact(f"{message} ({source}:{line})")[:500])


class PageChecker:
    """A :data:`~console_app.core.suite.GameChecker` over at most ``size`` live pages."""

    def __init__(self, size: int = 4, *, timeout: float = 30.0) -> None:
        self._gate = asyncio.Semaphore(size)
        self._timeout = timeout
    async def __call__(self, url: str, case: Case) -> GameCheck:
        async with self._gate:
            return await self._check(url, case)

    async def _check(self, url: str, case: Case) -> GameCheck:
        from console_app.webengine import refusal_reason

        reason = refusal_reason(url)
        if reason is not None:
            return GameCheck(loaded=False, problem=f"not opened: {reason}")
        width, height, agent_suffix = DEVICES.get(case.device, DEVICES["desktop"])
        profile = QWebEngineProfile()  # no storage name: off-the-record, this case only
        if agent_suffix:
            profile.setHttpUserAgent(profile.httpUserAgent() + agent_suffix)
        page = _CheckPage(profile)
        view = QWebEngineView()
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        view.setPage(page)
        view.resize(width, height)
        view.show()
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[bool] = loop.create_future()
        certificate: list[str] = []

        def on_certificate_error(error: QWebEngineCertificateError) -> None:
            error.rejectCertificate()  # fail closed, as the game view does
            certificate.append(f"certificate of {error.url().host()} rejected: {error.description()}")

        def on_load_finished(ok: bool) -> None:
            if not finished.done():
                finished.set_result(ok)

        page.certificateError.connect(on_certificate_error)
        page.loadFinished.connect(on_load_finished)
        started = time.monotonic()
        try:
            page.load(QUrl(url))
            try:
                ok = await asyncio.wait_for(finished, self._timeout)
            except TimeoutError:
                return GameCheck(loaded=False, title=redact(page.title()), console_errors=page.console_errors,
                                 problem=f"the page did not finish loading within {self._timeout:g} s")
            load_s = time.monotonic() - started
            if not ok:
                problem = certificate[0] if certificate else "the page failed to load"
                return GameCheck(loaded=False, load_s=None, console_errors=page.console_errors, problem=problem)
            settle = min(SETTLE_S, max(1.0, self._timeout - load_s))
            image, drawn = await _settled_frame(view, settle)
            return GameCheck(
                loaded=drawn, title=redact(page.title()), load_s=load_s,
                console_errors=list(page.console_errors), thumbnail_jpeg_b64=_thumbnail(image),
                problem="" if drawn else f"the page loaded but drew nothing within {settle:g} s",
            )
        finally:
            # Python owns these three: deleted now, in this order (view, page, then
            # profile; Qt warns and may crash when a profile dies before its page).
            view.setPage(None)  # type: ignore[arg-type]  # detaches the page; PySide6's stub omits None
            view.close()
            page.stop_diagnostics()
            # Deleted here, on the GUI thread: the page and its diagnostics refer to each
            # other, so leaving them to Python's cycle collector deleted them whenever it
            # ran, on whichever thread (a worker writing history): Qt then crashed.
            for qt_object in (view, page, profile):
                shiboken6.delete(qt_object)


async def _settled_frame(view: QWebEngineView, seconds: float) -> tuple[QImage, bool]:
    """The page's picture once it is drawn and still (:data:`STILL_GRABS` grabs 200 ms
    apart agree: a game fetching its symbols holds a half-drawn frame for a moment),
    or the last one after ``seconds``; and whether it was ever drawn at all.

    Chromium paints a moment after ``loadFinished`` and games draw their reels in
    script, so a grab at ``loadFinished`` is often black: "drawn" means at least
    :data:`DRAWN_COLOURS` colours in a small copy, and an animated game that never
    holds still is taken as it is when time runs out."""
    deadline = time.monotonic() + seconds
    previous = None
    still = 0
    image = view.grab().toImage()
    drawn = False
    while time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        image = view.grab().toImage()
        sample = image.scaled(64, 40)
        colours = {sample.pixel(x, y) for y in range(sample.height()) for x in range(sample.width())}
        drawn = drawn or len(colours) >= DRAWN_COLOURS
        still = still + 1 if drawn and sample == previous else 0
        if still >= STILL_GRABS:
            break
        previous = sample
    return image, drawn


def _thumbnail(image: QImage) -> str | None:
    """``image`` as a small JPEG, base64."""
    small = image.scaledToWidth(THUMBNAIL_WIDTH, Qt.TransformationMode.SmoothTransformation)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # JPEG: a quarter of a PNG's size, so a 50-game report stays around a megabyte.
    # PySide6's stub wants bytes for the format; the binding takes only str (6.12).
    if not small.save(buffer, "JPG", 80):  # type: ignore[call-overload]
        return None
    return base64.b64encode(bytes(data.data())).decode("ascii")


def run_with_checker[T](main: Callable[[PageChecker], Awaitable[T]], *, size: int, timeout: float = 30.0) -> T:
    """Run ``main(checker)`` to completion on a qasync loop over a QApplication
    (create the environment first: the caller applies the Qt plan, as the window does)."""
    import qasync
    from PySide6.QtWidgets import QApplication

    from console_app.qtenv import route_qt_messages

    if QApplication.instance() is None:
        route_qt_messages()
    app = QApplication.instance() or QApplication(["lm-console-suite"])
    assert isinstance(app, QApplication)  # not a bare QCoreApplication: the views need widgets
    # Each check's view is a top-level widget: closing the last one must not quit Qt.
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            result: T = loop.run_until_complete(main(PageChecker(size, timeout=timeout)))
            return result
    finally:
        asyncio.set_event_loop(None)
