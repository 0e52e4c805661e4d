"""Connection profiles: where requests go, as which partner, over which network path.

A profile never holds the partner token: tokens live in the OS keyring
(:mod:`console_app.core.credentials`), one entry per profile name. What the profile
file does keep is ``token_host``, the API host the stored token was entered for; a
token is only ever used while the profile still points at that host (see
:func:`target_for`), so editing a profile's URL, or importing a look-alike profile,
cannot send an existing token somewhere else.

The file (``profiles.json`` in the config folder) is readable JSON with a
``"format"`` number. Older formats are upgraded on load, one step at a time, by the
functions in ``_UPGRADES`` (the way Picard upgrades its settings); a file from a
newer app is refused rather than overwritten.
"""

from __future__ import annotations

import builtins
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from types import UnionType
from typing import TYPE_CHECKING, Any, Literal, get_args, get_type_hints
from urllib.parse import urlsplit

from console_app.core.errors import CredentialError, ProfileError
from console_app.core.models import MAX_RETRIES, MAX_SECONDS, ApiTarget, ClientSettings
from console_app.core.paths import AppPaths, write_atomically
from console_app.core.redaction import Secret

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

log = logging.getLogger("console_app.core.profiles")

Kind = Literal["sandbox", "staging", "production"]
KINDS: tuple[str, ...] = ("sandbox", "staging", "production")
ProxyMode = Literal["system", "explicit", "none"]
PROXY_MODES: tuple[str, ...] = ("system", "explicit", "none")

#: The default colour of each kind: neutral grey, blue, red.
KIND_COLORS = {"sandbox": "#6b7280", "staging": "#2563eb", "production": "#dc2626"}

#: ``api_url`` of the built-in profile: the app substitutes its embedded sandbox.
EMBEDDED_API_URL = "embedded"
SANDBOX_PROFILE_NAME = "Sandbox"
#: The partner ID (MEMB_ID) the embedded sandbox accepts, so what the Sandbox profile
#: shows is what it sends (the sandbox's DEFAULT_PARTNER_ID; a test keeps them equal).
SANDBOX_PARTNER_ID = "sandbox-partner"

#: The current ``format`` of profiles.json.
FORMAT = 1
PROFILES_FILE = "profiles.json"
#: A profiles file is a few KB; anything far larger is not one (and is not read whole).
MAX_FILE_BYTES = 1024 * 1024
EXPORT_KIND = "luckymonaco-console-profile"

# Keys that would mean a secret is in a file we are asked to read.
_SECRET_KEYS = frozenset({"token", "hash", "password", "secret"})
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_MAX_NAME = 64


@dataclass(frozen=True)
class PlayerDefaults:
    """Player values a profile pre-fills in the launch form (all optional)."""

    player_id: str = ""
    nickname: str = ""
    language: str = ""
    currency: str = ""
    ip: str = ""


@dataclass(frozen=True)
class Profile:
    """One environment + partner: API URL, partner ID (MEMB_ID), kind and network settings.

    ``color`` defaults to the kind's colour. ``token_host`` is the API host the token
    in the keyring was stored for (``None``: no token stored through this app).
    """

    name: str
    api_url: str
    partner_id: str
    kind: str = "staging"
    color: str = ""
    verify_tls: bool = True
    #: A PEM file of CA certificates to trust instead of the OS trust store.
    ca_bundle: str | None = None
    proxy_mode: str = "system"
    proxy_url: str | None = None
    connect_timeout: float = 5.0
    deadline: float = 15.0
    retries: int = 2
    defaults: PlayerDefaults = field(default_factory=PlayerDefaults)
    token_host: str | None = None

    def __post_init__(self) -> None:
        if not self.color:
            object.__setattr__(self, "color", KIND_COLORS.get(self.kind, KIND_COLORS["sandbox"]))
        if isinstance(self.defaults, dict):
            object.__setattr__(self, "defaults", _player_defaults(self.defaults))

    @property
    def is_builtin(self) -> bool:
        return self.name == SANDBOX_PROFILE_NAME

    @property
    def is_embedded(self) -> bool:
        return self.api_url == EMBEDDED_API_URL

    @property
    def is_production(self) -> bool:
        return self.kind == "production"

    @property
    def host(self) -> str:
        """The API host (``host`` or ``host:port``) the profile's requests go to."""
        return api_host(self.api_url)

    def client_settings(self) -> ClientSettings:
        """The network settings of this profile, as the HTTP client takes them."""
        if not self.verify_tls:
            verify: bool | str = False
        elif self.ca_bundle:
            verify = self.ca_bundle
        else:
            verify = True  # the OS trust store, through truststore
        proxy = {"system": None, "none": ""}.get(self.proxy_mode, self.proxy_url)
        return ClientSettings(
            connect_timeout=self.connect_timeout,
            deadline=self.deadline,
            retries=self.retries,
            verify=verify,
            proxy=proxy,
        )

    def with_changes(self, **changes: Any) -> Profile:
        """A copy with ``changes``; the colour follows a changed kind unless given."""
        if "kind" in changes and "color" not in changes and self.color == KIND_COLORS.get(self.kind):
            changes["color"] = ""
        return replace(self, **changes)

    def to_dict(self, *, for_export: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if for_export:
            # The binding is about this machine's keyring; an importer sets its own token.
            data.pop("token_host")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """Build a profile from a stored/imported dict; unknown keys are ignored.
        Every known field must have its declared JSON type: :class:`ProfileError`
        names the first one that does not."""
        if not isinstance(data, dict):
            raise ProfileError("a profile entry is not a JSON object; fix or remove it")
        who = f"profile '{data['name']}'" if isinstance(data.get("name"), str) else "a profile entry"
        for required in ("name", "api_url", "partner_id"):
            if required not in data:
                raise ProfileError(f"{who} has no text field '{required}'; fix or remove it")
        values = {}
        for name, hint in _field_types(cls).items():
            if name in data:
                values[name] = _typed(data[name], hint, name, who)
        return cls(**values)


# A plain dict, not functools.cache: mypy takes a non-frozen dataclass for unhashable.
_FIELD_TYPES: dict[type, dict[str, Any]] = {}


def _field_types(cls: type[DataclassInstance]) -> dict[str, Any]:
    """Field name -> declared type, for the dataclass ``cls``."""
    if cls not in _FIELD_TYPES:
        hints = get_type_hints(cls)
        _FIELD_TYPES[cls] = {f.name: hints[f.name] for f in fields(cls)}
    return _FIELD_TYPES[cls]


def _typed(value: Any, hint: Any, name: str, who: str) -> Any:
    """``value`` if it has the JSON type the field ``name`` declares (``hint``), else
    :class:`ProfileError` naming the field. Nested dataclasses are checked field by field."""
    allowed = set(get_args(hint)) if isinstance(hint, UnionType) else {hint}
    if value is None and type(None) in allowed:
        return value
    kind = next(iter(allowed - {type(None)}))
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(kind, type) and is_dataclass(kind):
        if not isinstance(value, dict):
            ok = False
        else:
            inner = _field_types(kind)
            return kind(**{key: _typed(item, inner[key], f"{name}.{key}", who)
                           for key, item in value.items() if key in inner})
    else:
        ok = isinstance(value, kind)
    if not ok:
        expected = _TYPE_WORDS.get(kind, "an object") + (" or null" if type(None) in allowed else "")
        shown = repr(value)
        raise ProfileError(f"{who}, field '{name}': expected {expected}, got "
                           f"{shown if len(shown) <= 40 else shown[:40] + '…'}; fix or remove it")
    return value


_TYPE_WORDS = {str: "text", bool: "true or false", int: "a whole number", float: "a number"}


def _player_defaults(data: dict[str, Any]) -> PlayerDefaults:
    known = {f.name for f in fields(PlayerDefaults)}
    return PlayerDefaults(**{k: str(v) for k, v in data.items() if k in known and v is not None})


def builtin_sandbox() -> Profile:
    """The built-in profile for the embedded sandbox (always present, never removed)."""
    return Profile(
        name=SANDBOX_PROFILE_NAME,
        api_url=EMBEDDED_API_URL,
        partner_id=SANDBOX_PARTNER_ID,
        kind="sandbox",
    )


def api_host(url: str) -> str:
    """``host`` (lower case) plus ``:port`` when the URL names a non-default port."""
    if url == EMBEDDED_API_URL:
        return EMBEDDED_API_URL
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. "http://[::1": not a URL, so no host to bind to
        return url.strip().lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    default_port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return f"{host}:{port}" if port and port != default_port else host


# --------------------------------------------------------------------------- validation


def validate_profile(profile: Profile, *, check_files: bool = True) -> list[str]:
    """Check every field; raise :class:`ProfileError` (one line naming the field) for
    the first problem, else return warnings (risky but allowed choices).

    Production profiles must use https with TLS verification: their token travels in
    the URL's query string, so plain http or an unverified peer would hand a
    production secret to anyone on the path. For other kinds those are warnings:
    internal staging hosts without TLS are common and the token there is not a
    production one.
    """
    warnings: list[str] = []
    name = profile.name
    if not name or not name.strip():
        raise ProfileError("name: a profile needs a name")
    if name != name.strip() or len(name) > _MAX_NAME or any(ord(c) < 32 for c in name):
        raise ProfileError(
            f"name: '{name.strip()[:_MAX_NAME]}' must be at most {_MAX_NAME} characters, without "
            "leading/trailing spaces or control characters"
        )
    if profile.kind not in KINDS:
        raise ProfileError(f"kind: '{profile.kind}' is not one of {', '.join(KINDS)}")
    if not profile.partner_id.strip():
        raise ProfileError("partner ID: enter the Partner ID (MEMB_ID) LuckyMonaco gave you")
    if profile.is_embedded:
        if profile.kind != "sandbox":
            raise ProfileError("API URL: 'embedded' is only valid for a sandbox profile")
    else:
        _validate_api_url(profile)
        parts = urlsplit(profile.api_url.strip())
        if parts.scheme == "http":
            if profile.is_production:
                raise ProfileError(
                    "API URL: a production profile must use https:// (the token travels in the URL)"
                )
            if profile.kind == "staging" and not _is_loopback(parts.hostname or ""):
                warnings.append(
                    f"API URL: {profile.api_url} is plain http: the token travels unencrypted in the URL"
                )
    if not profile.verify_tls:
        if profile.is_production:
            raise ProfileError("TLS: a production profile must verify the server's certificate")
        warnings.append("TLS: certificate verification is off for this profile")
    if profile.ca_bundle and check_files and not Path(profile.ca_bundle).is_file():
        raise ProfileError(f"CA bundle: file not found: {profile.ca_bundle}; choose a PEM file")
    if profile.proxy_mode not in PROXY_MODES:
        raise ProfileError(f"proxy: mode '{profile.proxy_mode}' is not one of {', '.join(PROXY_MODES)}")
    if profile.proxy_mode == "explicit":
        proxy = urlsplit(profile.proxy_url or "")
        if proxy.scheme not in ("http", "https") or not proxy.hostname:
            raise ProfileError(
                f"proxy: '{profile.proxy_url or ''}' is not a proxy URL; use http://HOST:PORT"
            )
        if proxy.username or proxy.password:
            # profiles.json is plain text; proxy credentials are secrets like the token.
            raise ProfileError(
                "proxy: a user/password in the proxy URL would be stored in plain text; use proxy "
                "mode 'system' with HTTPS_PROXY (user:password@host) set in your environment"
            )
    if not _COLOR_RE.match(profile.color):
        raise ProfileError(f"colour: '{profile.color}' is not a #rrggbb colour")
    for label, value in (("connect timeout", profile.connect_timeout), ("deadline", profile.deadline)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= MAX_SECONDS:
            raise ProfileError(f"{label}: {value!r} must be a number of seconds between 0 and {MAX_SECONDS:g}")
    if not isinstance(profile.retries, int) or isinstance(profile.retries, bool) \
            or not 0 <= profile.retries <= MAX_RETRIES:
        raise ProfileError(f"retries: {profile.retries!r} must be a whole number from 0 to {MAX_RETRIES}")
    return warnings


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as an API base URL, or None. One rule for profiles
    and ``--api-url``: http(s), a host, a valid port, no credentials, no query."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return f"'{url}' is not a valid URL (check the host, the [IPv6] brackets and the port, 1 to 65535)"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"'{url}' must start with https:// (or http://) and name a host"
    if parts.username or parts.password:
        return "remove the user name/password from the URL"
    if parts.query or parts.fragment:
        return "remove the '?…'/'#…' part; MEMB_ID and HASH are added by the console"
    return None


def _validate_api_url(profile: Profile) -> None:
    problem = api_url_problem(profile.api_url)
    if problem:
        raise ProfileError(f"API URL: {problem}")


def find_secret_keys(data: Any, path: str = "") -> list[str]:
    """Paths of every key in ``data`` (nested dicts/lists) that names a secret."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if str(key).lower() in _SECRET_KEYS:
                found.append(here)
            found += find_secret_keys(value, here)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += find_secret_keys(value, f"{path}[{index}]")
    return found


# --------------------------------------------------------------------------- binding


def target_for(profile: Profile, token: Secret, *, api_url: str | None = None, from_store: bool = True) -> ApiTarget:
    """The :class:`ApiTarget` for ``profile`` with its ``token``.

    ``api_url`` replaces the profile's URL (the embedded sandbox's real address);
    it must be on the profile's host. A token read from the keyring
    (``from_store``) must have been stored for the host the profile points at now
    (``token_host``): a stored token never goes to another host. A token the user
    gives for this run only (``from_store=False``) is meant for the host as it is.
    """
    url = api_url or profile.api_url
    if not profile.is_embedded:
        if api_host(url) != profile.host:
            raise ProfileError(
                f"refusing to send profile '{profile.name}''s token to {api_host(url)}: "
                f"it belongs to {profile.host}"
            )
        if from_store and profile.token_host != profile.host:
            bound = profile.token_host or "another host"
            raise ProfileError(
                f"the token of profile '{profile.name}' was stored for {bound}, but the profile now "
                f"points at {profile.host}; set it again: lm-console profile set-token "
                f"{profile.name} --token-stdin"
            )
    return ApiTarget(
        api_url=url,
        partner_id=profile.partner_id,
        token=token,
        profile_name=profile.name,
        profile_kind=profile.kind,
    )


# --------------------------------------------------------------------------- file format


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


class ProfileStore:
    """The profiles of one installation, kept in ``<config_dir>/profiles.json``.

    Every call reads the file afresh and every change rewrites it atomically (mode
    0600), so the CLI and the window can share it. The built-in Sandbox profile is
    always listed first and cannot be removed or renamed.
    """

    def __init__(self, paths: AppPaths) -> None:
        self.path = paths.config_dir / PROFILES_FILE

    # -- reading
    def list(self) -> list[Profile]:
        """Every profile, Sandbox first, then in the file's order."""
        return self._load()

    def names(self) -> builtins.list[str]:
        return [p.name for p in self._load()]

    def get(self, name: str) -> Profile:
        """The profile called ``name``; :class:`ProfileError` if there is none."""
        for profile in self._load():
            if profile.name == name:
                return profile
        known = ", ".join(p.name for p in self._load())
        raise ProfileError(f"no profile named '{name}' (known: {known}); see: lm-console profile list")

    # -- changing
    def add(self, profile: Profile) -> builtins.list[str]:
        """Add a new profile; returns validation warnings."""
        warnings = validate_profile(profile)
        profiles = self._load()
        self._check_unique(profile.name, profiles)
        self._save(profiles + [profile])
        return warnings

    def update(self, profile: Profile) -> builtins.list[str]:
        """Replace the profile of the same name; returns validation warnings.

        The Sandbox profile's name, kind and API URL are fixed.
        """
        warnings = validate_profile(profile)
        profiles = self._load()
        index = self._index(profile.name, profiles)
        if profile.is_builtin:
            builtin = builtin_sandbox()
            if (profile.kind, profile.api_url) != (builtin.kind, builtin.api_url):
                raise ProfileError("the built-in Sandbox profile's kind and API URL cannot change")
        profiles[index] = profile
        self._save(profiles)
        return warnings

    def remove(self, name: str) -> None:
        """Remove a profile (its keyring token is the caller's to delete)."""
        if name == SANDBOX_PROFILE_NAME:
            raise ProfileError("the built-in Sandbox profile cannot be removed")
        profiles = self._load()
        del profiles[self._index(name, profiles)]
        self._save(profiles)

    def rename(self, old: str, new: str) -> Profile:
        """Rename a profile (its keyring token is the caller's to move)."""
        if SANDBOX_PROFILE_NAME in (old, new):
            raise ProfileError("the built-in Sandbox profile cannot be renamed")
        profiles = self._load()
        index = self._index(old, profiles)
        renamed = replace(profiles[index], name=new)
        validate_profile(renamed, check_files=False)
        self._check_unique(new, [p for p in profiles if p.name != old])
        profiles[index] = renamed
        self._save(profiles)
        return renamed

    def set_token_host(self, name: str, host: str | None) -> Profile:
        """Record that the stored token of ``name`` is for ``host`` (``None``: no token)."""
        profiles = self._load()
        index = self._index(name, profiles)
        profiles[index] = replace(profiles[index], token_host=host)
        self._save(profiles)
        return profiles[index]

    # -- export / import
    def export_json(self, name: str) -> str:
        """``name`` as a shareable JSON document: no token, no keyring binding."""
        profile = self.get(name)
        document = {"format": FORMAT, "kind": EXPORT_KIND, "profile": profile.to_dict(for_export=True)}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def import_json(self, text: str, *, source: str = "the file", name: str | None = None) -> tuple[Profile, builtins.list[str]]:
        """Add the profile in an exported document; returns it and its warnings.

        A document holding a secret is refused, not cleaned: a token in a shared
        file has already leaked, and its owner must learn that (and rotate it)
        rather than have the console quietly read past it.
        """
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProfileError(f"{source} is not JSON ({exc.msg}, line {exc.lineno}); export it again") from exc
        if not isinstance(document, dict) or not isinstance(document.get("profile"), dict):
            raise ProfileError(f"{source} is not a profile export (no 'profile' object); use lm-console profile export")
        secrets = find_secret_keys(document)
        if secrets:
            raise ProfileError(
                f"{source} contains a secret ({', '.join(secrets)}): refusing to import it; delete that "
                "field (and rotate the token, it has been in a plain file), then set the token with "
                "lm-console profile set-token NAME --token-stdin"
            )
        if document.get("kind") not in (None, EXPORT_KIND):
            raise ProfileError(f"{source} is a '{document.get('kind')}' file, not a profile export")
        version = document.get("format", FORMAT)
        if version != FORMAT:
            raise ProfileError(f"{source} is export format {version!r}; this app reads format {FORMAT}")
        data = dict(document["profile"])
        data.pop("token_host", None)  # a binding is never imported: this machine's keyring decides
        if name:
            data["name"] = name
        profile = Profile.from_dict(data)
        if profile.is_builtin:
            raise ProfileError(f"'{profile.name}' is the built-in profile; import it under another name (--name)")
        return profile, self.add(profile)

    # -- file
    def _load(self) -> builtins.list[Profile]:
        """Every profile in the file. A file of any shape either loads or raises one
        :class:`ProfileError` naming the file (and the field); it is never rewritten
        then, since every change loads first."""
        try:
            with self.path.open("rb") as file:
                raw = file.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return [builtin_sandbox()]
        except OSError as exc:
            raise ProfileError(f"cannot read {self.path} ({exc.strerror}); check its permissions") from exc
        untouched = "fix it or move it away (it was left untouched)"
        if len(raw) > MAX_FILE_BYTES:
            raise ProfileError(f"{self.path} is larger than {MAX_FILE_BYTES:,} bytes, so it is not a "
                               f"profiles file; {untouched}")
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ProfileError(f"{self.path} is not UTF-8 text (byte {exc.start}); {untouched}") from exc
        except json.JSONDecodeError as exc:
            raise ProfileError(f"{self.path} is not valid JSON (line {exc.lineno}: {exc.msg}); {untouched}") from exc
        except RecursionError as exc:
            raise ProfileError(f"{self.path} is nested too deeply to be a profiles file; {untouched}") from exc
        if not isinstance(data, dict):
            raise ProfileError(f"{self.path} is not a profiles file; {untouched}")
        try:
            data = upgrade_document(data, source=str(self.path))
            entries = data.get("profiles")
            if not isinstance(entries, list):
                raise ProfileError(f"no 'profiles' list; {untouched}")
            # An older file may name another partner for the embedded sandbox, which
            # only ever sends its own: show what is sent.
            profiles = [profile.with_changes(partner_id=SANDBOX_PARTNER_ID) if profile.is_embedded else profile
                        for profile in map(Profile.from_dict, entries)]
        except ProfileError as exc:
            message = str(exc)
            raise ProfileError(message if message.startswith(str(self.path)) else f"{self.path}: {message}") from exc
        for profile in profiles:
            try:
                validate_profile(profile, check_files=False)
            except ProfileError as exc:
                raise ProfileError(f"{self.path}: profile '{profile.name}': {exc}; fix the file") from exc
        if not any(p.is_builtin for p in profiles):
            profiles.insert(0, builtin_sandbox())
        return profiles

    def _save(self, profiles: Iterable[Profile]) -> None:
        document = {"format": FORMAT, "profiles": [p.to_dict() for p in profiles]}
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomically(self.path, json.dumps(document, indent=2, ensure_ascii=False) + "\n", mode=0o600)

    @staticmethod
    def _index(name: str, profiles: builtins.list[Profile]) -> int:
        for index, profile in enumerate(profiles):
            if profile.name == name:
                return index
        raise ProfileError(f"no profile named '{name}'; see: lm-console profile list")

    @staticmethod
    def _check_unique(name: str, profiles: builtins.list[Profile]) -> None:
        # Case-insensitive: "Prod" and "prod" side by side invite launching the wrong one.
        if any(p.name.casefold() == name.casefold() for p in profiles):
            raise ProfileError(f"name: a profile named '{name}' already exists; choose another name")


def target_from_store(profile: Profile, credentials: Any) -> ApiTarget:
    """The target of ``profile`` with its token from ``credentials`` (a
    :class:`~console_app.core.credentials.CredentialStore` or a run-only store).

    Blocks on the keyring: call it off the GUI thread. Raises
    :class:`~console_app.core.errors.CredentialError` when no token is set.
    """
    token = credentials.get(profile.name)
    if token is None:
        raise CredentialError(
            f"profile '{profile.name}' has no token in the OS keyring; store it with: "
            f"lm-console profile set-token {profile.name} --token-stdin (or in Profiles…)"
        )
    return target_for(profile, token)


# --------------------------------------------------------------------------- production guard

PRODUCTION_TITLE_SUFFIX = " — PRODUCTION"
PRODUCTION_BANNER = "PRODUCTION — real players, real money: {name} ({host}, partner {partner})"


@dataclass(frozen=True)
class GuardView:
    """How the window presents the active profile."""

    #: Text of the red banner, or None for no banner.
    banner: str | None
    #: Appended to the window title ("" outside production).
    title_suffix: str
    #: Background colour of the Launch button, or None for the style's own.
    launch_tint: str | None
    #: The profile's accent colour (environment selector dot, borders).
    accent: str


class ProductionGuard:
    """Decides how loudly the window marks a profile, and when a launch must be
    confirmed: the first launch on each production profile in each run.

    Pure logic (no Qt): the window asks it and draws what it says. A confirmation
    is remembered per profile name *and* host, so pointing a profile at another
    production host asks again.
    """

    def __init__(self) -> None:
        self._confirmed: set[tuple[str, str]] = set()

    def view(self, profile: Profile) -> GuardView:
        if not profile.is_production:
            return GuardView(banner=None, title_suffix="", launch_tint=None, accent=profile.color)
        banner = PRODUCTION_BANNER.format(name=profile.name, host=profile.host, partner=profile.partner_id)
        return GuardView(banner=banner, title_suffix=PRODUCTION_TITLE_SUFFIX,
                         launch_tint=profile.color, accent=profile.color)

    def window_title(self, base: str, profile: Profile) -> str:
        """``base`` plus the profile name, and the production suffix when it applies."""
        return f"{base} — {profile.name}{self.view(profile).title_suffix}"

    def needs_confirmation(self, profile: Profile) -> bool:
        return profile.is_production and (profile.name, profile.host) not in self._confirmed

    def confirmation_text(self, profile: Profile) -> str:
        return (
            f"Launch on PRODUCTION?\n\nProfile {profile.name} sends a real ENTER request to "
            f"{profile.host} as partner {profile.partner_id}. A real game session will be created.\n\n"
            "You will not be asked again for this profile until the console restarts."
        )

    def confirm(self, profile: Profile) -> None:
        """Record that the user accepted launching on ``profile`` for this run."""
        self._confirmed.add((profile.name, profile.host))
