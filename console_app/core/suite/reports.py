"""Suite reports: JSON (the input of ``merge``, ``diff`` and ``--only-failed``),
JUnit XML (one testcase per expanded case) and one self-contained HTML page
(filterable table, thumbnail grid of the games checked).

Every report is built from :func:`run_document`, which is redacted once: no partner
token, no player token; with ``screen_share`` the partner, player and session IDs
are masked too, in every field (case names included, where matrix values show them).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from console_app.core.redaction import mask_id, redact
from console_app.core.suite.model import CaseResult, SuiteError
from console_app.core.suite.runner import SuiteRun

FORMAT = 1
KIND = "lm-console-suite"


def _iso(timestamp: float | None) -> str | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def identifiers(partner_id: str, results: Iterable[CaseResult]) -> list[str]:
    """The partner, player and session IDs screen-share mode hides, longest first (so
    an ID inside another is never left half readable)."""
    ids = {partner_id}
    for result in results:
        player = _object(result.request.get("player"))
        session = _object(player.get("session"))
        ids.update(str(value) for value in (player.get("id"), session.get("id")) if value)
    return sorted((i for i in ids if len(i) >= 2), key=len, reverse=True)


def _object(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (a report field can be anything)."""
    return value if isinstance(value, dict) else {}


def scrub(value: Any, ids: Sequence[str]) -> Any:
    """``value`` (text, or dicts and lists of it) redacted, with ``ids`` masked."""
    if isinstance(value, str):
        text = redact(value)
        for identifier in ids:
            text = text.replace(identifier, mask_id(identifier))
        return text
    if isinstance(value, dict):
        return {key: scrub(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, ids) for item in value]
    return value


def run_document(run: SuiteRun, *, screen_share: bool = False) -> dict[str, Any]:
    """The run as the JSON report holds it, redacted (see the module docstring)."""
    document = {
        "format": FORMAT,
        "kind": KIND,
        "suite": run.suite,
        "run_id": run.run_id,
        "target": dict(run.target),
        "shard": run.shard,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "cancelled": run.cancelled,
        "screen_share": screen_share,
        "summary": _summary(result.passed for result in run.results),
        "cases": [result.to_dict() for result in sorted(run.results, key=lambda r: r.index)],
    }
    ids = identifiers(run.target.get("partner_id", ""), run.results) if screen_share else ()
    scrubbed: dict[str, Any] = scrub(document, ids)
    return scrubbed


def _summary(passes: Iterable[bool]) -> dict[str, int]:
    passes = list(passes)
    return {"total": len(passes), "passed": sum(passes), "failed": len(passes) - sum(passes)}


def write_text(path: Path, text: str) -> None:
    """Write a report (plain write: reports are meant to be shared and hold no secret)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SuiteError(f"cannot write the report {path} ({exc.strerror}); choose another file") from None


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def load_document(path: str | Path) -> dict[str, Any]:
    """A JSON report written by ``suite run --json``; :class:`SuiteError` otherwise."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SuiteError(f"cannot read the suite result {path} ({getattr(exc, 'strerror', None) or exc}); "
                         "give a file written by lm-console suite run --json") from None
    if not isinstance(data, dict) or data.get("kind") != KIND or not isinstance(data.get("cases"), list):
        raise SuiteError(f"{path} is not a suite result; give a file written by lm-console suite run --json")
    if data.get("format") != FORMAT:
        raise SuiteError(f"{path} has suite result format {data.get('format')!r}, this console reads {FORMAT}")
    return data


def failed_names(document: dict[str, Any]) -> set[str]:
    """Names of the cases that did not pass (for ``--only-failed``)."""
    return {case["name"] for case in document["cases"] if not case.get("passed")}


def merge(documents: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One report from shard reports: every case once, in suite order.

    A case found in two reports is an error (the shards overlap): :class:`SuiteError`."""
    if not documents:
        raise SuiteError("nothing to merge; give one or more result files")
    suites = sorted({str(d.get("suite")) for d in documents})
    if len(suites) > 1:
        raise SuiteError(f"the results are of different suites ({', '.join(map(repr, suites))}); "
                         "merge the shards of one run of one suite")
    missing = missing_shards(documents)
    seen: dict[str, dict[str, Any]] = {}
    for document in documents:
        for case in document["cases"]:
            if case["name"] in seen:
                raise SuiteError(f"case {case['name']!r} is in two of the result files; "
                                 "merge the shards of one run, each once")
            seen[case["name"]] = case
    cases = sorted(seen.values(), key=lambda case: case.get("index", 0))
    first = documents[0]
    starts = [d["started_at"] for d in documents if d.get("started_at")]
    ends = [d["finished_at"] for d in documents if d.get("finished_at")]
    return {
        **{key: first.get(key) for key in ("format", "kind", "suite", "target", "screen_share")},
        "run_id": ",".join(sorted({d.get("run_id", "") for d in documents})),
        "shard": None,
        "merged_from": len(documents),
        "started_at": min(starts) if starts else None,
        "finished_at": max(ends) if ends else None,
        "cancelled": any(d.get("cancelled") for d in documents),
        "missing_shards": missing,
        "summary": _summary(bool(case.get("passed")) for case in cases),
        "cases": cases,
    }


def missing_shards(documents: Sequence[dict[str, Any]]) -> list[str]:
    """The shards (``"K/N"``) of the split the ``documents`` come from that none of them is:
    cases that were never run. Shards of different splits are an error."""
    split: set[int] = set()
    have: set[int] = set()
    for document in documents:
        part, _, total = str(document.get("shard") or "").partition("/")
        if part.isdigit() and total.isdigit():
            have.add(int(part))
            split.add(int(total))
    if len(split) > 1:
        raise SuiteError(f"the results are shards of different splits (of {', '.join(map(str, sorted(split)))}); "
                         "merge the shards of one run, each once")
    return [f"{k}/{n}" for n in split for k in range(1, n + 1) if k not in have]


def _answer_key(case: dict[str, Any]) -> str:
    answers = case.get("answers") or [{}]
    parts = []
    for answer in answers:
        part = " ".join(str(x) for x in (answer.get("outcome"), answer.get("http_status"), answer.get("code")) if x)
        parts.append(part or "nothing")
    return " / ".join(parts) + ("" if case.get("passed") else " (failed)")


def diff(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """What changed from report ``a`` to report ``b``, one line per case; [] when the
    same cases got the same answers."""
    old = {case["name"]: case for case in a["cases"]}
    new = {case["name"]: case for case in b["cases"]}
    lines = []
    for name in sorted(old.keys() | new.keys(), key=lambda n: (new.get(n) or old[n]).get("index", 0)):
        if name not in new:
            lines.append(f"- {name}: only in the first ({_answer_key(old[name])})")
        elif name not in old:
            lines.append(f"+ {name}: only in the second ({_answer_key(new[name])})")
        elif _answer_key(old[name]) != _answer_key(new[name]):
            lines.append(f"~ {name}: {_answer_key(old[name])} -> {_answer_key(new[name])}")
    return lines


# --------------------------------------------------------------------------- JUnit


def junit_xml(document: dict[str, Any]) -> str:
    """JUnit XML: one ``<testcase>`` per case, failures with the expectation and what
    came back."""
    cases = document["cases"]
    seconds = sum(case.get("duration_ms", 0) for case in cases) / 1000
    summary = document["summary"]
    root = ET.Element("testsuites", name=document["suite"], tests=str(summary["total"]),
                      failures=str(summary["failed"]), errors="0", time=f"{seconds:.3f}")
    suite = ET.SubElement(root, "testsuite", name=document["suite"], tests=str(summary["total"]),
                          failures=str(summary["failed"]), errors="0", skipped="0", time=f"{seconds:.3f}",
                          timestamp=document.get("started_at") or "")
    properties = ET.SubElement(suite, "properties")
    for key in ("api_url", "profile", "kind"):
        ET.SubElement(properties, "property", name=key, value=str(document["target"].get(key, "")))
    for case in cases:
        element = ET.SubElement(suite, "testcase", classname=f"{document['suite']}.{case.get('group') or 'case'}",
                                name=case["name"], time=f"{case.get('duration_ms', 0) / 1000:.3f}")
        if not case.get("passed"):
            failure = ET.SubElement(element, "failure", type="expectation",
                                    message=(case.get("failures") or ["failed"])[0])
            failure.text = "\n".join(case.get("failures") or []) + "\nexpected: " + json.dumps(case.get("expect"))
        notes = [line for line in [case.get("observed")] + list(case.get("validation") or []) if line]
        if notes:
            ET.SubElement(element, "system-out").text = "\n".join(notes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2430;background:#fafbfc}
td{overflow-wrap:anywhere;max-width:32em}
h1{font-size:20px;margin:0 0 4px}.meta{color:#5b6573;margin-bottom:14px}
.pill{white-space:nowrap;display:inline-block;padding:2px 10px;border-radius:10px;font-weight:600;margin-right:6px}
.pass{background:#dff5e3;color:#17692d}.fail{background:#fde2e1;color:#a11d17}
.bar{margin:12px 0;display:flex;gap:8px}input,select{font:inherit;padding:4px 8px}
input{flex:1;max-width:420px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e3e7ec;
padding:5px 8px;text-align:left;vertical-align:top}th{background:#eef1f5;position:sticky;top:0}
td.why{color:#a11d17;max-width:460px}tr.failed td:first-child{border-left:4px solid #d93025}
tr.passed td:first-child{border-left:4px solid #1e8e3e}code{font-size:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px;margin:12px 0 24px}
figure{margin:0;background:#fff;border:1px solid #e3e7ec;border-radius:6px;overflow:hidden}
figure.failed{border:2px solid #d93025}figure img{width:100%;display:block;aspect-ratio:16/10;
object-fit:cover;background:#222}figcaption{padding:6px 8px;font-size:12px;overflow-wrap:anywhere}
.none{display:flex;align-items:center;justify-content:center;aspect-ratio:16/10;background:#333;color:#eee}
"""

_SCRIPT = """
const q=document.getElementById('q'),s=document.getElementById('s');
function f(){const t=q.value.toLowerCase(),w=s.value;let n=0;
for(const r of document.querySelectorAll('[data-case]')){
const ok=(!t||r.dataset.case.includes(t))&&(!w||r.dataset.status===w);r.hidden=!ok;if(ok&&r.tagName==='TR')n++}
document.getElementById('n').textContent=n+' shown'}
q.addEventListener('input',f);s.addEventListener('change',f);f();
"""


#: Longest request or answer value a report cell shows (a "too long" case sends 10,000
#: characters). Names, reasons, the filter's text and the dictionary snippet are not cut.
CELL_CHARS = 80
#: Longest reason ("why / observed") line shown: whole sentences, but not a 10,000-character echo.
WHY_CHARS = 600


def _e(value: Any, limit: int | None = None) -> str:
    text = "" if value is None else str(value)
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}… ({len(text):,} characters)"
    return html.escape(text)


def _cell(value: Any) -> str:
    return _e(value, CELL_CHARS)


def _row(case: dict[str, Any]) -> str:
    answer = (case.get("answers") or [{}])[-1]
    status = "passed" if case.get("passed") else "failed"
    request = case.get("request") or {}
    player = _object(request.get("player"))
    game = case.get("game") or {}
    load = f"{game['load_s']:.2f} s" if game.get("load_s") is not None else ""
    why = "<br>".join(_e(line, WHY_CHARS) for line in case.get("failures") or [])
    observed = _e(case.get("observed"), WHY_CHARS)
    search = " ".join(str(x) for x in (case["name"], status, answer.get("outcome"), answer.get("code"),
                                       answer.get("http_status"), request.get("gameid"))).lower()
    return (
        f'<tr class="{status}" data-status="{status}" data-case="{_e(search)}">'
        f'<td><span class="pill {status[:4]}">{"PASS" if status == "passed" else "FAIL"}</span></td>'
        f"<td>{_e(case['name'])}</td><td><code>{_cell(request.get('gameid'))}</code></td>"
        f"<td>{_cell(player.get('language'))}</td><td>{_cell(player.get('currency'))}</td>"
        f"<td>{_cell(answer.get('outcome'))}</td><td>{_cell(answer.get('http_status'))}</td>"
        f"<td>{_cell(answer.get('code'))}</td><td>{_cell(answer.get('message'))}</td>"
        f"<td>{_cell(game.get('title'))} {_e(load)}</td><td class=why>{why}"
        f"{'<br>' if why and observed else ''}{observed}</td>"
        f"<td>{case.get('duration_ms', 0):.0f} ms</td></tr>"
    )


def _figure(case: dict[str, Any]) -> str:
    game = case["game"]
    status = "passed" if case.get("passed") else "failed"
    picture = (f'<img alt="{_e(case["name"])}" src="data:image/jpeg;base64,{game["thumbnail_jpeg_b64"]}">'
               if game.get("thumbnail_jpeg_b64") else f'<div class="none">{_e(game.get("problem") or "no picture")}</div>')
    load = f" · {game['load_s']:.1f} s" if game.get("load_s") is not None else ""
    return (f'<figure class="{status}" data-status="{status}" data-case="{_e(case["name"].lower())}">{picture}'
            f'<figcaption><span class="pill {status[:4]}">{"PASS" if status == "passed" else "FAIL"}</span>'
            f"{_e(case['name'])}{_e(load)}</figcaption></figure>")


def _unknown_codes(cases: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    found: dict[str, tuple[str, str, str]] = {}
    for case in cases:
        for answer in case.get("answers") or []:
            if answer.get("known_code") is False and answer.get("code") not in found:
                found[answer["code"]] = (answer["code"], str(answer.get("http_status") or ""),
                                         answer.get("message") or "")
    return list(found.values())


def unknown_code_entries(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The codes a run's answers carried that the dictionary did not know, as
    dictionary entries (the observed message as their meaning, to be edited)."""
    return {code: {"meaning": message or f"observed with HTTP {status}", "retryable": False,
                   "next_step": "Check the request fields the message names."}
            for code, status, message in _unknown_codes(document["cases"])}


def dictionary_snippet(unknown: list[tuple[str, str, str]]) -> str:
    """An ``errors.json`` override that adds the ``unknown`` codes (code, HTTP, message)
    with the observed message as their meaning, to be edited before use."""
    codes = unknown_code_entries({"cases": [{"answers": [
        {"known_code": False, "code": code, "http_status": status, "message": message}]}
        for code, status, message in unknown]})
    return json.dumps({"session": {"codes": codes}}, ensure_ascii=False, indent=2)


def html_report(document: dict[str, Any]) -> str:
    """One self-contained HTML page (no external resources, inline CSS and script)."""
    cases = document["cases"]
    summary = document["summary"]
    target = document["target"]
    checked = [case for case in cases if case.get("game")]
    unknown = _unknown_codes(cases)
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
        f"<title>Suite {_e(document['suite'])}: {summary['passed']}/{summary['total']} passed</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Suite {_e(document['suite'])}</h1>",
        f'<div class="meta">{_e(target.get("profile"))} ({_e(target.get("kind"))}) · {_e(target.get("api_url"))}'
        f" · started {_e(document.get('started_at'))}"
        + (f" · merged from {document['merged_from']} shards" if document.get("merged_from") else "")
        + (f" · shard {_e(document['shard'])}" if document.get("shard") else "")
        + (" · <b>cancelled</b>" if document.get("cancelled") else "")
        + (f" · <b>shards {_e(', '.join(document['missing_shards']))} missing: their cases did not run</b>"
           if document.get("missing_shards") else "") + "</div>",
        f'<div><span class="pill pass">{summary["passed"]} passed</span>'
        f'<span class="pill fail">{summary["failed"]} failed</span> of {summary["total"]} cases'
        + (f" · {len(checked)} games checked" if checked else "") + "</div>",
        '<div class="bar"><input id=q type=search placeholder="Filter: case, game, code…" aria-label="Filter">'
        '<select id=s aria-label="Status"><option value="">all</option><option value=failed>failed</option>'
        '<option value=passed>passed</option></select><span id=n></span></div>',
    ]
    if checked:
        parts.append("<h2>Games</h2><div class=grid>" + "".join(_figure(case) for case in checked) + "</div>")
    parts.append("<h2>Cases</h2><table><thead><tr><th></th><th>case</th><th>game</th><th>lang</th><th>cur</th>"
                 "<th>outcome</th><th>HTTP</th><th>code</th><th>message</th><th>page</th>"
                 "<th>why / observed</th><th>time</th></tr></thead><tbody>")
    parts.extend(_row(case) for case in cases)
    parts.append("</tbody></table>")
    if unknown:
        parts.append("<h2>Codes the error dictionary does not know yet</h2><table><tr><th>code</th><th>HTTP</th>"
                     "<th>message</th></tr>" + "".join(
                         f"<tr><td><code>{_cell(c)}</code></td><td>{_cell(s)}</td><td>{_cell(m)}</td></tr>"
                         for c, s, m in unknown) + "</table>"
                     "<p>To add them to your dictionary, merge this into <code>errors.json</code> in the "
                     "console's config folder (<code>lm-console --self-check</code> shows it):</p>"
                     f"<pre>{_e(dictionary_snippet(unknown))}</pre>")
    parts.append(f"<script>{_SCRIPT}</script></body></html>\n")
    return "".join(parts)
