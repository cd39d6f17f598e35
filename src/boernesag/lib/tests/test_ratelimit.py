"""The database rate limiter: atomic counting per window, keys stored hashed."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from boernesag.lib.models import RateLimitCounter
from boernesag.lib.ratelimit import client_address, ratelimit_hit, ratelimit_prune

NOW = datetime(2026, 5, 4, 12, 0, 30, tzinfo=UTC)


def hit(key="203.0.113.7", now=NOW, limit=3):
    return ratelimit_hit(scope="test", key=key, limit=limit, window_seconds=60, now=now)


@pytest.mark.django_db
def test_requests_over_the_limit_are_refused_until_the_window_ends():
    assert [hit().allowed for _ in range(4)] == [True, True, True, False]
    refused = hit()
    assert refused.count == 5 and refused.retry_after == 30
    assert hit(key="198.51.100.1").allowed  # another address has its own count
    assert hit(now=NOW + timedelta(seconds=30)).allowed  # the next window starts afresh


@pytest.mark.django_db
def test_the_table_holds_no_addresses_and_old_windows_are_pruned():
    hit()
    row = RateLimitCounter.objects.get()
    assert "203.0.113.7" not in row.key and len(row.key) == 40
    hit(now=NOW + timedelta(minutes=5))  # a new window forgets ended ones for the scope
    assert RateLimitCounter.objects.count() == 1
    RateLimitCounter.objects.update(window_start=NOW - timedelta(days=3))
    assert ratelimit_prune() == 1


def test_client_address_trusts_only_the_configured_proxies(settings):
    request = SimpleNamespace(
        META={"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.7"  # not the client-written 6.6.6.6
