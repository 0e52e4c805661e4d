"""The offscreen web-view probe behind ``lm-console --self-check``.

It answers one question: can this installation (source tree or frozen bundle) start
QtWebEngine and render a page? It opens a :class:`QWebEngineView` on a throw-away
off-the-record profile, loads one URL and waits for the load to finish, with a deadline.
Nothing is shown on screen: the caller runs Qt on the ``offscreen`` platform.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWebEngineCore import QWebEngineLoadingInfo

@dataclass(frozen=True)
class EngineVersions:
    """Versions of the Qt stack this process loaded."""

    qt: str
    pyside: str
    webengine: str
    chromium: str
    chromium_security_patch: str


@dataclass(frozen=True)
class ProbeResult:
    """What happened to one probe load; ``problem`` is empty when it worked."""

    loaded: bool
    title: str
    seconds: float
    problem: str = ""


def engine_versions() -> EngineVersions:
    """The Qt, PySide6, QtWebEngine and Chromium versions (imports QtWebEngine)."""
    import PySide6
    from PySide6.QtCore import qVersion
    from PySide6.QtWebEngineCore import (
        qWebEngineChromiumSecurityPatchVersion,
        qWebEngineChromiumVersion,
        qWebEngineVersion,
    )

    return EngineVersions(
        qt=qVersion(),
        pyside=PySide6.__version__,
        # PySide6's stubs say bytes; these return str (checked with 6.12).
        webengine=qWebEngineVersion(),  # type: ignore[arg-type]
        chromium=qWebEngineChromiumVersion(),  # type: ignore[arg-type]
        chromium_security_patch=qWebEngineChromiumSecurityPatchVersion(),  # type: ignore[arg-type]
    )


def probe_page_load(url: str, *, timeout: float = 30.0) -> ProbeResult:
    """Load ``url`` in an offscreen web view and report whether it loaded with a title.

    Creates the QApplication if there is none (the caller sets the platform). The
    view, page and profile are deleted before returning, so no Chromium renderer
    outlives the probe.
    """
    # QtWebEngine must be imported, and contexts shared, before the QApplication exists.
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, Qt, QTimer, QUrl
    from PySide6.QtWebEngineCore import QWebEngineLoadingInfo, QWebEnginePage, QWebEngineProfile
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        from console_app.qtenv import route_qt_messages

        route_qt_messages()
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        # Only argv[0]: Chromium reads switches from the application's arguments.
        app = QApplication(sys.argv[:1])

    profile = QWebEngineProfile()  # no storage name: off the record, nothing on disk
    view = QWebEngineView()
    view.setObjectName("selfCheckProbeView")
    view.setAccessibleName("Self-check web view")
    page = QWebEnginePage(profile, view)
    view.setPage(page)
    view.resize(800, 600)
    view.show()

    outcome: dict[str, object] = {}
    loop = QEventLoop()

    def _on_page_loading_changed(info: QWebEngineLoadingInfo) -> None:
        status = info.status()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus:
            return
        if status == QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus:
            outcome.setdefault("ok", True)
        else:
            outcome.setdefault("failed", _load_error(info))
        loop.quit()

    def _on_page_render_process_terminated(status: object, exit_code: int) -> None:
        # A normal exit is Chromium swapping the initial blank page's renderer away.
        if status == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            return
        outcome.setdefault("crash", f"the web renderer stopped ({status}, exit code {exit_code})")
        loop.quit()

    def _on_deadline_timeout() -> None:
        outcome.setdefault("timeout", True)
        loop.quit()

    page.loadingChanged.connect(_on_page_loading_changed)
    page.renderProcessTerminated.connect(_on_page_render_process_terminated)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(_on_deadline_timeout)

    started = time.perf_counter()
    deadline.start(int(timeout * 1000))
    page.load(QUrl(url))
    loop.exec()
    seconds = time.perf_counter() - started
    deadline.stop()
    title = page.title()
    page_url = page.url().toString()

    # The page must go before its profile, else Qt warns and may crash on exit.
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    profile.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    if "crash" in outcome:
        return ProbeResult(False, "", seconds, str(outcome["crash"]))
    if "failed" in outcome:
        return ProbeResult(False, "", seconds, f"the page failed to load: {outcome['failed']}")
    if "ok" not in outcome:
        return ProbeResult(False, "", seconds, f"the page did not finish loading within {timeout:g} s")
    # Without a <title>, Chromium shows (part of) the URL as the title.
    if not title or title in page_url:
        return ProbeResult(False, "", seconds, "the page loaded but has no title")
    return ProbeResult(True, title, seconds)


def _load_error(info: QWebEngineLoadingInfo) -> str:
    """One line for a failed load (Chromium's HTTP error text is an HTML template)."""
    from PySide6.QtWebEngineCore import QWebEngineLoadingInfo

    if info.errorDomain() == QWebEngineLoadingInfo.ErrorDomain.HttpStatusCodeDomain:
        return f"HTTP status {info.errorCode()}"
    reason = info.errorString() or info.status().name
    return f"{reason} (code {info.errorCode()})"


def engine_files() -> dict[str, str]:
    """Where Qt will look for QtWebEngine's helper process and resources.

    Qt aborts the whole process when one of these is missing, so the self-check looks
    for them first (a frozen bundle that lost them fails with a reason, not a crash).
    """
    from PySide6.QtCore import QLibraryInfo

    def library_path(kind: QLibraryInfo.LibraryPath) -> str:
        return QLibraryInfo.path(kind)

    helper = os.environ.get("QTWEBENGINEPROCESS_PATH")
    if not helper:
        if sys.platform == "darwin":
            helper = os.path.join(
                library_path(QLibraryInfo.LibraryPath.LibrariesPath),
                "QtWebEngineCore.framework/Helpers/QtWebEngineProcess.app/Contents/MacOS/QtWebEngineProcess",
            )
        else:
            name = "QtWebEngineProcess.exe" if sys.platform == "win32" else "QtWebEngineProcess"
            helper = os.path.join(library_path(QLibraryInfo.LibraryPath.LibraryExecutablesPath), name)
    resources = os.environ.get("QTWEBENGINE_RESOURCES_PATH")
    if not resources and sys.platform == "darwin":
        resources = os.path.join(
            library_path(QLibraryInfo.LibraryPath.LibrariesPath), "QtWebEngineCore.framework/Resources"
        )
    elif not resources:
        resources = os.path.join(library_path(QLibraryInfo.LibraryPath.DataPath), "resources")
    return {
        "helper process": helper,
        "resources": os.path.join(resources, "qtwebengine_resources.pak"),
        "ICU data": os.path.join(resources, "icudtl.dat"),
    }
