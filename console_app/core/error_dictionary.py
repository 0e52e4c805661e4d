"""What API error codes mean, per endpoint: a data file per endpoint in
``resources/errors/<endpoint>.json`` plus an optional user override file
``<config>/errors.json`` (see :func:`for_paths`), whose entries win.

The override file has one object per endpoint (``session``, ``gamelist``,
``snapshot``), each with ``codes`` like the bundled files::

    {
      "session": {
        "codes": {
          "V.7": {"meaning": "Unsupported currency for this partner.",
                  "retryable": false,
                  "next_step": "Pick a currency from SLOT_SPEC's Currency support sheet."}
        }
      }
    }

``meaning`` is required; ``retryable`` defaults to false, ``next_step`` to "" and
``inferred`` to false. ``inferred: true`` marks a meaning the spec does not give: the
bundled files use it for the codes only the console's sandbox defines (its table is
in :mod:`console_app.sandbox.codes`), so a real API may mean something else. A
malformed entry is skipped and a malformed file ignored (both logged), so a typo in
it never stops the console.

LuckyMonaco says its code list "will be additionally updated", so codes are data:
an unknown code is shown verbatim with the category its prefix gives
(:mod:`console_app.core.messages` words it).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from console_app.core.paths import AppPaths, resources_dir

log = logging.getLogger("console_app.core.error_dictionary")

ENDPOINTS = ("session", "gamelist", "snapshot")
#: Name of the user override file in the config folder.
OVERRIDE_FILE_NAME = "errors.json"


@dataclass(frozen=True)
class ErrorEntry:
    """What one code means on one endpoint and what to do about it."""

    code: str
    meaning: str
    retryable: bool
    next_step: str
    #: True when LuckyMonaco's documentation is silent on the code and the meaning is
    #: the sandbox's own (how the console reads it), not the spec's.
    inferred: bool = False


def category_of(code: str | None) -> str:
    """``"G"`` generic, ``"V"`` validation, or ``"unknown"``, from the code's prefix."""
    prefix = (code or "").strip()[:2].upper()
    if prefix == "G.":
        return "G"
    if prefix == "V.":
        return "V"
    return "unknown"


class ErrorDictionary:
    """Codes per endpoint, bundled entries overlaid by the user's."""

    def __init__(self, entries: dict[str, dict[str, ErrorEntry]]) -> None:
        self._entries = entries

    def lookup(self, endpoint: str, code: str | None) -> ErrorEntry | None:
        if not code:
            return None
        return self._entries.get(endpoint, {}).get(code.strip())

    def codes(self, endpoint: str) -> dict[str, ErrorEntry]:
        return dict(self._entries.get(endpoint, {}))


def _entries_from(data: dict[str, Any], origin: str) -> dict[str, ErrorEntry]:
    entries = {}
    for code, item in (data.get("codes") or {}).items():
        try:
            entries[code] = ErrorEntry(
                code=code,
                meaning=str(item["meaning"]),
                retryable=bool(item.get("retryable", False)),
                next_step=str(item.get("next_step", "")),
                inferred=bool(item.get("inferred", False)),
            )
        except (KeyError, TypeError, AttributeError):
            log.warning("skipped malformed error code %r in %s", code, origin)
    return entries


def load_dictionary(override_file: Path | None = None) -> ErrorDictionary:
    """Bundled dictionaries plus ``override_file`` (if it exists and parses)."""
    entries: dict[str, dict[str, ErrorEntry]] = {}
    base = resources_dir() / "errors"
    for endpoint in ENDPOINTS:
        path = base / f"{endpoint}.json"
        entries[endpoint] = _entries_from(json.loads(path.read_text("utf-8")), str(path))
    if override_file is not None and override_file.is_file():
        try:
            overrides = json.loads(override_file.read_text("utf-8"))
            for endpoint, data in overrides.items():
                entries.setdefault(endpoint, {}).update(_entries_from(data, str(override_file)))
        except (OSError, ValueError, AttributeError) as exc:
            log.warning("ignored the error dictionary override %s: %s", override_file, exc)
    return ErrorDictionary(entries)


@lru_cache(maxsize=1)
def bundled() -> ErrorDictionary:
    """The bundled dictionary alone (no user overrides), loaded once."""
    return load_dictionary(None)


def for_paths(paths: AppPaths) -> ErrorDictionary:
    """The bundled dictionary overlaid with ``<config>/errors.json`` (if present): what
    the window and the CLI pass to :mod:`console_app.core.messages`."""
    return load_dictionary(paths.config_dir / OVERRIDE_FILE_NAME)


def add_user_codes(paths: AppPaths, codes: dict[str, dict[str, object]], *, endpoint: str = "session") -> list[str]:
    """Add ``codes`` (``{"V.9": {"meaning": …, "retryable": …, "next_step": …}}``) to the
    user's ``<config>/errors.json``; codes already there are kept as the user wrote
    them. Returns the codes added. Raises :class:`~console_app.core.errors.ConsoleError`
    when the file cannot be read as JSON or written (it is then left as it was)."""
    from console_app.core.errors import ConsoleError
    from console_app.core.paths import write_atomically

    path = paths.config_dir / OVERRIDE_FILE_NAME
    try:
        current = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    except (OSError, ValueError) as exc:
        raise ConsoleError(f"{path} is not readable JSON ({exc}); fix or move it, then add the codes again") from exc
    if not isinstance(current, dict):
        raise ConsoleError(f"{path} is not a JSON object; fix or move it, then add the codes again")
    section = current.setdefault(endpoint, {})
    known = section.setdefault("codes", {}) if isinstance(section, dict) else None
    if not isinstance(known, dict):
        raise ConsoleError(f"{path}: '{endpoint}.codes' is not an object; fix it, then add the codes again")
    added = [code for code in codes if code not in known]
    for code in added:
        known[code] = codes[code]
    if added:
        try:
            paths.config_dir.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps(current, ensure_ascii=False, indent=2) + "\n")
        except OSError as exc:
            raise ConsoleError(f"cannot write {path} ({exc.strerror or exc}); check the config folder") from exc
    return added
