import logging

from hypothesis import given, strategies as st

from console_app.core.redaction import MASK, RedactingFilter, Secret, redact, register_secret

TOKENS = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="&#\"'<>"), min_size=4, max_size=40)


@given(TOKENS)
def test_hash_in_query_string_is_masked(token):
    url = f"https://api.example/api/session?MEMB_ID=p1&HASH={token}&x=1"
    assert redact(url) == f"https://api.example/api/session?MEMB_ID=p1&HASH={MASK}&x=1"


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
