"""Tables for the framework-level helpers."""

from django.db import models


class RateLimitCounter(models.Model):
    """Requests counted per scope, key (a keyed hash of e.g. the client's address, never the
    address itself) and fixed time window. Written only by ``lib.ratelimit``; old windows are
    removed as new ones start and by the daily housekeeping."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="ratelimit_one_row_per_window"
            )
        ]
        indexes = [models.Index(fields=["scope", "window_start"], name="ratelimit_scope_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.window_start:%Y-%m-%d %H:%M} {self.count}"
