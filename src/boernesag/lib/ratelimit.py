"""A small rate limiter on PostgreSQL, shared by every web process.

Fixed windows: ``ratelimit_hit`` counts one request for (scope, key) in the current window
with one atomic upsert and says whether it is within the limit. Keys are hashed with the
secret key, so the table holds no addresses. Used for the public catalogue PDF; any
expensive anonymous endpoint can use it the same way."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

from boernesag.lib.models import RateLimitCounter


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends


def client_address(request) -> str:
    """The client's address. Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, the address the
    nearest trusted proxy saw (X-Forwarded-For counted from the right); otherwise
    REMOTE_ADDR. Never trust more proxies than are really in front of Børnesag: the left
    part of the header is written by the client."""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _hashed(scope: str, key: str) -> str:
    return salted_hmac("boernesag.lib.ratelimit", f"{scope}:{key}").hexdigest()


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = math.floor(now.timestamp() / seconds) * seconds
    return datetime.fromtimestamp(epoch, tz=now.tzinfo or timezone.get_current_timezone())


def ratelimit_hit(
    *, scope: str, key: str, limit: int, window_seconds: int, now: datetime | None = None
) -> RateDecision:
    """Count one request and decide. Atomic under concurrency (INSERT … ON CONFLICT)."""
    now = now or timezone.now()
    start = _window_start(now, window_seconds)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO lib_ratelimitcounter AS c (scope, key, window_start, count)
            VALUES (%s, %s, %s, 1)
            ON CONFLICT (scope, key, window_start) DO UPDATE SET count = c.count + 1
            RETURNING count
            """,
            [scope, _hashed(scope, key), start],
        )
        (count,) = cursor.fetchone()
    if count == 1:  # a new window for this key: forget windows that have ended long ago
        RateLimitCounter.objects.filter(
            scope=scope, window_start__lt=start - timedelta(seconds=window_seconds)
        ).delete()
    retry_after = max(
        1, math.ceil((start + timedelta(seconds=window_seconds) - now).total_seconds())
    )
    return RateDecision(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after)


def ratelimit_prune(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Remove counters of windows that started before ``older_than`` ago (daily job)."""
    deleted, _ = RateLimitCounter.objects.filter(
        window_start__lt=timezone.now() - older_than
    ).delete()
    return deleted
