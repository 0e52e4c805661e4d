"""Reading a suite file (TOML, with :mod:`tomllib`) into a :class:`Suite`.

Everything is checked before anything is sent: an unknown key, an unknown value or
a wrong type raises :class:`SuiteError` with one line naming the case and the key.
Cases expand in file order; each ``[[matrix]]`` is the product of its lists (in the
order its keys are written), a list being a TOML array, ``"catalog"`` (every value
the profile's catalog lists) or the rows of a CSV file (``rows = "cases.csv"``).
"""

from __future__ import annotations

import csv
import itertools
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from console_app.core.models import LaunchRequest
from console_app.core.suite.model import (
    DEVICES,
    OUTCOMES,
    SEND_MODES,
    VALIDATION_VALUES,
    Case,
    Expectation,
    Suite,
    SuiteError,
)

#: Suite-file request keys -> LaunchRequest attributes.
REQUEST_KEYS: dict[str, str] = {
    "game_type": "gametype",
    "game_id": "gameid",
    "player_id": "player_id",
    "nickname": "nickname",
    "language": "language",
    "currency": "currency",
    "session_id": "session_id",
    "ip": "ip",
}
#: Keys a case (or matrix) may have besides the request fields.
CASE_KEYS = ("name", "expect", "uuid", "omit", "override", "send", "device", "reopen_after",
             "wrong_credentials")
#: Request keys whose matrix value may be "catalog", and what the catalog gives.
CATALOG_KEYS = ("game_id", "language", "currency")
#: ``session_id = "auto"``: the runner makes a fresh session ID for each case.
AUTO = "auto"
_EXPECT_TYPES: dict[str, tuple[type, ...]] = {
    "outcome": (str,), "http": (int,), "code": (str,), "code_prefix": (str,),
    "message_contains": (str,), "game": (str,), "title_contains": (str,),
    "max_load_s": (int, float), "no_console_errors": (bool,), "validation": (str,),
}
_EXPECT_VALUES: dict[str, tuple[str, ...]] = {
    "outcome": OUTCOMES, "game": ("loads",), "validation": VALIDATION_VALUES,
}
_CASE_VALUES: dict[str, tuple[str, ...]] = {
    "send": SEND_MODES, "device": tuple(DEVICES), "wrong_credentials": ("partner_id", "token"),
}
_TYPE_WORDS = {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
               list: "an array", dict: "a table"}


class CatalogValues:
    """The values ``"catalog"`` stands for, read from a catalog only when asked (a
    suite without ``"catalog"`` never loads one)."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._catalog: Any = None

    def values(self, key: str, game_type: str) -> list[str]:
        if self._catalog is None:
            self._catalog = self._load()
        catalog = self._catalog
        if key == "game_id":
            return [game.id for game in catalog.games if game.type == game_type]
        return list(catalog.languages if key == "language" else catalog.currencies)


def _type_word(kinds: tuple[type, ...]) -> str:
    return " or ".join(_TYPE_WORDS.get(kind, kind.__name__) for kind in kinds)


def _is(value: Any, kinds: tuple[type, ...]) -> bool:
    # TOML booleans are ints to Python: never accept one where a number is meant.
    return isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)


class _Reader:
    """Checks one suite document; every error names the file, the case and the key."""

    def __init__(self, source: str, base_dir: Path, catalog: CatalogValues | None) -> None:
        self.source = source
        self.base_dir = base_dir
        self.catalog = catalog

    def fail(self, where: str, key: str, problem: str) -> SuiteError:
        place = f"{where}: " if where else ""
        return SuiteError(f"suite {self.source}: {place}{key}: {problem}; nothing was sent")

    def check_keys(self, table: dict[str, Any], allowed: Iterable[str], where: str, prefix: str = "") -> None:
        allowed = tuple(allowed)
        for key in table:
            if key not in allowed:
                raise self.fail(where, f"{prefix}{key}", f"unknown key (known: {', '.join(allowed)})")

    def table(self, document: dict[str, Any], key: str) -> dict[str, Any]:
        value = document.get(key, {})
        if not isinstance(value, dict):
            raise self.fail("", key, "must be a table ([" + key + "])")
        return value

    def request_fields(self, table: dict[str, Any], where: str, *, lists: bool) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for key in REQUEST_KEYS:
            if key not in table:
                continue
            value = table[key]
            if lists and isinstance(value, list):
                if not value or not all(isinstance(item, str) for item in value):
                    raise self.fail(where, key, "a list of values must hold one or more strings")
            elif lists and value == "catalog":
                if key not in CATALOG_KEYS:
                    raise self.fail(where, key, f'"catalog" only stands for {", ".join(CATALOG_KEYS)}')
            elif not isinstance(value, str):
                raise self.fail(where, key, f"expected a string, got {type(value).__name__}")
            fields[key] = value
        return fields

    def expectation(self, value: Any, where: str) -> Expectation:
        if not isinstance(value, dict):
            raise self.fail(where, "expect", "must be an inline table, e.g. { outcome = \"success\" }")
        self.check_keys(value, _EXPECT_TYPES, where, "expect.")
        for key, item in value.items():
            kinds = _EXPECT_TYPES[key]
            if not _is(item, kinds):
                raise self.fail(where, f"expect.{key}", f"expected {_type_word(kinds)}, got {item!r}")
            allowed = _EXPECT_VALUES.get(key)
            if allowed and item not in allowed:
                raise self.fail(where, f"expect.{key}", f"{item!r} is not one of {', '.join(allowed)}")
        if "http" in value and not 100 <= value["http"] <= 599:
            raise self.fail(where, "expect.http", f"{value['http']} is not an HTTP status (100-599)")
        if "max_load_s" in value and not value["max_load_s"] > 0:
            raise self.fail(where, "expect.max_load_s", "must be a number of seconds above 0")
        fields: dict[str, Any] = {k: (float(v) if k == "max_load_s" else v) for k, v in value.items()}
        return Expectation(**fields)

    def case_options(self, table: dict[str, Any], where: str) -> dict[str, Any]:
        options: dict[str, Any] = {}
        for key in ("uuid", "send", "device", "wrong_credentials"):
            if key in table:
                value = table[key]
                if not isinstance(value, str):
                    raise self.fail(where, key, f"expected a string, got {value!r}")
                allowed = _CASE_VALUES.get(key)
                if allowed and value not in allowed:
                    raise self.fail(where, key, f"{value!r} is not one of {', '.join(allowed)}")
                options[key] = value
        if "omit" in table:
            omit = table["omit"]
            if not isinstance(omit, list) or not all(isinstance(path, str) and path for path in omit):
                raise self.fail(where, "omit", "must be a list of body paths, e.g. [\"player.nickname\"]")
            options["omit"] = tuple(omit)
        if "override" in table:
            override = table["override"]
            if not isinstance(override, dict):
                raise self.fail(where, "override", "must be a table of body path = value")
            options["override"] = tuple(override.items())
        if "reopen_after" in table:
            wait = table["reopen_after"]
            if not _is(wait, (int, float)) or wait < 0:
                raise self.fail(where, "reopen_after", "must be a number of seconds, 0 or more")
            options["reopen_after"] = float(wait)
        return options

    def csv_rows(self, value: Any, where: str) -> list[dict[str, str]]:
        if not isinstance(value, str) or not value:
            raise self.fail(where, "rows", "must be the name of a CSV file")
        path = (self.base_dir / value).resolve()
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                header = [name.strip() for name in reader.fieldnames or []]
                rows = [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise self.fail(where, "rows", f"cannot read {path} ({exc})") from None
        for column in header:
            if column not in REQUEST_KEYS:
                raise self.fail(where, f"rows {value} column {column!r}",
                                f"unknown column (known: {', '.join(REQUEST_KEYS)})")
        if not rows:
            raise self.fail(where, "rows", f"{value} has a header but no rows")
        return rows


def load_suite(path: str | Path, *, catalog: CatalogValues | None = None) -> Suite:
    """Read and expand the suite file at ``path``; ``catalog`` resolves ``"catalog"``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(f"cannot read the suite {path} ({getattr(exc, 'strerror', None) or exc}); "
                         "check the file name") from None
    return parse_suite(text, source=str(path), base_dir=path.parent, catalog=catalog)


def parse_suite(text: str, *, source: str = "<suite>", base_dir: Path | None = None,
                catalog: CatalogValues | None = None) -> Suite:
    """Parse and expand a suite document (see :func:`load_suite`)."""
    reader = _Reader(source, base_dir or Path.cwd(), catalog)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SuiteError(f"suite {source}: not valid TOML ({exc}); nothing was sent") from None
    reader.check_keys(document, ("suite", "defaults", "case", "matrix"), "")
    header = reader.table(document, "suite")
    reader.check_keys(header, ("name",), "[suite]")
    name = header.get("name", Path(source).stem)
    if not isinstance(name, str):
        raise reader.fail("[suite]", "name", "expected a string")
    defaults_table = reader.table(document, "defaults")
    reader.check_keys(defaults_table, tuple(REQUEST_KEYS) + ("expect",), "[defaults]")
    defaults = reader.request_fields(defaults_table, "[defaults]", lists=False)
    default_expect = reader.expectation(defaults_table.get("expect", {}), "[defaults]").to_dict()

    cases: list[Case] = []
    for kind in ("case", "matrix"):
        entries = document.get(kind, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise reader.fail("", kind, f"use [[{kind}]] tables")
    # File order across both kinds is lost by tomllib; cases first, then matrices,
    # each in file order, is the documented (and stable) order.
    for index, entry in enumerate(document.get("case", []), 1):
        cases.append(_case(reader, entry, f"case {index}", defaults, default_expect))
    for index, entry in enumerate(document.get("matrix", []), 1):
        cases.extend(_matrix(reader, entry, f"matrix {index}", defaults, default_expect))
    if not cases:
        raise SuiteError(f"suite {source}: no [[case]] or [[matrix]]; add at least one case")
    cases = [replace(case, index=index) for index, case in enumerate(cases)]
    seen: set[str] = set()
    for case in cases:
        if case.name in seen:
            raise SuiteError(f"suite {source}: case {case.name!r}: name: used twice; "
                             "every case needs its own name; nothing was sent")
        seen.add(case.name)
    return Suite(name=name, cases=tuple(cases), source=source)


def _named(reader: _Reader, entry: dict[str, Any], where: str) -> str:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise reader.fail(where, "name", "every case needs a name (a non-empty string)")
    return name.strip()


def _expect(reader: _Reader, entry: dict[str, Any], where: str, default_expect: dict[str, Any]) -> Expectation:
    """The entry's ``expect`` over ``[defaults].expect`` (its keys win)."""
    own = entry.get("expect", {})
    return reader.expectation({**default_expect, **own} if isinstance(own, dict) else own, where)


def _build(fields: dict[str, str], defaults: dict[str, str]) -> LaunchRequest:
    merged = {"game_type": "slot", **defaults, **fields}
    return LaunchRequest(**{REQUEST_KEYS[key]: merged.get(key, "") for key in REQUEST_KEYS})


def _case(reader: _Reader, entry: dict[str, Any], where: str, defaults: dict[str, str],
          default_expect: dict[str, Any]) -> Case:
    name = _named(reader, entry, where)
    where = f"case {name!r}"
    reader.check_keys(entry, CASE_KEYS + tuple(REQUEST_KEYS), where)
    fields = reader.request_fields(entry, where, lists=False)
    expect = _expect(reader, entry, where, default_expect)
    return Case(name=name, request=_build(fields, defaults), expect=expect, group=name,
                **reader.case_options(entry, where))


def _matrix(reader: _Reader, entry: dict[str, Any], where: str, defaults: dict[str, str],
            default_expect: dict[str, Any]) -> list[Case]:
    name = _named(reader, entry, where)
    where = f"matrix {name!r}"
    reader.check_keys(entry, CASE_KEYS + tuple(REQUEST_KEYS) + ("rows",), where)
    fields = reader.request_fields(entry, where, lists=True)
    expect = _expect(reader, entry, where, default_expect)
    options = reader.case_options(entry, where)
    fixed = {key: value for key, value in fields.items() if isinstance(value, str) and value != "catalog"}
    game_type = fixed.get("game_type", defaults.get("game_type", "slot"))
    axes: list[list[dict[str, str]]] = []
    if "rows" in entry:
        axes.append(reader.csv_rows(entry["rows"], where))
    for key, value in fields.items():
        if value == "catalog":
            if reader.catalog is None:
                raise reader.fail(where, key, '"catalog" needs a profile catalog, and none was given')
            values = reader.catalog.values(key, game_type)
            if not values:
                raise reader.fail(where, key, "the profile's catalog lists no values for it")
            axes.append([{key: item} for item in values])
        elif isinstance(value, list):
            axes.append([{key: item} for item in value])
    if not axes:
        raise reader.fail(where, "values", "a matrix needs at least one list, \"catalog\" or rows")
    cases = []
    for combination in itertools.product(*axes):
        varying: dict[str, str] = {}
        for part in combination:
            varying.update(part)
        label = " · ".join(value for value in varying.values())
        cases.append(Case(
            name=f"{name} [{label}]", request=_build({**fixed, **varying}, defaults), expect=expect,
            group=name, values=tuple(varying.items()), **options,
        ))
    return cases


def shard(cases: Iterable[Case], spec: str | None) -> list[Case]:
    """The cases of shard ``"K/N"`` (1-based): every N-th case from the K-th, in
    expansion order, so N shards cover the suite exactly once and stay balanced."""
    cases = list(cases)
    if not spec:
        return cases
    k, n = parse_shard(spec)
    return [case for index, case in enumerate(cases) if index % n == k - 1]


def parse_shard(spec: str) -> tuple[int, int]:
    """``"K/N"`` as ``(K, N)``; raises :class:`SuiteError` unless 1 <= K <= N."""
    k_text, _, n_text = spec.partition("/")
    try:
        k, n = int(k_text), int(n_text)
    except ValueError:
        k = n = 0
    if not 1 <= k <= n:
        raise SuiteError(f"--shard {spec!r}: use K/N with 1 <= K <= N, e.g. --shard 2/4")
    return k, n
