"""The profile itself: where requests go, as which partner, over which network path.

``Profile.from_dict`` checks every stored or imported field against its declared
type, so a file of any shape either loads or names the field that is wrong.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from types import UnionType
from typing import TYPE_CHECKING, Any, Literal, get_args, get_type_hints
from urllib.parse import urlsplit

from console_app.core.errors import ProfileError
from console_app.core.models import ClientSettings

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

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
