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


class SubmittedForm(models.Model):
    """One row per form submission that saved something (``lib.forms.submit_once``): the
    form's one-time token, who sent it, what it was for and where its result is shown. A
    second submission of the same form (a double click, the back button, a retry after a
    lost answer) finds the row and shows the saved result instead of saving again. Holds no
    personal data; rows older than a day can be removed."""

    token = models.UUIDField(primary_key=True)
    user_id = models.BigIntegerField()
    scope = models.CharField(max_length=100)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="submitted_form_created")]

    def __str__(self) -> str:
        return f"{self.scope} {self.token}"
