"""Daily housekeeping (enqueued by the daily scheduler)."""

from django_tasks import task

from boernesag.lib.media import media_sweep
from boernesag.lib.ratelimit import ratelimit_prune


@task()
def lib_housekeeping() -> dict:
    """Idempotent: remove orphaned uploads and old rate-limit counters."""
    swept = media_sweep()
    return {"media_removed": swept.removed, "ratelimit_pruned": ratelimit_prune()}
