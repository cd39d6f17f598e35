"""``{% load limits %}``: input limits for the browser's own checks (app.js)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def request_text_max_bytes() -> int:
    """The most text one form may send (DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
