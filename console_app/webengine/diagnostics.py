"""Collects a game page's diagnostics (:class:`console_app.core.diagnostics.Diagnostics`).

What Qt tells the page directly (console messages, main-frame load failures, the
renderer ending, certificate errors, refused navigations) is recorded as it comes.
What only the page knows is read from it in JavaScript, in Qt's application world
(isolated from the game's own scripts, which cannot see or tamper with it):

- a script injected at document creation listens, in the capture phase, to the
  ``error`` events of elements (a missing ``<img>``, ``<script>``, stylesheet), which
  never bubble to ``window`` otherwise;
- ``performance`` gives the navigation timing, the first contentful paint and, for
  every sub-resource, its HTTP status (``responseStatus``) — a request interceptor
  could not: it runs before the answer.

The page is read when it has loaded and then every :data:`POLL_MS` while its tab
lives, by one short ``runJavaScript`` (no work in the game's own world).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWebEngineCore import (
    QWebEngineCertificateError,
    QWebEngineLoadingInfo,
    QWebEnginePage,
    QWebEngineScript,
)

from console_app.core.diagnostics import Diagnostics, redact_url

log = logging.getLogger("console_app.webengine")

#: How often a loaded page is read again (late failures, e.g. an asset asked for on a spin).
POLL_MS = 1_000

_LEVELS = {
    QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: "info",
    QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: "warning",
    QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: "error",
}

_WORLD = QWebEngineScript.ScriptWorldId.ApplicationWorld

# Installed before the game's first script runs: element load errors, captured.
_LISTENER = """(function () {
  if (window.__lmDiagnostics) return;
  var d = window.__lmDiagnostics = {errors: []};
  window.addEventListener("error", function (event) {
    var t = event.target;
    if (t && t !== window && t.tagName && d.errors.length < 200)
      d.errors.push([t.tagName.toLowerCase(), t.currentSrc || t.src || t.href || ""]);
  }, true);
})();"""

# One read of the page: what the listener saw, the timings, the failed resources.
_READ = """(function () {
  var d = window.__lmDiagnostics || {errors: []};
  if (d.webgl === undefined) {
    try { var c = document.createElement("canvas");
          d.webgl = !!(c.getContext("webgl") || c.getContext("experimental-webgl")); }
    catch (e) { d.webgl = false; }
  }
  function status(url) {
    var e = performance.getEntriesByName(url, "resource")[0];
    return e && e.responseStatus ? e.responseStatus : 0;
  }
  var n = performance.getEntriesByType("navigation")[0], t = null;
  if (n) t = {dns: n.domainLookupEnd - n.domainLookupStart, connect: n.connectEnd - n.connectStart,
              tls: n.secureConnectionStart > 0 ? n.connectEnd - n.secureConnectionStart : 0,
              first_byte: n.responseStart, dom_content_loaded: n.domContentLoadedEventEnd,
              load: n.loadEventEnd};
  var paint = performance.getEntriesByName("first-contentful-paint")[0];
  // Wall-clock ms of the paint, to measure from the Launch click (taken in Python).
  var painted = paint ? performance.timeOrigin + paint.startTime : null;
  // The browser asks for /favicon.ico by itself: its 404 is not the game's failure.
  var failed = performance.getEntriesByType("resource")
    .filter(function (r) {
      return r.responseStatus >= 400
        && !(r.initiatorType === "other" && r.name.split(/[?#]/)[0].endsWith("/favicon.ico")); })
    .map(function (r) { return [r.initiatorType, r.name, r.responseStatus]; });
  d.errors.forEach(function (e) { failed.push([e[0], e[1], status(e[1])]); });
  return JSON.stringify({timings: t, fcp: paint ? paint.startTime : null, painted: painted, failed: failed,
                         webgl: d.webgl,
                         ua: navigator.userAgent, viewport: innerWidth + "\\u00d7" + innerHeight});
})()"""


def _listener_script() -> QWebEngineScript:
    script = QWebEngineScript()
    script.setName("lm-diagnostics")
    script.setSourceCode(_LISTENER)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(_WORLD)
    script.setRunsOnSubFrames(False)
    return script


class PageDiagnostics(QObject):
    """The diagnostics of one page, kept current; ``changed`` after every change."""

    changed = Signal()
    #: A read of the page (:meth:`read_page`) has come back, changed or not.
    page_read = Signal()

    def __init__(self, page: QWebEnginePage) -> None:
        super().__init__(page)
        self.page = page
        self.record = Diagnostics()
        # When the Launch that opened this page was clicked (epoch seconds), until
        # its first paint has been measured from it.
        self._launch_clicked_at: float | None = None
        page.scripts().insert(_listener_script())
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.read_page)
        page.loadingChanged.connect(self._on_loading_changed)
        page.loadFinished.connect(self._on_load_finished)
        page.renderProcessTerminated.connect(self._on_render_process_terminated)
        page.certificateError.connect(self._on_certificate_error)

    # ------------------------------------------------------------------ recording

    def add_console(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str, line: int,
                    source: str) -> None:
        self.record.add_console(_LEVELS.get(level, "info"), message, source, line)
        self.changed.emit()

    def add_event(self, kind: str, detail: str) -> None:
        self.record.add_event(kind, detail)
        self.changed.emit()

    def set_launch_clicked_at(self, epoch_s: float) -> None:
        """Measure the first frame from this Launch click (``time.time()`` when it was
        clicked): the page's clock is the wall clock too (``performance.timeOrigin``)."""
        self._launch_clicked_at = epoch_s

    def set_device(self, name: str) -> None:
        self.record.device = name
        self.changed.emit()

    def read_page(self) -> None:
        """Ask the page for its timings, failed resources and WebGL (answer arrives later)."""
        self.page.runJavaScript(_READ, _WORLD.value, self._on_read)

    def stop(self) -> None:
        self._timer.stop()

    # ------------------------------------------------------------------ slots

    def _on_read(self, answer: object) -> None:
        try:
            self._take(json.loads(answer) if isinstance(answer, str) else None)
        except ValueError:
            pass  # not our answer: the page is between documents
        self.page_read.emit()

    def _take(self, data: dict[str, Any] | None) -> None:
        if not isinstance(data, dict):
            return  # the page went away or is between documents
        record = self.record
        before = self._read_state()
        if data.get("timings"):
            record.timings = {k: round(float(v), 1) for k, v in data["timings"].items()}
        if data.get("fcp") is not None:
            record.first_paint_ms = round(float(data["fcp"]), 1)
        if data.get("painted") is not None and self._launch_clicked_at is not None:
            # The launch's first page only: a reload is not the launch's first frame.
            record.launch_to_first_frame_ms = round(float(data["painted"]) - self._launch_clicked_at * 1000, 1)
            self._launch_clicked_at = None
        for kind, url, status in data.get("failed") or []:
            record.add_failed_load(str(url), str(kind), status=int(status or 0),
                                   error="" if status else "did not load")
        record.webgl = bool(data.get("webgl"))
        record.user_agent = str(data.get("ua", ""))[:300]
        record.viewport = str(data.get("viewport", ""))
        # Read every second: only a change is news (History writes on each one).
        if self._read_state() != before:
            self.changed.emit()

    def _read_state(self) -> tuple[object, ...]:
        record = self.record
        return (dict(record.timings), record.first_paint_ms, record.launch_to_first_frame_ms,
                len(record.failed_loads), record.webgl,
                record.user_agent, record.viewport)

    def _on_loading_changed(self, info: QWebEngineLoadingInfo) -> None:
        status = info.status()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus:
            self.record.url = redact_url(info.url().toString())
            self.record.timings = {}
            self.record.first_paint_ms = None
            self.changed.emit()
            return
        if status != QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus:
            return
        domain = info.errorDomain()
        if domain == QWebEngineLoadingInfo.ErrorDomain.NoErrorDomain:
            return
        http = domain == QWebEngineLoadingInfo.ErrorDomain.HttpStatusCodeDomain
        self.record.add_failed_load(info.url().toString(), "main frame", status=info.errorCode() if http else 0,
                                    error="" if http else (info.errorString() or f"error {info.errorCode()}"))
        self.changed.emit()

    def _on_load_finished(self, ok: bool) -> None:
        self.read_page()
        self._timer.start()

    def _on_render_process_terminated(self, status: QWebEnginePage.RenderProcessTerminationStatus,
                                      exit_code: int) -> None:
        if status == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            return
        self._timer.stop()
        self.record.renderer_crashed = True
        self.add_event("renderer ended", f"{status.name}, exit code {exit_code}")

    def _on_certificate_error(self, error: QWebEngineCertificateError) -> None:
        self.add_event("certificate error", f"{error.url().host()}: {error.description()}")
