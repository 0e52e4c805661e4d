"""Paste to prefill: turn a request JSON (from a partner's log, say) or a cURL command
into the launch form's fields, reporting anything the console does not know.

The token a pasted cURL command carries in ``HASH`` is never kept: it is dropped, and
registered with :func:`register_secret` so that nothing this process logs can show it.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from console_app.core.curl import ENDPOINT_PATHS
from console_app.core.models import LaunchRequest
from console_app.core.redaction import redact, register_secret

# The ENTER body as the spec defines it: field -> nested known fields (None = a leaf).
_KNOWN: dict[str, Any] = {
    "uuid": None,
    "gametype": None,
    "gameid": None,
    "player": {
        "id": None,
        "nickname": None,
        "language": None,
        "currency": None,
        "session": {"id": None, "ip": None},
    },
}
_DATA_OPTIONS = ("-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--json")
# cURL options that take a value we do not use (so the value is not taken for the URL).
_VALUE_OPTIONS = {
    "-A", "--user-agent", "-b", "--cookie", "-c", "--cookie-jar", "-e", "--referer",
    "-o", "--output", "-u", "--user", "-x", "--proxy", "-m", "--max-time",
    "--connect-timeout", "-w", "--write-out", "--cacert", "--cert", "--key", "-E",
    "--resolve", "--retry", "--limit-rate", "-T", "--upload-file", "-F", "--form",
}


@dataclass
class Prefill:
    """What a pasted text gives the form. ``request`` is None when nothing usable was
    found; ``problems`` say why, one line each."""

    request: LaunchRequest | None = None
    uuid: str | None = None
    api_url: str | None = None
    partner_id: str | None = None
    endpoint: str | None = None
    unknown_fields: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Things worth telling that are not problems (e.g. "the pasted token was ignored").
    notes: list[str] = field(default_factory=list)


def parse_pasted(text: str) -> Prefill:
    """Read a request JSON (the spec body, or ``{"body": {...}}``) or a cURL command."""
    text = (text or "").strip()
    if not text:
        return Prefill(problems=["nothing was pasted: paste a request JSON or a cURL command"])
    if text.startswith(("curl ", "curl\t", "$ curl ")) or text == "curl":
        return _from_curl(text.removeprefix("$ "))
    return _from_json_text(text, Prefill())


def _from_json_text(text: str, result: Prefill) -> Prefill:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _not_json(result, f"{exc.msg} at line {exc.lineno} column {exc.colno}")
    except ValueError:  # valid syntax json cannot hold: a number beyond the int digit limit
        return _not_json(result, "a number is too long")
    except RecursionError:
        return _not_json(result, "nested too deeply")
    if not isinstance(data, dict):
        result.problems.append("the request body is JSON but not an object ({...}): paste the request body")
        return result
    wrapper = data
    if isinstance(data.get("body"), dict) and not ({"gameid", "player"} & data.keys()):
        data = data["body"]
        if isinstance(wrapper.get("url"), str):
            _take_url(wrapper["url"], result)
    return _from_body(data, result)


def _not_json(result: Prefill, why: str) -> Prefill:
    result.problems.append(f"the request body is not JSON ({why}): paste the JSON body or the whole cURL command")
    return result


def _from_body(body: dict[str, Any], result: Prefill) -> Prefill:
    known = _known_part(body, _KNOWN, "", result)
    if not ({"gameid", "player", "uuid"} & body.keys()):
        result.problems.append(
            "this JSON has none of the ENTER fields (uuid, gameid, player): is it a request body?"
        )
        return result
    result.request = LaunchRequest.from_body(known)
    if known.get("uuid") is not None:
        result.uuid = str(known["uuid"])
    return result


def _known_part(value: dict[str, Any], known: dict[str, Any], prefix: str, result: Prefill) -> dict[str, Any]:
    """The fields of ``value`` the spec defines, in usable shape; every other field,
    and every field of the wrong shape, goes into ``result``."""
    kept: dict[str, Any] = {}
    for key, item in value.items():
        path = f"{prefix}{key}"
        if key not in known:
            result.unknown_fields.append(path)
        elif known[key] is None:
            if isinstance(item, (dict, list)):
                result.problems.append(f"{path} should be text, not {type(item).__name__}")
                continue
            if item is not None and not isinstance(item, str):
                result.problems.append(f"{path} was {json.dumps(item)}, not text: it was converted")
            kept[key] = item
        elif isinstance(item, dict):
            kept[key] = _known_part(item, known[key], path + ".", result)
        else:
            result.problems.append(f"{path} should be an object ({{...}})")
    return kept


def _from_curl(text: str) -> Prefill:
    result = Prefill()
    # Line continuations of POSIX shells: backslash-newline is not a character.
    text = re.sub(r"\\\r?\n", " ", text)
    try:
        words = shlex.split(text)
    except ValueError as exc:
        result.problems.append(f"the cURL command could not be read ({exc}): paste it whole")
        return result
    data: str | None = None
    url: str | None = None
    words = words[1:]
    i = 0
    while i < len(words):
        word = words[i]
        option, attached = _split_option(word)
        if option in _DATA_OPTIONS or option == "--url":
            value = attached if attached is not None else (words[i + 1] if i + 1 < len(words) else None)
            i += 1 if attached is not None else 2
            if value is None:
                result.problems.append(f"{option} has no value")
            elif option == "--url":
                url = value
            else:
                data = value
            continue
        if option == "--url-query":
            value = attached if attached is not None else (words[i + 1] if i + 1 < len(words) else "")
            i += 1 if attached is not None else 2
            name, _, token = value.lstrip("+").partition("=")
            if name == "HASH":
                _ignore_pasted_token(token, result)
            continue
        if option in _VALUE_OPTIONS or option in ("-H", "--header", "-X", "--request"):
            i += 1 if attached is not None else 2
            continue
        if not word.startswith("-") and url is None:
            url = word
        i += 1
    if url:
        _take_url(url, result)
    else:
        result.problems.append("the cURL command has no URL")
    if data is None:
        result.problems.append("the cURL command sends no body (-d/--data/--data-raw): nothing to fill in")
        return result
    if data.startswith("@"):
        result.problems.append(f"the body is read from a file ({data}): paste the JSON itself")
        return result
    return _from_json_text(data, result)


def _split_option(word: str) -> tuple[str, str | None]:
    """``--data=x`` -> (``--data``, ``x``); ``-d{..}`` -> (``-d``, ``{..}``)."""
    if word.startswith("--") and "=" in word:
        name, value = word.split("=", 1)
        return name, value
    if len(word) > 2 and word[0] == "-" and word[1] in "dHX" and word[1] != "-":
        return word[:2], word[2:]
    return word, None


def _ignore_pasted_token(token: str, result: Prefill) -> None:
    """A pasted HASH is never kept: it is masked from now on and the profile's is used."""
    if token and not token.startswith("$"):  # "$LM_TOKEN" is a reference, not a token
        register_secret(token)
        result.notes.append("the token in HASH was ignored: the profile's token is used instead")


def _take_url(url: str, result: Prefill) -> None:
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    for token in query.get("HASH", []):
        _ignore_pasted_token(token, result)
    if query.get("MEMB_ID"):
        result.partner_id = query["MEMB_ID"][0]
    path = parts.path
    for endpoint, endpoint_path in ENDPOINT_PATHS.items():
        if path.endswith(endpoint_path):
            path = path[: -len(endpoint_path)]
            result.endpoint = endpoint
            break
    if parts.scheme and parts.netloc:
        result.api_url = redact(urlunsplit((parts.scheme, parts.netloc, path, "", "")))
