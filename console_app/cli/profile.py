"""``lm-console profile ...``: manage connection profiles and their keyring tokens.

The token is only ever read from stdin (``--token-stdin``), never from an option:
options end up in shell history and in the process list. It goes to the OS keyring
and nowhere else; no command prints it.

Without an OS keyring, ``profile add NAME ... --token-stdin`` still saves the
profile (its settings are not secret and are useful on their own: ``launch
--profile NAME --token-stdin`` and the window's run-only memory both work with it)
but exits non-zero with one plain line saying the token was NOT stored, so neither
a person nor a script can mistake it for success.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from console_app.cli.common import RETRIES, SECONDS
from console_app.core.errors import CredentialError, InvalidInputError, NoKeyringError, ProfileError

if TYPE_CHECKING:
    from console_app.core.credentials import CredentialStore
    from console_app.core.profiles import Profile, ProfileStore


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``profile`` and its sub-commands to the ``lm-console`` parser."""
    parser = subparsers.add_parser(
        "profile",
        help="manage connection profiles (API URL, partner ID, token in the OS keyring)",
        description="Manage connection profiles. Tokens are kept in the OS keyring, never in files.",
    )
    commands = parser.add_subparsers(dest="profile_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="add a profile", description="Add a profile.")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--api-url", required=True, metavar="URL", help="the API base URL LuckyMonaco gave you (https://...)")
    add.add_argument("--partner-id", required=True, metavar="ID", help="the Partner ID (MEMB_ID)")
    add.add_argument("--kind", choices=("sandbox", "staging", "production"), default="staging",
                     help="environment kind (default staging); production adds guard rails")
    add.add_argument("--token-stdin", action="store_true", help="read the token (HASH) from stdin and store it in the OS keyring")
    add.add_argument("--ca-bundle", metavar="FILE", help="trust the CAs in this PEM file instead of the OS trust store")
    add.add_argument("--no-verify-tls", action="store_true", help="do not check the server's certificate (never for production)")
    add.add_argument("--proxy", metavar="URL|system|none", default="system",
                     help="proxy: system (HTTPS_PROXY/NO_PROXY, the default), none, or http://HOST:PORT")
    add.add_argument("--connect-timeout", type=SECONDS, metavar="S", help="connect timeout in seconds (default 5)")
    add.add_argument("--deadline", type=SECONDS, metavar="S", help="overall deadline per attempt in seconds (default 15)")
    add.add_argument("--retries", type=RETRIES, metavar="N", help="retries for retryable failures (default 2)")
    add.set_defaults(handler=run_add)

    listing = commands.add_parser("list", help="list the profiles")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler=run_list)

    show = commands.add_parser("show", help="show one profile (never its token)")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=run_show)

    set_token = commands.add_parser("set-token", help="store or replace a profile's token in the OS keyring")
    set_token.add_argument("name", metavar="NAME")
    set_token.add_argument("--token-stdin", action="store_true", required=True, help="read the token from stdin")
    set_token.set_defaults(handler=run_set_token)

    remove = commands.add_parser("remove", help="remove a profile and its keyring token")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=run_remove)

    export = commands.add_parser("export", help="write a profile as JSON (no token)")
    export.add_argument("name", metavar="NAME")
    export.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    export.set_defaults(handler=run_export)

    imported = commands.add_parser("import", help="add a profile from an exported JSON file")
    imported.add_argument("file", metavar="FILE")
    imported.add_argument("--name", metavar="NAME", help="import under this name")
    imported.set_defaults(handler=run_import)


# --------------------------------------------------------------------------- helpers


def _profiles(args: argparse.Namespace) -> ProfileStore:
    from console_app.core.profiles import ProfileStore

    return ProfileStore(args.paths)


def _credentials() -> CredentialStore:
    from console_app.core.credentials import CredentialStore

    return CredentialStore()


def _say(line: str, *, stream: TextIO | None = None) -> None:
    from console_app.core.redaction import redact

    print(redact(line), file=stream or sys.stdout, flush=True)


def _warn(lines: list[str]) -> None:
    for line in lines:
        _say(f"lm-console: warning: {line}", stream=sys.stderr)


def _read_token_from_stdin() -> str:
    from console_app.core.credentials import check_token

    if sys.stdin is None or sys.stdin.isatty():
        raise InvalidInputError("--token-stdin: pipe the token in, e.g. lm-console profile ... --token-stdin < token.txt")
    return check_token(sys.stdin.readline())


def _proxy_fields(value: str) -> tuple[str, str | None]:
    """(proxy_mode, proxy_url) for ``--proxy``."""
    if value == "system":
        return "system", None
    if value == "none":
        return "none", None
    return "explicit", value


def _store_token(profiles: ProfileStore, profile: Profile, token: str) -> str:
    """Put ``token`` in the keyring for ``profile`` and bind it to the profile's host;
    returns the keyring's description."""
    credentials = _credentials()
    credentials.set(profile.name, token)
    profiles.set_token_host(profile.name, profile.host)
    return credentials.backend_description()


def _no_token_stored(name: str, error: CredentialError) -> CredentialError:
    """The error for a profile that was saved while its token could not be."""
    from console_app.core.credentials import NO_KEYRING_MESSAGE, NO_KEYRING_REASON

    # The window keeps tokens in memory for a run; a finished CLI command keeps nothing.
    reason = f"{NO_KEYRING_REASON}, and tokens are never written to files" if str(error) == NO_KEYRING_MESSAGE else str(error)
    quoted = shlex.quote(name)  # pasted into a shell as it is
    next_step = (
        f"once a keyring works (install and unlock gnome-keyring / KWallet): lm-console profile set-token "
        f"{quoted} --token-stdin; or pass it on each run: lm-console launch --profile {quoted} --token-stdin"
    )
    failure = type(error)(f"profile '{name}' was saved, but its token was NOT stored: {reason}; {next_step}")
    failure.exit_code = error.exit_code
    return failure


# --------------------------------------------------------------------------- commands


def run_add(args: argparse.Namespace) -> int:
    """``profile add``."""
    from console_app.core.profiles import Profile

    token = _read_token_from_stdin() if args.token_stdin else None
    optional = {
        key: value
        for key, value in (("connect_timeout", args.connect_timeout), ("deadline", args.deadline), ("retries", args.retries))
        if value is not None
    }
    proxy_mode, proxy_url = _proxy_fields(args.proxy)
    profile = Profile(
        name=args.name,
        api_url=args.api_url.strip(),
        partner_id=args.partner_id.strip(),
        kind=args.kind,
        verify_tls=not args.no_verify_tls,
        ca_bundle=str(Path(args.ca_bundle).expanduser().resolve()) if args.ca_bundle else None,
        proxy_mode=proxy_mode,
        proxy_url=proxy_url,
        **optional,
    )
    profiles = _profiles(args)
    _warn(profiles.add(profile))
    _say(f"saved profile '{profile.name}' ({profile.kind}, {profile.api_url}, partner {profile.partner_id})")
    if token is None:
        _say(f"token: not set; store it with: lm-console profile set-token {shlex.quote(profile.name)} --token-stdin")
        return 0
    try:
        backend = _store_token(profiles, profile, token)
    except CredentialError as error:
        raise _no_token_stored(profile.name, error) from error
    _say(f"token: stored in {backend}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """``profile list``."""
    profiles = _profiles(args).list()
    if args.json:
        print(json.dumps([p.to_dict(for_export=True) for p in profiles], indent=2, ensure_ascii=False))
        return 0
    rows = [("NAME", "KIND", "API URL", "PARTNER ID")] + [(p.name, p.kind, p.api_url, p.partner_id) for p in profiles]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        _say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
    return 0


def token_status(profile: Profile) -> str:
    """Where the profile's token is, for people: never the token itself."""
    if profile.is_embedded:
        return "built in (the embedded sandbox's own token)"
    try:
        credentials = _credentials()
        stored = credentials.get(profile.name)
        backend = credentials.backend_description()
    except NoKeyringError:
        return "unknown: no OS keyring is available on this machine"
    except CredentialError as error:
        return f"unknown: {error}"
    if stored is None:
        return "not set"
    if profile.token_host != profile.host:
        return (f"stored in {backend}, but for {profile.token_host or 'another host'}: it will not be sent "
                f"to {profile.host} until set again")
    return f"stored in {backend}"


def run_show(args: argparse.Namespace) -> int:
    """``profile show``."""
    profile = _profiles(args).get(args.name)
    data = profile.to_dict(for_export=True)
    data["token"] = token_status(profile)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    settings = profile.client_settings()
    trust = ("OFF (no certificate check)" if settings.verify is False
             else f"CA bundle {settings.verify}" if isinstance(settings.verify, str) else "OS trust store")
    proxy = {"system": "system (HTTPS_PROXY / NO_PROXY)", "none": "none"}.get(profile.proxy_mode, profile.proxy_url or "")
    lines = [
        ("name", profile.name),
        ("kind", profile.kind),
        ("API URL", profile.api_url),
        ("partner ID", profile.partner_id),
        ("colour", profile.color),
        ("TLS trust", trust),
        ("proxy", proxy),
        ("timeouts", f"connect {profile.connect_timeout:g} s, deadline {profile.deadline:g} s, retries {profile.retries}"),
        ("token", data["token"]),
    ]
    defaults = {k: v for k, v in data["defaults"].items() if v}
    if defaults:
        lines.append(("player defaults", ", ".join(f"{k}={v}" for k, v in defaults.items())))
    for label, value in lines:
        _say(f"{label + ':':<17}{value}")
    return 0


def run_set_token(args: argparse.Namespace) -> int:
    """``profile set-token``."""
    profiles = _profiles(args)
    profile = profiles.get(args.name)
    if profile.is_embedded:
        raise ProfileError(f"'{profile.name}' uses the embedded sandbox's own token; nothing to set")
    backend = _store_token(profiles, profile, _read_token_from_stdin())
    _say(f"token of '{profile.name}' stored in {backend} (bound to {profile.host})")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    """``profile remove``: the keyring token first, so no secret outlives its profile."""
    profiles = _profiles(args)
    profile = profiles.get(args.name)
    if profile.is_builtin:
        raise ProfileError("the built-in Sandbox profile cannot be removed")
    try:
        deleted = _credentials().delete(profile.name)
    except NoKeyringError:
        deleted = False
        if profile.token_host:
            _warn([f"no OS keyring is reachable: if a token of '{profile.name}' is still stored there, "
                   "delete it with your keyring tool (service luckymonaco-console)"])
    except CredentialError as error:
        raise CredentialError(f"profile '{profile.name}' was NOT removed: {error}") from error
    profiles.remove(profile.name)
    _say(f"removed profile '{profile.name}'" + (" and its token" if deleted else ""))
    return 0


def run_export(args: argparse.Namespace) -> int:
    """``profile export``: JSON without any secret, on stdout or in ``--out``."""
    from console_app.core.paths import write_atomically

    text = _profiles(args).export_json(args.name)
    if not args.out:
        sys.stdout.write(text)
        return 0
    out = Path(args.out).expanduser()
    try:
        write_atomically(out, text, mode=0o644)  # meant to be shared: it holds no secret
    except OSError as exc:
        raise ProfileError(f"cannot write {out} ({exc.strerror}); choose another --out file") from exc
    _say(f"exported profile '{args.name}' to {out} (no token)", stream=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    """``profile import``."""
    path = Path(args.file).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read {path} ({getattr(exc, 'strerror', None) or exc}); check the file name") from exc
    profile, warnings = _profiles(args).import_json(text, source=str(path), name=args.name)
    _warn(warnings)
    _say(f"imported profile '{profile.name}' ({profile.kind}, {profile.api_url}); "
         f"set its token with: lm-console profile set-token {shlex.quote(profile.name)} --token-stdin")
    return 0
