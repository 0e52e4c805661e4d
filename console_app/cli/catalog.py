"""``lm-console catalog``: the games, languages and currencies a profile may use.

- ``catalog import FILE [--profile NAME]``: read a SLOT_SPEC ``.xlsx``/``.csv``, print
  what was read and skipped, replace the profile's catalog and print what changed;
- ``catalog fetch [--profile NAME | --api-url URL --partner-id ID --token-env VAR]
  [--into NAME]``: store the live ``/api/gamelist`` of the target (without options,
  the built-in sandbox's);
- ``catalog show [--profile NAME] [--json]``.

The default profile is the built-in Sandbox, whose catalog is the bundled sample
until something else is imported or fetched.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from console_app.core.catalog import SANDBOX_PROFILE, Catalog, CatalogDiff, CatalogStore
from console_app.core.paths import AppPaths


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``catalog import|fetch|show`` to the ``lm-console`` parser."""
    parser = subparsers.add_parser(
        "catalog",
        help="import, fetch or show a profile's game catalog",
        description="The games, languages and currencies a profile may use (from SLOT_SPEC or the live game list).",
    )
    commands = parser.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)

    importer = commands.add_parser("import", help="import a SLOT_SPEC .xlsx or .csv",
                                   description="Replace a profile's catalog with a SLOT_SPEC spreadsheet (.xlsx or .csv).")
    importer.add_argument("file", metavar="FILE", help="the SLOT_SPEC .xlsx or a CSV export of it")
    importer.add_argument("--profile", metavar="NAME", default=SANDBOX_PROFILE,
                          help=f"whose catalog to replace (default {SANDBOX_PROFILE})")
    importer.add_argument("--json", action="store_true", help="print the report and changes as JSON")
    importer.set_defaults(handler=run_import)

    fetch = commands.add_parser("fetch", help="store the live game list (POST /api/gamelist)",
                                description="Fetch the game list from the API and store it as the profile's catalog. "
                                            "Without --profile or --api-url it asks the built-in sandbox.")
    from console_app.cli.common import add_target_options

    add_target_options(fetch)
    fetch.add_argument("--into", metavar="NAME",
                       help=f"store it as this profile's catalog (default: --profile, else {SANDBOX_PROFILE})")
    fetch.add_argument("--game-type", dest="gametype", default="slot", metavar="slot|table",
                       help="which list to ask for (default slot)")
    fetch.set_defaults(handler=run_fetch)

    show = commands.add_parser("show", help="print a profile's catalog")
    show.add_argument("--profile", metavar="NAME", default=SANDBOX_PROFILE,
                      help=f"whose catalog (default {SANDBOX_PROFILE})")
    show.add_argument("--json", action="store_true", help="print JSON: games, languages, currencies, source, updated")
    show.set_defaults(handler=run_show)


def _check_profile(paths: AppPaths, name: str) -> None:
    """Refuse a misspelt profile name instead of filing a catalog nobody will see."""
    if name == SANDBOX_PROFILE:
        return
    from console_app.core.profiles import ProfileStore

    ProfileStore(paths).get(name)


def _print_diff(profile: str, diff: CatalogDiff, catalog: Catalog) -> None:
    print(f"catalog of profile {profile!r} replaced ({catalog.label}: {catalog.source})")
    print(diff.summary())


def run_import(args: argparse.Namespace) -> int:
    from console_app.core.slot_spec import read_slot_spec

    _check_profile(args.paths, args.profile)
    catalog, report = read_slot_spec(args.file)
    diff = CatalogStore(args.paths).replace(args.profile, catalog)
    if args.json:
        print(json.dumps({
            "profile": args.profile,
            "games_read": report.games_read,
            "languages_read": report.languages_read,
            "currencies_read": report.currencies_read,
            "skipped": [{"sheet": s.sheet, "row": s.row, "reason": s.reason} for s in report.skipped],
            "warnings": report.warnings,
            "changes": {name: list(getattr(diff, name)) for name in diff.__dataclass_fields__},
        }, ensure_ascii=False, indent=2))
        return 0
    print(report.summary())
    _print_diff(args.profile, diff, catalog)
    return 0


def run_fetch(args: argparse.Namespace) -> int:
    from console_app.cli import fail
    from console_app.cli.common import call_api, open_target, settings_from_args
    from console_app.core.catalog import catalog_from_game_list
    from console_app.core.error_dictionary import for_paths
    from console_app.core.errors import ConsoleError
    from console_app.core.messages import one_line
    profile = args.into or args.profile or SANDBOX_PROFILE
    _check_profile(args.paths, profile)
    store = CatalogStore(args.paths)
    try:
        with open_target(args) as target:
            items = call_api(settings_from_args(args), lambda session: session.client.game_list(target, gametype=args.gametype))
            api_url = target.api_url
    except ConsoleError as exc:
        return fail(one_line(exc, "gamelist", for_paths(args.paths)), exc.exit_code)
    catalog, notes = catalog_from_game_list(items, api_url=api_url, previous=store.load(profile),
                                            gametype=args.gametype)
    if not catalog.games:
        return fail(f"the game list from {api_url} is empty; nothing stored (profile {profile!r} unchanged)", 4)
    diff = store.replace(profile, catalog)
    print(f"fetched {len(catalog.games)} games from {api_url}")
    for note in notes:
        print(f"  {note}")
    _print_diff(profile, diff, catalog)
    return 0


def show_json(catalog: Catalog, profile: str) -> dict[str, Any]:
    """What ``catalog show --json`` prints."""
    games = []
    for game in catalog.games:
        item = {"id": game.id, "name": game.name, "type": game.type}
        if game.icon_url:
            item["icon_url"] = game.icon_url
        games.append(item)
    return {
        "profile": profile,
        "games": games,
        "languages": list(catalog.languages),
        "currencies": list(catalog.currencies),
        "source": catalog.source,
        "label": catalog.label,
        "updated": catalog.updated.isoformat(),
    }


def run_show(args: argparse.Namespace) -> int:
    _check_profile(args.paths, args.profile)
    catalog = CatalogStore(args.paths).load(args.profile)
    if args.json:
        print(json.dumps(show_json(catalog, args.profile), ensure_ascii=False, indent=2))
        return 0
    out = sys.stdout
    print(f"profile:    {args.profile}", file=out)
    print(f"catalog:    {catalog.label}" + (" (bundled sample, not the real SLOT_SPEC)" if catalog.is_sample else ""),
          file=out)
    print(f"source:     {catalog.source}", file=out)
    print(f"updated:    {catalog.updated.isoformat()}", file=out)
    print(f"languages:  {', '.join(catalog.languages) or '(none listed: any accepted)'}", file=out)
    print(f"currencies: {', '.join(catalog.currencies) or '(none listed: any accepted)'}", file=out)
    print(f"games ({len(catalog.games)}):", file=out)
    width = max((len(g.id) for g in catalog.games), default=0)
    for game in catalog.games:
        print(f"  {game.id:<{width}}  {game.name}", file=out)
    return 0
