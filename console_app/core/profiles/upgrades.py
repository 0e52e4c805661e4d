"""The profiles file's format number and the upgrades from older formats.

Older formats are upgraded on load, one step at a time, by the functions in
``_UPGRADES`` (the way Picard upgrades its settings); a file from a newer app is
refused rather than overwritten.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from console_app.core.errors import ProfileError

log = logging.getLogger("console_app.core.profiles")

#: The current ``format`` of profiles.json.
FORMAT = 1
PROFILES_FILE = "profiles.json"


def _upgrade_0_to_1(data: dict[str, Any]) -> dict[str, Any]:
    """Format 0 (the prototype's file, no ``format`` key): ``{"profiles": {NAME: {"url",
    "memb_id", "production", "verify_ssl", "proxy"}}}``."""
    old_profiles = data.get("profiles") or {}
    if not isinstance(old_profiles, dict):
        raise ProfileError("format 0 keeps 'profiles' as an object of NAME: {...}; fix or move the file")
    profiles = []
    for name, old in old_profiles.items():
        old = old if isinstance(old, dict) else {}
        proxy = old.get("proxy")
        profiles.append(
            {
                "name": name,
                "api_url": old.get("url", ""),
                "partner_id": str(old.get("memb_id", "")),
                "kind": "production" if old.get("production") else "staging",
                "verify_tls": bool(old.get("verify_ssl", True)),
                "proxy_mode": "explicit" if proxy else "system",
                "proxy_url": proxy or None,
            }
        )
    return {"format": 1, "profiles": profiles}


#: ``version -> function`` turning a version-N document into version N+1.
_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _upgrade_0_to_1}


def upgrade_document(data: dict[str, Any], *, source: str = PROFILES_FILE) -> dict[str, Any]:
    """Bring a profiles document of any known format up to :data:`FORMAT`."""
    version = data.get("format", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ProfileError(f"{source}: 'format' is {version!r}, not a version number; fix or move the file")
    if version > FORMAT:
        raise ProfileError(
            f"{source} is format {version}, newer than this app understands ({FORMAT}); "
            "update the app (the file was left untouched)"
        )
    while version < FORMAT:
        data = _UPGRADES[version](data)
        log.info("upgraded %s from format %d to %d", source, version, version + 1)
        version += 1
    return data
