"""Checking a case's expectations against what came back. Each failed expectation
is one line saying what was expected and what came back (these lines are what JUnit
and the HTML report show)."""

from __future__ import annotations

from console_app.core.suite.model import Answer, Expectation, GameCheck


def failed_expectations(expect: Expectation, answer: Answer, validation: list[str],
                        game: GameCheck | None) -> list[str]:
    """Every expectation of ``expect`` that ``answer`` (and ``game``) did not meet."""
    failures: list[str] = []
    got = _what_came_back(answer)
    if expect.outcome and answer.outcome != expect.outcome:
        failures.append(f"expected outcome {expect.outcome}, got {got}")
    if expect.http is not None and answer.http_status != expect.http:
        failures.append(f"expected HTTP {expect.http}, got {got}")
    if expect.code is not None and answer.code != expect.code:
        failures.append(f"expected code {expect.code}, got {got}")
    if expect.code_prefix is not None and not (answer.code or "").startswith(expect.code_prefix):
        failures.append(f"expected a code starting {expect.code_prefix}, got {got}")
    if expect.message_contains is not None and expect.message_contains.lower() not in (answer.message or "").lower():
        failures.append(f"expected a message containing {expect.message_contains!r}, got {got}")
    if expect.validation is not None:
        found = validation_level(validation)
        if found != expect.validation:
            failures.append(f"expected the console's validation to find {expect.validation}, "
                            f"it found {found}" + (f" ({'; '.join(validation)})" if validation else ""))
    if expect.checks_game:
        failures.extend(_game_failures(expect, answer, game))
    return failures


def validation_level(findings: list[str]) -> str:
    """``clean``, ``warns`` or ``errors`` for findings written ``severity: field: message``."""
    if any(line.startswith("error:") for line in findings):
        return "errors"
    return "warns" if findings else "clean"


def _what_came_back(answer: Answer) -> str:
    parts = [answer.outcome]
    if answer.http_status is not None:
        parts.append(f"HTTP {answer.http_status}")
    if answer.code:
        parts.append(answer.code)
    text = " ".join(parts)
    if answer.message:
        text += f" ({answer.message[:160]})"
    elif answer.detail and answer.outcome != "success":
        text += f" ({answer.detail[:160]})"
    return text


def _game_failures(expect: Expectation, answer: Answer, game: GameCheck | None) -> list[str]:
    if answer.outcome != "success":
        return ["the game was not checked: the launch did not succeed"]
    if game is None:
        return ["the game was not checked: no game checker in this run (request-only)"]
    failures: list[str] = []
    if expect.game == "loads" and not game.loaded:
        failures.append(f"expected the game to load, it did not ({game.problem or 'no reason given'})")
    if expect.title_contains is not None and expect.title_contains.lower() not in game.title.lower():
        failures.append(f"expected a page title containing {expect.title_contains!r}, got {game.title!r}")
    if expect.max_load_s is not None and (game.load_s is None or game.load_s > expect.max_load_s):
        took = "never finished" if game.load_s is None else f"took {game.load_s:.2f} s"
        failures.append(f"expected the game to load within {expect.max_load_s:g} s, it {took}")
    if expect.no_console_errors and game.console_errors:
        failures.append(f"expected no console errors, got {len(game.console_errors)}: {game.console_errors[0][:200]}")
    return failures
