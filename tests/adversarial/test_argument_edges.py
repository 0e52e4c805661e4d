"""Argument edges: invalid URLs and numbers are invalid input (exit 2, one line), and a
game URL that is not valid UTF-8 is refused rather than changed."""

from __future__ import annotations

import pytest

from tests.adversarial.conftest import run_in_process

TARGET = ["--partner-id", "p", "--token-env", "LM_HOSTILE_TOKEN"]
PLAYER = ["--game-id", "lm_8_treasureofzeus", "--player-id", "p1", "--nickname", "Ann", "--language", "en",
          "--currency", "USD", "--session-id", "s1", "--ip", "203.0.113.7"]


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "error" in line]


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "http://[::1", "http://[::1]:0x50",
                                 "ftp://example.test", "https://"])
def test_a_bad_api_url_is_invalid_input_in_one_line(tmp_path, monkeypatch, url):
    monkeypatch.setenv("LM_HOSTILE_TOKEN", "t")
    for argv in (["launch", "--api-url", url, *TARGET, *PLAYER],
                 ["snapshot", "--transaction-id", "tx", "--api-url", url, *TARGET],
                 ["catalog", "fetch", "--api-url", url, *TARGET],
                 ["profile", "add", "P", "--api-url", url, "--partner-id", "p"]):
        run = run_in_process(argv, basedir=tmp_path)
        assert run.code == 2, (argv, run.stderr)
        assert "Traceback" not in run.stderr and len(run.stderr.splitlines()) == 1, run.stderr
        assert "URL" in run.stderr or "url" in run.stderr


@pytest.mark.parametrize("command", [
    ["launch"], ["capture", "--out", "x.png"], ["snapshot", "--transaction-id", "tx"],
])
@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "601", "soon"])
def test_every_timeout_option_follows_one_rule(tmp_path, command, value):
    run = run_in_process([*command, "--timeout", value], basedir=tmp_path)
    assert run.code == 2 and "Traceback" not in run.stderr
    assert f"argument --timeout: {value!r} must be a number of seconds above 0 to 600" in run.stderr


@pytest.mark.parametrize("option", ["--deadline", "--connect-timeout"])
def test_profile_timeouts_follow_the_same_rule(tmp_path, option):
    run = run_in_process(["profile", "add", "P", "--api-url", "https://api.example.test", "--partner-id", "p",
                          option, "-1"], basedir=tmp_path)
    assert run.code == 2 and f"argument {option}: '-1' must be a number of seconds above 0 to 600" in run.stderr


@pytest.mark.parametrize("argv", [["history", "show", "99999999999999999999"], ["history", "--limit", "0"],
                                  ["history", "curl", "-5"], ["sandbox", "--port", "70000"]])
def test_whole_number_options_are_bounded(tmp_path, argv):
    run = run_in_process(argv, basedir=tmp_path)
    assert run.code == 2 and "Traceback" not in run.stderr and "must be" in run.stderr


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/game/index.html?token=%ff%fe",       # bytes that are not UTF-8
    "http://127.0.0.1:9/g%C3/index.html?token=abc",          # a truncated sequence
    "http://127.0.0.1:9/game/index.html?token=\\ud800abc",   # a lone surrogate in the JSON
])
def test_a_game_url_that_is_not_utf8_is_refused_not_changed(hostile, tmp_path, monkeypatch, url):
    monkeypatch.setenv("LM_HOSTILE_TOKEN", hostile.token)
    hostile.behave("answer", body=('{"url": "' + url + '"}').encode())
    run = run_in_process(["launch", "--api-url", hostile.url, *TARGET, *PLAYER], basedir=tmp_path)
    assert run.code == 4 and run.stdout == ""
    assert "not valid UTF-8" in run.stderr and "Traceback" not in run.stderr
    assert len(hostile.requests) == 1  # refused, never retried


def test_a_valid_utf8_game_url_is_kept_exactly(hostile, tmp_path, monkeypatch):
    monkeypatch.setenv("LM_HOSTILE_TOKEN", hostile.token)
    url = "http://127.0.0.1:9/%EC%8A%AC%EB%A1%AF/index.html?token=a%2Bb%3D&lang=ko"
    hostile.behave("answer", body=('{"url": "' + url + '"}').encode())
    run = run_in_process(["launch", "--api-url", hostile.url, *TARGET, *PLAYER], basedir=tmp_path)
    assert run.code == 0 and run.stdout == url + "\n"


@pytest.mark.parametrize("value", ["abc", "0", "99999999999999999999"])
def test_an_entry_id_is_explained_in_words_not_as_a_float(tmp_path, value):
    run = run_in_process(["history", "replay", value], basedir=tmp_path)
    assert run.code == 2
    assert "must be an entry ID, a whole number from 1 (the first column of lm-console history)" in run.stderr
    assert "e+18" not in run.stderr
