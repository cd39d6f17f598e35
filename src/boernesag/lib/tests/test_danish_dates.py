from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from boernesag.lib.templatetags.danish import dato_format

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    "value, style, expected",
    [
        (date(2026, 11, 25), "", "25. nov. 2026"),
        (date(2025, 6, 6), "", "6. jun. 2025"),
        (date(2026, 5, 1), "", "1. maj 2026"),
        (date(2026, 12, 24), "kort", "24. dec."),
        (date(2026, 11, 25), "ugedag kort", "onsdag 25. nov."),
        (datetime(2026, 11, 25, 13, 5, tzinfo=UTC), "tid", "25. nov. 2026 14:05"),  # local
        (datetime(2026, 7, 1, 22, 30, tzinfo=UTC), "", "2. jul. 2026"),  # summer time, next day
        (datetime(2026, 11, 25, 13, 5, 9, tzinfo=UTC), "sekunder", "25. nov. 2026 14:05:09"),
        (None, "", ""),
    ],
)
def test_danish_dates(value, style, expected):
    assert dato_format(value, style) == expected


def test_every_template_has_the_filter_and_no_template_uses_the_english_looking_month():
    from pathlib import Path

    assert Template("{{ d|dato }}").render(Context({"d": date(2026, 11, 25)})) == "25. nov. 2026"
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(p.relative_to(root))
        for p in root.glob("*/templates/**/*.html")
        if ('|date:"j. M' in p.read_text() or '|date:"l j. M' in p.read_text())
    ]
    assert offenders == []
