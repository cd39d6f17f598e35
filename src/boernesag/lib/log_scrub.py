"""CPR numbers never reach a log line.

``CprScrubFilter`` is attached to every logging handler (conf/settings.py LOGGING). It
replaces CPR-like numbers in the formatted message, the exception text and the stack text:

- ``DDMMYY-XXXX`` (also with a space between the parts, or what a URL makes of a hyphen or a
  space: ``%2D``, ``+``, ``%20``),
- ten digits in a row whose first six are a valid date (DDMMYY),

when not part of a longer run of digits. Matching on the date keeps order numbers, phone
numbers and ids in logs readable while catching every real CPR number (all start with a
valid date, including those without a modulus-11 check digit).
"""

from __future__ import annotations

import logging
import re

REPLACEMENT = "[CPR]"

_CPR = re.compile(
    r"(?<![0-9])(?P<dd>[0-9]{2})(?P<mm>[0-9]{2})(?P<yy>[0-9]{2})"
    r"(?P<sep>-|\s|%2[dD]|\+|%20)?(?P<tail>[0-9]{4})(?![0-9])"
)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29: any year may be a leap year


def _is_date(dd: str, mm: str) -> bool:
    day, month = int(dd), int(mm)
    return 1 <= month <= 12 and 1 <= day <= _DAYS[month - 1]


def _replace(match: re.Match) -> str:
    if match["sep"] == "-" or _is_date(match["dd"], match["mm"]):
        return REPLACEMENT
    return match.group(0)


def cpr_scrub(text: str) -> str:
    """``text`` with every CPR-like number replaced by ``[CPR]``."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    return _CPR.sub(_replace, text)


class CprScrubFilter(logging.Filter):
    """Scrubs the record in place, so every handler and formatter after it sees the
    scrubbed text. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the log line
            message = f"{record.msg!r} {record.args!r}"
        record.msg = cpr_scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = cpr_scrub(record.exc_text)
            # Formatters that format exc_info themselves would bring the raw text back.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = cpr_scrub(record.stack_info)
        return True
