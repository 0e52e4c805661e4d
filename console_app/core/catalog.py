"""The game catalog: which games, languages and currencies a profile may use.

A :class:`Catalog` comes from one of three sources, named by its ``label``:

- ``"sample"``: the bundled ``resources/sample_catalog.json`` (the game IDs from
  LuckyMonaco's public documentation), used whenever a profile has no catalog of its
  own; the Sandbox profile's adds the languages its demo game speaks;
- ``"slot_spec"``: a SLOT_SPEC spreadsheet imported with :mod:`console_app.core.slot_spec`;
- ``"live"``: the ``/api/gamelist`` answer of the profile's API.

:class:`CatalogStore` keeps one catalog per profile as plain JSON in
``<data>/catalogs/``; loading is a single ``json.loads`` so start-up stays fast
(about 2 ms for 1,000 games). :class:`GameShortlist` remembers recent and favourite
games for the game picker.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from console_app.core.errors import CatalogError
from console_app.core.paths import AppPaths, resources_dir, write_atomically

log = logging.getLogger("console_app.core.catalog")

CatalogLabel = Literal["sample", "slot_spec", "live"]
LABELS: tuple[str, ...] = ("sample", "slot_spec", "live")
#: The built-in profile whose catalog is the bundled sample.
SANDBOX_PROFILE = "Sandbox"
FORMAT = 1


@dataclass(frozen=True)
class Game:
    """One game: its ID (what ENTER's ``gameid`` takes), display name and type;
    ``extra`` keeps any other column or field the source gave (shown, never sent)."""

    id: str
    name: str = ""
    type: str = "slot"
    icon_url: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def display_name(self) -> str:
        """The name, or the ID when the source gave no name."""
        return self.name or self.id

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        if self.icon_url:
            data["icon_url"] = self.icon_url
        if self.extra:
            data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Game:
        extra = data.get("extra") or {}
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or ""),
            type=str(data.get("type") or "slot"),
            icon_url=data.get("icon_url") or None,
            extra={str(k): str(v) for k, v in extra.items()} if isinstance(extra, dict) else {},
        )


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Catalog:
    """Games, supported languages (ISO 639-1) and currencies (ISO 4217, upper case),
    where they came from (``source``, a human sentence; ``label``, one of
    :data:`LABELS`) and when (``updated``, timezone-aware)."""

    games: tuple[Game, ...]
    languages: tuple[str, ...]
    currencies: tuple[str, ...]
    source: str
    label: str
    updated: datetime = field(default_factory=_now)

    def __post_init__(self) -> None:
        object.__setattr__(self, "games", tuple(self.games))
        object.__setattr__(self, "languages", tuple(self.languages))
        object.__setattr__(self, "currencies", tuple(self.currencies))

    @property
    def game_ids(self) -> tuple[str, ...]:
        return tuple(game.id for game in self.games)

    def game(self, game_id: str) -> Game | None:
        """The game with exactly this ID, or None."""
        return self._index().get(game_id)

    def _index(self) -> dict[str, Game]:
        # Built on first use and kept on the (frozen) instance: lookups are O(1).
        index = self.__dict__.get("_game_index")
        if index is None:
            index = {game.id: game for game in self.games}
            object.__setattr__(self, "_game_index", index)
        return index

    @property
    def is_sample(self) -> bool:
        return self.label == "sample"

    def to_dict(self) -> dict[str, Any]:
        """The stored form (also what ``catalog show --json`` prints)."""
        return {
            "format": FORMAT,
            "label": self.label,
            "source": self.source,
            "updated": self.updated.isoformat(),
            "games": [game.to_dict() for game in self.games],
            "languages": list(self.languages),
            "currencies": list(self.currencies),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, default_updated: datetime | None = None) -> Catalog:
        """Parse the stored form; raises :class:`CatalogError` when it is malformed."""
        try:
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            label = str(data.get("label") or "sample")
            if label not in LABELS:
                raise ValueError(f"unknown label {label!r}")
            updated_text = data.get("updated")
            updated = datetime.fromisoformat(updated_text) if updated_text else (default_updated or _now())
            if updated.tzinfo is None:
                updated = updated.replace(tzinfo=UTC)
            return cls(
                games=tuple(Game.from_dict(item) for item in data.get("games") or ()),
                languages=tuple(str(code) for code in data.get("languages") or ()),
                currencies=tuple(str(code) for code in data.get("currencies") or ()),
                source=str(data.get("source") or ""),
                label=label,
                updated=updated,
            )
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise CatalogError(f"malformed catalog: {exc}") from exc

    @classmethod
    def from_json(cls, text: str | bytes) -> Catalog:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CatalogError(f"malformed catalog: not JSON ({exc})") from exc
        return cls.from_dict(data)


@lru_cache(maxsize=1)
def sample_catalog() -> Catalog:
    """The bundled sample catalog (label ``"sample"``), loaded once."""
    path = resources_dir() / "sample_catalog.json"
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
    return Catalog.from_dict(json.loads(path.read_text("utf-8")), default_updated=stamp)


@lru_cache(maxsize=1)
def sandbox_catalog() -> Catalog:
    """The Sandbox profile's catalog: the sample's games and currencies, and every
    language the sandbox's demo game speaks (its string table), not only the four the
    spec documents, which the sample keeps for every other profile."""
    sample = sample_catalog()
    spoken = json.loads((resources_dir() / "demo_game" / "strings.json").read_text("utf-8"))
    return replace(sample, languages=(*sample.languages, *(code for code in spoken if code not in sample.languages)),
                   source=f"{sample.source}; languages: those the sandbox's demo game speaks")


@dataclass(frozen=True)
class CatalogDiff:
    """What replacing one catalog with another changed."""

    games_added: tuple[str, ...] = ()
    games_removed: tuple[str, ...] = ()
    games_renamed: tuple[tuple[str, str, str], ...] = ()  # (id, old name, new name)
    languages_added: tuple[str, ...] = ()
    languages_removed: tuple[str, ...] = ()
    currencies_added: tuple[str, ...] = ()
    currencies_removed: tuple[str, ...] = ()

    @classmethod
    def between(cls, old: Catalog, new: Catalog) -> CatalogDiff:
        old_games = {g.id: g for g in old.games}
        new_games = {g.id: g for g in new.games}
        renamed = tuple(
            (gid, old_games[gid].name, game.name)
            for gid, game in new_games.items()
            if gid in old_games and old_games[gid].name != game.name and game.name
        )
        return cls(
            games_added=tuple(gid for gid in new_games if gid not in old_games),
            games_removed=tuple(gid for gid in old_games if gid not in new_games),
            games_renamed=renamed,
            languages_added=_added(old.languages, new.languages),
            languages_removed=_added(new.languages, old.languages),
            currencies_added=_added(old.currencies, new.currencies),
            currencies_removed=_added(new.currencies, old.currencies),
        )

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    def summary(self, *, limit: int = 10) -> str:
        """Readable lines, e.g. ``games: +3 (lm_61_x, ...), -1 (lm_2_y)``."""
        if self.is_empty:
            return "no changes"
        lines = []
        for what, added, removed in (
            ("games", self.games_added, self.games_removed),
            ("languages", self.languages_added, self.languages_removed),
            ("currencies", self.currencies_added, self.currencies_removed),
        ):
            parts = []
            if added:
                parts.append(f"+{len(added)} ({_listing(added, limit)})")
            if removed:
                parts.append(f"-{len(removed)} ({_listing(removed, limit)})")
            lines.append(f"{what}: {', '.join(parts) if parts else 'unchanged'}")
        if self.games_renamed:
            shown = [f"{gid}: {old!r} -> {new!r}" for gid, old, new in self.games_renamed[:limit]]
            more = len(self.games_renamed) - len(shown)
            lines.append(f"renamed: {'; '.join(shown)}" + (f"; and {more} more" if more else ""))
        return "\n".join(lines)


def _added(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    before = set(old)
    return tuple(item for item in new if item not in before)


def _listing(items: tuple[str, ...], limit: int) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f", and {len(items) - limit} more" if len(items) > limit else "")


def catalog_from_game_list(items: list[dict[str, Any]], *, api_url: str, previous: Catalog | None = None,
                           gametype: str = "slot") -> tuple[Catalog, list[str]]:
    """A ``"live"`` catalog from ``/api/gamelist`` items (``gameid``, ``gameName``,
    ``icon_url``) and notes about items that were left out.

    Relative icon URLs are resolved against ``api_url``; only http(s) icons are kept.
    The game list names no languages or currencies, so those of ``previous`` (e.g. the
    SLOT_SPEC import) are kept."""
    from urllib.parse import urljoin

    notes: list[str] = []
    games: dict[str, Game] = {}
    for number, item in enumerate(items, start=1):
        game_id = str(item.get("gameid") or "").strip()
        if not game_id:
            notes.append(f"item {number}: no gameid; left out")
            continue
        if game_id in games:
            notes.append(f"item {number}: duplicate gameid {game_id}; left out")
            continue
        icon = str(item.get("icon_url") or "").strip()
        icon = urljoin(api_url.rstrip("/") + "/", icon) if icon else ""
        extra = {str(k): str(v) for k, v in item.items() if k not in ("gameid", "gameName", "icon_url") and v is not None}
        games[game_id] = Game(
            id=game_id,
            name=str(item.get("gameName") or "").strip(),
            type=gametype,
            icon_url=icon if icon.lower().startswith(("http://", "https://")) else None,
            extra=extra,
        )
    source = f"live game list from {api_url}"
    if previous is not None and (previous.languages or previous.currencies):
        source += f" (languages and currencies kept from: {previous.source})"
    catalog = Catalog(
        games=tuple(games.values()),
        languages=previous.languages if previous else (),
        currencies=previous.currencies if previous else (),
        source=source,
        label="live",
    )
    return catalog, notes


_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def safe_file_stem(profile_name: str) -> str:
    """A file name stem for a profile: readable, portable, and distinct for names that
    differ only in case or punctuation (a short hash of the exact name is appended,
    because case-insensitive file systems would merge ``Prod`` and ``prod``)."""
    slug = _UNSAFE.sub("_", profile_name.casefold()).strip("._-")[:40] or "profile"
    digest = hashlib.sha256(profile_name.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}"


class CatalogStore:
    """One catalog per profile in ``<data>/catalogs/<safe name>.json``."""

    def __init__(self, paths: AppPaths) -> None:
        self._dir = paths.data_dir / "catalogs"

    def path_for(self, profile_name: str) -> Path:
        return self._dir / f"{safe_file_stem(profile_name)}.json"

    def stored(self, profile_name: str) -> Catalog | None:
        """The profile's own catalog, or None if it has none.

        Raises :class:`CatalogError` when the stored file is unreadable."""
        path = self.path_for(profile_name)
        try:
            text = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CatalogError(f"cannot read the catalog of profile {profile_name!r} ({path}): {exc}") from exc
        try:
            return Catalog.from_json(text)
        except CatalogError as exc:
            raise CatalogError(
                f"the stored catalog of profile {profile_name!r} is damaged ({path}): {exc}; "
                "import or fetch it again"
            ) from exc

    def load(self, profile_name: str = SANDBOX_PROFILE) -> Catalog:
        """The profile's catalog; the bundled sample when it has none (or its file is
        damaged: logged, so start-up never fails over a catalog)."""
        try:
            catalog = self.stored(profile_name)
        except CatalogError as exc:
            log.warning("%s; using the sample catalog", exc)
            catalog = None
        if catalog is not None:
            return catalog
        return sandbox_catalog() if profile_name == SANDBOX_PROFILE else sample_catalog()

    def replace(self, profile_name: str, catalog: Catalog) -> CatalogDiff:
        """Store ``catalog`` as the profile's catalog (atomically) and say what changed
        compared with what :meth:`load` returned before."""
        diff = CatalogDiff.between(self.load(profile_name), catalog)
        try:
            write_atomically(self.path_for(profile_name), catalog.to_json())
        except OSError as exc:
            raise CatalogError(f"cannot save the catalog of profile {profile_name!r}: {exc}") from exc
        return diff

    def remove(self, profile_name: str) -> bool:
        """Forget the profile's catalog (it falls back to the sample); True if one existed."""
        try:
            self.path_for(profile_name).unlink()
            return True
        except FileNotFoundError:
            return False


class GameShortlist:
    """Recent and favourite game IDs for the game picker, in ``<data>/games.json``.

    Small and Qt-free; every change is written atomically at once. A damaged file
    is treated as empty (it holds preferences, nothing that cannot be rebuilt)."""

    MAX_RECENT = 8

    def __init__(self, paths: AppPaths) -> None:
        self._path = paths.data_dir / "games.json"
        self._recent: list[str] = []
        self._favourites: list[str] = []
        self.reload()

    def reload(self) -> None:
        """Re-read the file (every change does this first, so two pickers or a picker
        and the CLI do not undo each other's changes)."""
        try:
            data = json.loads(self._path.read_text("utf-8"))
            self._recent = [str(x) for x in data.get("recent", [])][: self.MAX_RECENT]
            self._favourites = [str(x) for x in data.get("favourites", [])]
        except FileNotFoundError:
            pass
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            log.warning("ignored damaged game shortlist %s: %s", self._path, exc)

    def recent(self) -> list[str]:
        """Most recently used first."""
        return list(self._recent)

    def favourites(self) -> list[str]:
        """In the order they were starred."""
        return list(self._favourites)

    def is_favourite(self, game_id: str) -> bool:
        return game_id in self._favourites

    def set_favourite(self, game_id: str, favourite: bool) -> None:
        self.reload()
        if favourite and game_id not in self._favourites:
            self._favourites.append(game_id)
        elif not favourite and game_id in self._favourites:
            self._favourites.remove(game_id)
        else:
            return
        self._save()

    def toggle_favourite(self, game_id: str) -> bool:
        """Star or unstar; returns the new state."""
        now = not self.is_favourite(game_id)
        self.set_favourite(game_id, now)
        return now

    def note_used(self, game_id: str) -> None:
        """Move ``game_id`` to the front of the recent list (e.g. after a launch)."""
        game_id = game_id.strip()
        self.reload()
        if not game_id or (self._recent and self._recent[0] == game_id):
            return
        self._recent = [game_id] + [x for x in self._recent if x != game_id]
        del self._recent[self.MAX_RECENT :]
        self._save()

    def _save(self) -> None:
        data = {"recent": self._recent, "favourites": self._favourites}
        try:
            write_atomically(self._path, json.dumps(data, indent=1))
        except OSError as exc:
            log.warning("could not save the game shortlist %s: %s", self._path, exc)
