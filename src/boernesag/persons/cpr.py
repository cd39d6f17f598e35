"""CPR numbers (Det Centrale Personregister).

Format ``DDMMÅÅ-LLLL``, with or without the dash. The date must exist. The century follows
from the 7th digit (the first of the four serial digits) by the CPR office's table. The
legal sex follows from the last digit (odd: male, even: female). There is no modulus-11
check: numbers issued since 2007 need not satisfy it.

CPR numbers are never written to logs, URLs or error reports; ``CprError`` messages never
contain the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


class CprError(ValueError):
    """An invalid CPR number; the message is Danish and safe to show (no number in it)."""


@dataclass(frozen=True)
class Cpr:
    number: str  # ten digits, no dash
    birth_date: date
    sex: str  # "M" or "F"

    @property
    def formatted(self) -> str:
        return f"{self.number[:6]}-{self.number[6:]}"


def century(serial_first_digit: int, yy: int) -> int:
    """The CPR office's century table (7th digit × two-digit year)."""
    d = serial_first_digit
    if d <= 3:
        return 1900
    if d in (4, 9):
        return 2000 if yy <= 36 else 1900
    # 5–8
    return 2000 if yy <= 57 else 1800


def looks_like_cpr(value: str) -> bool:
    return bool(re.fullmatch(r"\s*\d{6}-?\d{4}\s*", value or ""))


def parse_cpr(value: str) -> Cpr:
    raw = (value or "").strip().replace(" ", "")
    match = _PATTERN.match(raw)
    if not match:
        if not raw:
            raise CprError(_("Skriv et CPR-nummer."))
        if re.search(r"[^\d-]", raw):
            raise CprError(_("Et CPR-nummer må kun indeholde cifre og evt. en bindestreg."))
        raise CprError(_("Et CPR-nummer har 10 cifre: DDMMÅÅ-LLLL, fx 010203-1234."))
    dd, mm, yy, serial = (
        int(match.group(1)),
        int(match.group(2)),
        int(match.group(3)),
        match.group(4),
    )
    if not 1 <= mm <= 12:
        raise CprError(_("CPR-nummerets måned (3.–4. ciffer) skal være mellem 01 og 12."))
    year = century(int(serial[0]), yy) + yy
    try:
        born = date(year, mm, dd)
    except ValueError:
        raise CprError(
            _("CPR-nummerets dato findes ikke (dag %(day)02d i måned %(month)02d år %(year)d).")
            % {"day": dd, "month": mm, "year": year}
        ) from None
    number = raw.replace("-", "")
    return Cpr(number=number, birth_date=born, sex="M" if int(number[-1]) % 2 else "F")
