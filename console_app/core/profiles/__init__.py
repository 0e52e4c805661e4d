"""Connection profiles: where requests go, as which partner, over which network path.

One package, one job per module: :mod:`.model` (the profile and its fields),
:mod:`.validation` (the rules a profile must meet), :mod:`.targets` (a profile and
its token as an API target), :mod:`.upgrades` (the file format and its upgrades),
:mod:`.store` (``profiles.json``) and :mod:`.guard` (the production guard). Every
name callers use is importable from ``console_app.core.profiles`` itself.
"""

from console_app.core.profiles.guard import PRODUCTION_BANNER, PRODUCTION_TITLE_SUFFIX, GuardView, ProductionGuard
from console_app.core.profiles.model import (
    EMBEDDED_API_URL,
    KIND_COLORS,
    KINDS,
    PROXY_MODES,
    SANDBOX_PARTNER_ID,
    SANDBOX_PROFILE_NAME,
    Kind,
    PlayerDefaults,
    Profile,
    ProxyMode,
    api_host,
    builtin_sandbox,
)
from console_app.core.profiles.store import EXPORT_KIND, MAX_FILE_BYTES, ProfileStore
from console_app.core.profiles.targets import target_for, target_from_store
from console_app.core.profiles.upgrades import FORMAT, PROFILES_FILE, upgrade_document
from console_app.core.profiles.validation import api_url_problem, find_secret_keys, is_loopback, validate_profile

__all__ = [
    "EMBEDDED_API_URL",
    "EXPORT_KIND",
    "FORMAT",
    "KINDS",
    "KIND_COLORS",
    "MAX_FILE_BYTES",
    "PRODUCTION_BANNER",
    "PRODUCTION_TITLE_SUFFIX",
    "PROFILES_FILE",
    "PROXY_MODES",
    "SANDBOX_PARTNER_ID",
    "SANDBOX_PROFILE_NAME",
    "GuardView",
    "Kind",
    "PlayerDefaults",
    "ProductionGuard",
    "Profile",
    "ProfileStore",
    "ProxyMode",
    "api_host",
    "api_url_problem",
    "builtin_sandbox",
    "find_secret_keys",
    "is_loopback",
    "target_for",
    "target_from_store",
    "upgrade_document",
    "validate_profile",
]
