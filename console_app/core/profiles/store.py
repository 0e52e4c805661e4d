"""The profiles of one installation, in ``profiles.json`` in the config folder.

The file is readable JSON with a ``"format"`` number
(:mod:`console_app.core.profiles.upgrades`). A profile never holds the partner
token: tokens live in the OS keyring (:mod:`console_app.core.credentials`).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable
from dataclasses import replace

from console_app.core.errors import ProfileError
from console_app.core.paths import AppPaths, write_atomically
from console_app.core.profiles.model import SANDBOX_PARTNER_ID, SANDBOX_PROFILE_NAME, Profile, builtin_sandbox
from console_app.core.profiles.upgrades import FORMAT, PROFILES_FILE, upgrade_document
from console_app.core.profiles.validation import find_secret_keys, validate_profile

#: A profiles file is a few KB; anything far larger is not one (and is not read whole).
MAX_FILE_BYTES = 1024 * 1024
EXPORT_KIND = "luckymonaco-console-profile"


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
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_atomically(self.path, json.dumps(document, indent=2, ensure_ascii=False) + "\n", mode=0o600)
        except OSError as exc:  # read-only or full config folder: nothing changed
            raise ProfileError(f"profiles not saved: cannot write {self.path} ({exc.strerror or exc}); "
                               "nothing was changed: make the folder writable or use --basedir DIR") from exc

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
