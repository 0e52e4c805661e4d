"""The sandbox's demo game in real QtWebEngine: at every device size (and in a 300 px
tall view) the reels, SPIN and the bet row never overlap and stay inside the view, in
left-to-right and right-to-left languages; the ``page_errors`` fault makes the page
misbehave as a broken game would."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView

from console_app.sandbox.faults import Fault
from tests.unit.sandbox.helpers import launch

LOAD_TIMEOUT_MS = 30_000
#: CSS viewports: the device presets, a laptop, and the squeezed 300 px tall views.
SIZES = [
    (390, 844),   # phone portrait
    (844, 390),   # phone landscape
    (820, 1180),  # tablet
    (1280, 800),  # desktop
    (1366, 768),
    (1280, 300),
    (800, 300),
    (600, 300),
]
#: Parts that must each stay whole, visible and apart.
PARTS = {"reels": ".cabinet", "spin": "#spin", "bet row": ".bet", "balance": ".balance", "win": ".win",
         "demo badge": ".demo"}

_MEASURE = f"""(function () {{
  function box(selector) {{
    var r = document.querySelector(selector).getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  }}
  var parts = {json.dumps(PARTS)}, boxes = {{}};
  Object.keys(parts).forEach(function (name) {{ boxes[name] = box(parts[name]); }});
  var cut = ["balance", "bet", "win"].filter(function (id) {{
    var node = document.getElementById(id);
    return node.scrollWidth > node.clientWidth + 1;
  }});
  var face = document.querySelector(".spin-face").getBoundingClientRect();
  var ring = document.getElementById("spin").getBoundingClientRect();
  if (face.width > ring.width * 0.85) cut.push("spin-face");
  var cell = document.querySelector(".cell").getBoundingClientRect();
  return JSON.stringify({{width: innerWidth, height: innerHeight, boxes: boxes, cut: cut,
                         cell: [cell.width, cell.height], dir: document.documentElement.dir}});
}})()"""


class RecordingPage(QWebEnginePage):
    """A page that keeps the JavaScript console messages it gets."""

    def __init__(self, profile: QWebEngineProfile) -> None:
        super().__init__(profile)
        self.console: list[tuple[QWebEnginePage.JavaScriptConsoleMessageLevel, str]] = []

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:
        self.console.append((level, message))


@pytest.fixture
def game_view(qtbot) -> Iterator[QWebEngineView]:
    profile = QWebEngineProfile()  # off-the-record, as the console's game tabs
    page = RecordingPage(profile)
    view = QWebEngineView()
    view.setPage(page)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.close()
    # The page must go before its profile, or Qt warns (and may crash).
    with qtbot.waitSignal(page.destroyed, timeout=10_000):
        view.deleteLater()
        page.deleteLater()
    profile.deleteLater()


def run_js(qtbot, page: QWebEnginePage, script: str):
    results: list = []
    page.runJavaScript(script, 0, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    return results[0]


def load(qtbot, view: QWebEngineView, url: str) -> None:
    with qtbot.waitSignal(view.page().loadFinished, timeout=LOAD_TIMEOUT_MS) as loaded:
        view.load(QUrl(url))
    assert loaded.args == [True]
    qtbot.waitUntil(lambda: run_js(qtbot, view.page(), "document.body.dataset.ready || ''") == "true",
                    timeout=10_000)


def measure(qtbot, view: QWebEngineView, width: int, height: int) -> dict:
    view.resize(width, height)
    qtbot.waitUntil(lambda: run_js(qtbot, view.page(), "innerWidth + 'x' + innerHeight") == f"{width}x{height}",
                    timeout=10_000)
    return json.loads(run_js(qtbot, view.page(), _MEASURE))


def layout_faults(m: dict) -> list[str]:
    """What is wrong with one measured layout, in words (empty when it is right)."""
    faults = []
    boxes = m["boxes"]
    for name, (left, top, right, bottom) in boxes.items():
        if left < 0 or top < 0 or right > m["width"] or bottom > m["height"]:
            faults.append(f"{name} {[round(v) for v in boxes[name]]} leaves the view")
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            (al, at, ar, ab), (bl, bt, br, bb) = boxes[a], boxes[b]
            if al < br and bl < ar and at < bb and bt < ab:
                faults.append(f"{a} overlaps {b}")
    faults += [f"#{name} is cut off" for name in m["cut"]]
    if min(m["cell"]) < 40:
        faults.append(f"reel cells are only {m['cell']} px")
    return faults


@pytest.mark.parametrize(("language", "currency", "direction"), [
    ("en", "USD", "ltr"), ("ar", "USD", "rtl"), ("id", "IDR", "ltr"), ("ko", "KRW", "ltr"),
    ("sv", "JPY", "ltr"),  # English words plus the "not translated" note
    ("ru", "RUB", "ltr"), ("de", "EUR", "ltr"), ("fr", "EUR", "ltr"), ("th", "THB", "ltr")])  # long SPIN words
def test_reels_spin_and_bet_row_fit_apart_at_every_size(qtbot, sandbox, game_view, language, currency, direction):
    load(qtbot, game_view, launch(sandbox, player={"language": language, "currency": currency,
                                                   "nickname": "a-rather-long-player-nickname"}))
    problems = {}
    for width, height in SIZES:
        m = measure(qtbot, game_view, width, height)
        assert m["dir"] == direction
        if faults := layout_faults(m):
            problems[f"{width}x{height}"] = faults
    assert problems == {}


def test_the_layout_check_catches_an_overlap(qtbot, sandbox, game_view):
    # The old fixed layout: the controls' height taken out of the page, so SPIN rides up over the reels.
    load(qtbot, game_view, launch(sandbox))
    run_js(qtbot, game_view.page(), "document.querySelector('.spin').style.marginTop = '-260px'; 1")
    assert "reels overlaps spin" in layout_faults(measure(qtbot, game_view, 1280, 800))


def test_money_follows_the_currency_and_a_fallback_language_is_named(qtbot, sandbox, game_view):
    load(qtbot, game_view, launch(sandbox, player={"language": "ko", "currency": "KRW"}))
    page = game_view.page()
    assert run_js(qtbot, page, "document.getElementById('balance').textContent") == "₩1,000,000"
    assert run_js(qtbot, page, "document.getElementById('lang-note').hidden") is True
    load(qtbot, game_view, launch(sandbox, player={"language": "sv", "currency": "JPY"}))
    assert run_js(qtbot, page, "document.querySelector('.spin-face').textContent") == "SPIN"
    note = run_js(qtbot, page, "var n = document.getElementById('lang-note'); n.hidden ? '' : n.textContent")
    assert note == "Swedish (sv) is not translated yet · shown in English"
    # Swedish number style (spaces between thousands) and JPY's zero decimals.
    balance = run_js(qtbot, page, "document.getElementById('balance').textContent")
    assert re.fullmatch(r"100\s000\s(JPY|¥)", balance), balance


_LONG_TASKS = """window.__longTasks = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (entry) { window.__longTasks.push(entry.duration); });
}).observe({entryTypes: ["longtask"]});"""


def test_page_errors_fault_makes_the_game_page_misbehave(qtbot, sandbox, game_view):
    page = game_view.page()
    script = QWebEngineScript()
    script.setSourceCode(_LONG_TASKS)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    page.scripts().insert(script)
    missing = "/game/static/missing-symbol-atlas.png"

    load(qtbot, game_view, launch(sandbox))  # no fault: a quiet page
    errors = QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel
    assert [m for level, m in page.console if level == errors] == []
    assert missing not in [r.path for r in sandbox.requests]

    sandbox.inject(Fault("page_errors", endpoint="game"))
    load(qtbot, game_view, launch(sandbox))
    qtbot.waitUntil(lambda: any(level == errors and "page_errors fault" in m for level, m in page.console),
                    timeout=10_000)
    qtbot.waitUntil(lambda: missing in [r.path for r in sandbox.requests], timeout=10_000)
    qtbot.waitUntil(lambda: run_js(qtbot, page, "window.__longTasks.length") > 0, timeout=10_000)
    assert run_js(qtbot, page, f"document.querySelector('img[src=\"{missing}\"]').naturalWidth") == 0
    assert sandbox.faults == []  # used up by that one page

    load(qtbot, game_view, launch(sandbox))  # the API was never touched by it
    assert run_js(qtbot, page, "document.querySelectorAll('img').length") == 0
