"""The retry policy: Retry-After, backoff with jitter, which failures are retried."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from hypothesis import given
from hypothesis import strategies as st

from console_app.core.errors import ApiError, DeadlineExceededError
from console_app.core.models import ClientSettings, TransportSettings
from console_app.core.retry import RetryPolicy, parse_retry_after


def test_retry_after():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    now = datetime(2030, 1, 1, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now=now.timestamp()) == 90.0
    earlier = format_datetime(now - timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(earlier, now=now.timestamp()) == 0.0


@given(st.text())
def test_retry_after_never_raises(text):
    value = parse_retry_after(text)
    assert value is None or value >= 0


def test_backoff_is_exponential_with_jitter_and_capped():
    policy = RetryPolicy(retries=2, backoff_base=0.5, backoff_max=1.5)
    low = [policy.wait_before_retry(n, None, jitter=0.0, longest=15.0) for n in (1, 2, 3, 4)]
    high = [round(policy.wait_before_retry(n, None, jitter=0.999999, longest=15.0), 3) for n in (1, 2, 3, 4)]
    assert low == [0.25, 0.5, 0.75, 0.75]
    assert high == [0.5, 1.0, 1.5, 1.5]


def test_retry_after_wins_when_longer_but_never_past_one_deadline():
    policy = RetryPolicy(retries=2, backoff_base=0.5, backoff_max=1.5)
    assert policy.wait_before_retry(1, 4.0, jitter=0.0, longest=15.0) == 4.0
    assert policy.wait_before_retry(1, 60.0, jitter=0.0, longest=2.0) == 2.0
    assert policy.wait_before_retry(1, 0.0, jitter=0.0, longest=15.0) == 0.25


def test_the_policy_allows_only_retryable_failures_and_only_its_number_of_retries():
    policy = RetryPolicy(retries=1, backoff_base=0.5, backoff_max=8.0)
    g01 = ApiError("x", http_status=503, code="G.01", api_message="System error", category="G", retryable=True)
    assert policy.allows(1, g01) and not policy.allows(2, g01)
    assert not policy.allows(1, DeadlineExceededError("no answer"))
    assert not replace(policy, retries=0).allows(1, g01)


def test_client_settings_split_into_transport_and_retry_policy():
    settings = ClientSettings(connect_timeout=3.0, deadline=9.0, retries=4, backoff_base=0.1, backoff_max=2.0,
                              verify=False, proxy="")
    assert settings.transport == TransportSettings(connect_timeout=3.0, deadline=9.0, verify=False, proxy="")
    assert settings.retry == RetryPolicy(retries=4, backoff_base=0.1, backoff_max=2.0)
    assert replace(settings, retries=0).transport == settings.transport
