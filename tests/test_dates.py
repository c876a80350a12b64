from __future__ import annotations

import datetime as dt

import pytest

from consentrules.model.dates import DateFormatError
from consentrules.model.dates import days_between
from consentrules.model.dates import parse_date


def test_precise_date():
    d = parse_date("2024-08-14")
    assert d.precise and d.first == dt.date(2024, 8, 14) and str(d) == "2024-08-14"


def test_month_covers_every_day():
    d = parse_date("2024-02")
    assert not d.precise
    assert (d.first, d.last) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert d.describe_range() == "2024-02 (2024-02-01..2024-02-29)"


def test_datetime_uses_its_date():
    assert parse_date("2024-08-14T23:30:00+02:00").first == dt.date(2024, 8, 14)
    assert parse_date(dt.date(2024, 1, 2)).text == "2024-01-02"


@pytest.mark.parametrize("bad", ["2024-02-30", "2024-13", "yesterday", "2024/01/01", 20240101])
def test_invalid_dates_are_rejected(bad):
    with pytest.raises(DateFormatError):
        parse_date(bad)


def test_three_valued_comparisons():
    aug = parse_date("2024-08")
    assert parse_date("2024-07-31").is_before(aug) is True
    assert parse_date("2024-08-15").is_before(aug) is None
    assert parse_date("2024-09-01").is_before(aug) is False
    assert parse_date("2024-08-31").is_on_or_before(parse_date("2024-08-31")) is True
    assert aug.is_on_or_before(parse_date("2024-08-15")) is None


def test_shift_and_days_between():
    assert str(parse_date("2024-08-01").shift(-30)) == "2024-07-02"
    assert days_between(parse_date("2024-08-01"), parse_date("2024-09-18")) == (48, 48)
    assert days_between(parse_date("2024-08"), parse_date("2024-09-18")) == (18, 48)


@pytest.mark.parametrize(
    ("month", "last"),
    [
        ("2023-02", 28),
        ("2024-02", 29),
        ("2100-02", 28),
        ("2000-02", 29),
        ("2024-12", 31),
        ("2024-04", 30),
        ("2199-12", 31),
    ],
)
def test_a_month_ends_on_its_last_day(month, last):
    d = parse_date(month)
    assert d.last == dt.date(d.first.year, d.first.month, last)
