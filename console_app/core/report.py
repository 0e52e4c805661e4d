"""Redacted reports of one history entry, for a support ticket: Markdown for people,
JSON for tools. Both hold the same facts (:func:`report_json` builds them, Markdown
renders them) and every string in them goes through :func:`redact`.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console_app import APP_NAME, __version__
from console_app.core.curl import ENDPOINT_PATHS
from console_app.core.diagnostics import Diagnostics
from console_app.core.history import Entry
from console_app.core.redaction import redact

REPORT_FORMAT = 1


def report_json(
    entry: Entry,
    *,
    attempts: Sequence[Entry] = (),
    screenshot_path: str | Path | None = None,
    diagnostics: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The report as a JSON-ready dict. ``attempts``: every attempt of the same launch
    (``HistoryStore.attempts_of(entry.launch_id)``), this one included; ``diagnostics``:
    the game page's (``HistoryStore.diagnostics_of(entry.launch_id)``)."""
    report = {
        "report_format": REPORT_FORMAT,
        "title": f"{APP_NAME} report: entry {entry.id}",
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "app": {"version": __version__, "recorded_with": entry.app_version},
        "system": {"os": platform.platform(), "python": platform.python_version()},
        "environment": {
            "profile": entry.profile,
            "profile_kind": entry.profile_kind,
            "api_url": entry.api_url,
            "partner_id": entry.partner_id,
            "endpoint": entry.endpoint,
        },
        "request": {
            "method": "POST",
            "url": f"{entry.api_url}{ENDPOINT_PATHS.get(entry.endpoint, '')}"
                   f"?MEMB_ID={entry.partner_id}&HASH=•••",
            "uuid": entry.uuid,
            "body": _json_or_text(entry.request_json),
        },
        "response": {
            "http_status": entry.http_status,
            "body": _json_or_text(entry.response_body),
        },
        "outcome": entry.outcome,
        "error": _decoded_error(entry),
        "game_url": entry.game_url,
        "timings": {"started": entry.time, "duration_ms": entry.duration_ms, "ttfb_ms": entry.ttfb_ms},
        "launch": {
            "launch_id": entry.launch_id,
            "replay_of": entry.replay_of,
            "attempts": [
                {
                    "id": a.id, "attempt": a.attempt, "time": a.time, "uuid": a.uuid,
                    "outcome": a.outcome, "http_status": a.http_status,
                    "error_code": a.error_code, "duration_ms": a.duration_ms,
                }
                for a in (attempts or [entry])
            ],
        },
        "screenshot": str(screenshot_path) if screenshot_path else None,
        "diagnostics": Diagnostics.from_dict(dict(diagnostics)).to_dict() if diagnostics else None,
    }
    redacted: dict[str, Any] = _redacted(report)
    return redacted


def report_markdown(
    entry: Entry,
    *,
    attempts: Sequence[Entry] = (),
    screenshot_path: str | Path | None = None,
    diagnostics: Mapping[str, Any] | None = None,
) -> str:
    """The report as Markdown (the same facts as :func:`report_json`)."""
    data = report_json(entry, attempts=attempts, screenshot_path=screenshot_path, diagnostics=diagnostics)
    env, req, resp, timings = data["environment"], data["request"], data["response"], data["timings"]
    error = data["error"]
    lines = [
        f"# {data['title']}",
        "",
        f"Generated {data['generated_at']} by {APP_NAME} {data['app']['version']} "
        f"(recorded with {data['app']['recorded_with']}) on {data['system']['os']}.",
        "",
        "## Environment",
        "",
        "| | |",
        "|---|---|",
        f"| Profile | {_cell(env['profile'])} ({_cell(env['profile_kind'])}) |",
        f"| API URL | {_cell(env['api_url'])} |",
        f"| Partner ID | {_cell(env['partner_id'])} |",
        f"| Endpoint | {_cell(env['endpoint'])} |",
        "",
        "## Result",
        "",
        f"- Outcome: **{data['outcome']}**",
        f"- HTTP status: {resp['http_status'] if resp['http_status'] is not None else '— (no answer)'}",
        f"- Started: {timings['started']}; took {_ms(timings['duration_ms'])}"
        f" (first byte after {_ms(timings['ttfb_ms'])})",
    ]
    if data["game_url"]:
        # Angle brackets, not backticks: redact() reads a URL parameter up to <, > or space.
        lines.append(f"- Game URL: <{data['game_url']}>")
    if error:
        lines += ["", "## Error", ""]
        lines += [f"- {label}: {error[key]}" for key, label in (
            ("code", "Code"), ("headline", "Summary"), ("meaning", "Meaning"),
            ("next_step", "Next step"), ("message", "Message")) if error.get(key)]
    lines += [
        "", "## Request", "",
        f"{req['method']} <{req['url']}> with uuid `{req['uuid']}`",
        "", *_fenced(req["body"]),
        "", "## Response", "",
        *_fenced(resp["body"]),
        "", "## Attempts of this launch", "",
        "| # | Time | uuid | Outcome | HTTP | Code | ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in data["launch"]["attempts"]:
        lines.append(
            f"| {a['attempt']} | {a['time']} | `{a['uuid']}` | {a['outcome']} | "
            f"{a['http_status'] or '—'} | {a['error_code'] or '—'} | {_ms(a['duration_ms'])} |"
        )
    if data["launch"]["replay_of"]:
        lines += ["", f"This was a replay of entry {data['launch']['replay_of']}."]
    if data["screenshot"]:
        lines += ["", "## Screenshot", "", f"![Screenshot of the game tab]({data['screenshot']})"]
    if data["diagnostics"]:
        lines += ["", "## Game diagnostics", "", Diagnostics.from_dict(data["diagnostics"]).markdown()]
    return redact("\n".join(lines) + "\n")


def _decoded_error(entry: Entry) -> dict[str, Any] | None:
    if entry.outcome == "success":
        return None
    error: dict[str, Any] = {"code": entry.error_code, "message": entry.error_message}
    if entry.outcome == "api_error" and entry.http_status:
        from console_app.core.answers import parse_error_body
        from console_app.core.error_dictionary import bundled, category_of
        from console_app.core.errors import ApiError
        from console_app.core.messages import describe
        from console_app.core.retry import api_error_retryable

        pairs = parse_error_body(entry.response_body)
        code, api_message = pairs[0] if pairs else (entry.error_code, None)
        known = bundled().lookup(entry.endpoint, code)
        described = describe(
            ApiError(entry.error_message or "", http_status=entry.http_status, code=code,
                     api_message=api_message, category=category_of(code),
                     retryable=api_error_retryable(entry.http_status, code, known),
                     errors=pairs or None),
            entry.endpoint,
        )
        error.update(headline=described.headline, meaning=described.meaning,
                     next_step=described.next_step)
    return error


def _json_or_text(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    return value


def _fenced(body: Any) -> list[str]:
    if body is None:
        return ["(empty)"]
    if isinstance(body, str):
        return ["```text", body.replace("```", "ˋˋˋ"), "```"]
    return ["```json", json.dumps(body, indent=2, ensure_ascii=False), "```"]


def _cell(text: Any) -> str:
    return str(text or "—").replace("|", "\\|").replace("\n", " ")


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"
