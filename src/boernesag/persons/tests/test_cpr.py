from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boernesag.persons.cpr import CprError, century, parse_cpr


@pytest.mark.parametrize(
    ("value", "born", "sex"),
    [
        ("010203-1234", date(1903, 2, 1), "F"),
        ("0102031234", date(1903, 2, 1), "F"),
        ("311299-3001", date(1999, 12, 31), "M"),
        ("150315-4001", date(2015, 3, 15), "M"),  # 7th digit 4, year ≤ 36 → 2000s
        ("150345-4002", date(1945, 3, 15), "F"),  # 7th digit 4, year ≥ 37 → 1900s
        ("010158-5000", date(1858, 1, 1), "F"),  # 5–8, year ≥ 58 → 1800s
        ("010157-8001", date(2057, 1, 1), "M"),  # 5–8, year ≤ 57 → 2000s
        ("290200-4000", date(2000, 2, 29), "F"),  # leap day in 2000
        ("010136-9000", date(2036, 1, 1), "F"),
        ("010137-9000", date(1937, 1, 1), "F"),
        (" 120608-4321 ", date(2008, 6, 12), "M"),
    ],
)
def test_examples(value, born, sex):
    cpr = parse_cpr(value)
    assert (cpr.birth_date, cpr.sex) == (born, sex)
    assert cpr.number == value.strip().replace("-", "")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Skriv et CPR-nummer."),
        ("12345", "Et CPR-nummer har 10 cifre: DDMMÅÅ-LLLL, fx 010203-1234."),
        ("0102ab-1234", "Et CPR-nummer må kun indeholde cifre og evt. en bindestreg."),
        ("011303-1234", "CPR-nummerets måned (3.–4. ciffer) skal være mellem 01 og 12."),
        ("300203-1234", "CPR-nummerets dato findes ikke (dag 30 i måned 02 år 1903)."),
        ("290201-4000", "CPR-nummerets dato findes ikke (dag 29 i måned 02 år 2001)."),
        ("000103-1234", "CPR-nummerets dato findes ikke (dag 00 i måned 01 år 1903)."),
    ],
)
def test_invalid_numbers_get_precise_danish_messages_without_the_number(value, message):
    with pytest.raises(CprError) as error:
        parse_cpr(value)
    assert str(error.value) == message
    if len(value) >= 10:
        assert value.replace("-", "") not in str(error.value)


def test_no_modulus_11_requirement():
    # 010203-1235 fails modulus 11 (weights 4,3,2,7,6,5,4,3,2,1) but is a valid number
    digits = [int(c) for c in "0102031235"]
    assert sum(d * w for d, w in zip(digits, [4, 3, 2, 7, 6, 5, 4, 3, 2, 1], strict=True)) % 11
    assert parse_cpr("010203-1235").birth_date == date(1903, 2, 1)


@given(
    born=st.dates(min_value=date(1858, 1, 1), max_value=date(2057, 12, 31)),
    serial_rest=st.integers(min_value=0, max_value=999),
    dash=st.booleans(),
)
def test_every_real_date_round_trips_through_a_serial_of_its_century(born, serial_rest, dash):
    yy = born.year % 100
    candidates = [d for d in range(10) if century(d, yy) + yy == born.year]
    if not candidates:
        return  # that year cannot be expressed (e.g. 1858–1899 need 5–8 and yy ≥ 58)
    for first in candidates:
        text = f"{born:%d%m}{yy:02d}{'-' if dash else ''}{first}{serial_rest:03d}"
        cpr = parse_cpr(text)
        assert cpr.birth_date == born
        assert cpr.sex == ("M" if serial_rest % 2 else "F")
        assert cpr.formatted == f"{born:%d%m}{yy:02d}-{first}{serial_rest:03d}"


@given(st.integers(min_value=0, max_value=9), st.integers(min_value=0, max_value=99))
def test_century_table(digit, yy):
    c = century(digit, yy)
    if digit <= 3:
        assert c == 1900
    elif digit in (4, 9):
        assert c == (2000 if yy <= 36 else 1900)
    else:
        assert c == (2000 if yy <= 57 else 1800)


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2035, 12, 30)))
def test_impossible_dates_are_refused(day):
    nxt = day + timedelta(days=1)
    if nxt.month != day.month:  # day is the last of its month: day+1 in the same month fails
        first = 0 if day.year < 2000 else 4
        with pytest.raises(CprError, match="findes ikke"):
            parse_cpr(f"{day.day + 1:02d}{day:%m}{day.year % 100:02d}{first}123")
