import html as _html
import json as _json
import logging
import re
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console_app.core.redaction import (
    MASK,
    MAX_LAYERS,
    RedactingFilter,
    Secret,
    SecretSet,
    forget_secrets,
    redact,
    register_secret,
)

TOKENS = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="&#\"'<>"),
                 min_size=4, max_size=40)


@given(TOKENS)
def test_hash_in_query_string_is_masked(token):
    url = f"https://api.example/api/session?MEMB_ID=p1&HASH={token}&x=1"
    assert redact(url) == f"https://api.example/api/session?MEMB_ID=p1&HASH={MASK}&x=1"


def test_an_escaped_backslash_is_part_of_the_hash_value():
    # Found by the property test above (token 00\\): the value stopped at the first
    # backslash pair and left the rest in clear. A quote after the pair still ends it.
    assert redact("https://a/?HASH=00\\\\&x=1") == f"https://a/?HASH={MASK}&x=1"
    assert redact('{"url": "https://a/?HASH=ab\\\\cd\\u0026x=1"}') == f'{{"url": "https://a/?HASH={MASK}\\u0026x=1"}}'
    assert redact('{"url": "https://a/?HASH=abc\\\\\\""}') == f'{{"url": "https://a/?HASH={MASK}\\""}}'


def test_player_token_in_game_url_is_masked():
    url = "https://games.example/index.html?token=f8hf^234&lang=en"
    assert redact(url) == f"https://games.example/index.html?token={MASK}&lang=en"


def test_json_token_fields_are_masked():
    assert redact('{"token": "abc\\"def", "x": 1}') == '{"token": "' + MASK + '", "x": 1}'


def test_registered_secret_is_masked_anywhere():
    register_secret("s3cr3t-value")
    assert redact("error near s3cr3t-value!") == f"error near {MASK}!"


def test_secret_never_shows_in_repr():
    secret = Secret("another-secret")
    assert "another-secret" not in repr(secret) and "another-secret" not in f"{secret}"
    assert secret.reveal() == "another-secret"


def test_log_filter_redacts_message_and_args(caplog):
    logger = logging.getLogger("console_app.test")
    caplog.handler.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="console_app.test"):
        logger.info("calling %s", "https://x/api/session?MEMB_ID=a&HASH=topsecret")
    assert "topsecret" not in caplog.text
    assert MASK in caplog.text


def test_every_one_of_many_registered_secrets_is_masked_even_inside_a_longer_one():
    # A long session registers a new game token per launch: hundreds of them.
    secrets = [f"launch-token-{i:04d}-{'k' * (i % 7)}" for i in range(400)]
    for secret in secrets:
        register_secret(secret)
    register_secret("launch-token-0007-kkkkkkk-and-more")
    text = " | ".join(secrets[::37]) + " | xlaunch-token-0007-kkkkkkk-and-morex"
    masked = redact(text)
    assert not any(secret in masked for secret in secrets)
    assert masked.endswith(f"| x{MASK}x")
    assert masked.count(MASK) == len(secrets[::37]) + 1


# ---------------------------------------------------------------- every encoded form


# A base64 token: "+", "/" and "=" are the characters encodings change.
B64_TOKEN = "Zq9+Xv/Lm3=Tk8+/Pw=="


def _json_u(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


def _every_other_u(text: str) -> str:
    return "".join(f"\\u{ord(c):04X}" if i % 2 else c for i, c in enumerate(text))


# Each of these also works on one character at a time (see the mixed test below).
CHAR_ENCODINGS = {
    "literal": lambda t: t,
    "quote": lambda t: quote(t, safe=""),
    "quote lower hex": lambda t: re.sub("%[0-9A-F]{2}", lambda m: m[0].lower(), quote(t, safe="")),
    "quote keeps slash": lambda t: quote(t),
    "quote_plus": quote_plus,
    "json slash escaped": lambda t: _json.dumps(t)[1:-1].replace("/", "\\/"),
    "json all \\u": _json_u,
    "json some \\u": _every_other_u,
    "js \\x": lambda t: "".join(f"\\x{ord(c):02x}" if c in "+/=" else c for c in t),
    "html named": lambda t: t.replace("+", "&plus;").replace("/", "&sol;").replace("=", "&equals;"),
    "html decimal": lambda t: "".join(f"&#{ord(c)};" for c in t),
    "html hex": lambda t: "".join(f"&#x{ord(c):X};" if i % 3 else c for i, c in enumerate(t)),
    "double percent": lambda t: quote(quote(t, safe=""), safe=""),
    "percent of json \\u": lambda t: quote(_json_u(t), safe=""),
    "html of json \\u": lambda t: _json_u(t).replace("\\", "&#92;"),
}
ENCODINGS = {
    **CHAR_ENCODINGS,
    "html.escape of quote_plus": lambda t: _html.escape("a=1&HASH2=" + quote_plus(t)),
    "json.dumps ensure_ascii": lambda t: _json.dumps({"t": t}),
}


@pytest.mark.parametrize("encode", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_a_registered_token_is_masked_in_every_encoding_and_the_rest_is_kept(encode):
    register_secret(B64_TOKEN)
    encoded = encode(B64_TOKEN)
    masked = redact(f"before <{encoded}> after")
    assert masked.startswith("before <") and masked.endswith("> after")
    assert encoded not in masked and B64_TOKEN not in masked
    assert MASK in masked


def test_an_echoed_query_string_in_a_json_answer_is_masked():
    token = "tok/en+with=base64/chars"
    register_secret(token)
    query = f"MEMB_ID=p1&HASH2={quote_plus(token)}"
    body = _json.dumps({"echo": query, "html": _html.escape(query)}).replace("/", "\\/")
    masked = redact(body)
    assert "MEMB_ID=p1" in masked
    assert quote_plus(token) not in masked and token not in masked
    assert masked.count(MASK) == 2


def test_a_secret_set_of_its_own_masks_non_ascii_ids_in_every_encoding_and_nothing_else():
    ids = SecretSet(min_length=3)
    ids.add("플레이어-77", "ab", None)  # "ab": too short to search for in free text
    assert len(ids) == 1
    text = f"MEMB_ID=x&player={quote('플레이어-77')} and \\ud50c\\ub808\\uc774\\uc5b4-77 ab"
    assert redact(text) == text  # the process's secrets are another set
    assert ids.mask(text) == f"MEMB_ID=x&player={MASK} and {MASK} ab"


def test_a_surrogate_pair_escape_is_decoded():
    register_secret("emoji😀token")
    assert redact(_json.dumps("emoji😀token")) == f'"{MASK}"'


def test_overlapping_secrets_leave_nothing_readable():
    register_secret("ABCDEFGH")
    register_secret("EFGHIJKL")
    assert redact("x" + quote("ABCDEFGHIJKL") + "y") == f"x{MASK}y"


def test_stacked_layers_beyond_the_limit_are_a_documented_limit():
    register_secret(B64_TOKEN)
    text = B64_TOKEN
    for _ in range(MAX_LAYERS):
        text = quote(text, safe="")
    assert B64_TOKEN not in redact(text) and MASK == redact(text)
    deeper = quote(text, safe="")
    assert redact(deeper) == deeper  # one layer more than promised: not decoded


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", min_size=8, max_size=40),
       st.lists(st.sampled_from(sorted(CHAR_ENCODINGS)), min_size=1, max_size=40),
       st.text(st.characters(exclude_characters="|"), max_size=20))
def test_any_per_character_mix_of_encodings_is_masked(token, choices, noise):
    forget_secrets()
    register_secret(token)
    mixed = "".join(CHAR_ENCODINGS[choices[i % len(choices)]](c) for i, c in enumerate(token))
    masked = redact(f"{noise}|{mixed}|")
    assert masked.endswith(f"|{MASK}|")


def test_lone_surrogates_and_invalid_percent_bytes_are_redacted_not_raised():
    register_secret(B64_TOKEN)
    text = "bad \ud800 then %FF%FE and \\udc00 then " + quote(B64_TOKEN, safe="")
    masked = redact(text)
    assert masked == f"bad \ud800 then %FF%FE and \\udc00 then {MASK}"


def test_a_token_in_a_json_string_inside_json_keeps_the_text_valid_json():
    # An echoed query string, JSON-encoded twice (as a server's error body often is):
    # the mask must stop before the backslash of the closing \", or the JSON breaks.
    inner = _json.dumps({"q": "MEMB_ID=p&HASH=TOKZQX7CANARY42secret&x=1"})
    for text in (_json.dumps({"raw": inner}), _json.dumps({"raw": inner.replace("&x=1", "")})):
        masked = redact(text)
        assert "TOKZQX7CANARY42secret" not in masked
        assert _json.loads(_json.loads(masked)["raw"])["q"].startswith(f"MEMB_ID=p&HASH={MASK}")
