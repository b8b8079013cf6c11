"""Publish times as the desk reads them: Hong Kong time, presets, countdowns."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from articles.desk import scheduling
from articles.desk.scheduling import PRESETS, goes_live_in, hk_time, preset_time

from .desk import hk

OPEN, MIDDAY, *_OTHERS = PRESETS
NOW = hk(2026, 12, 3, 10, 0)  # a Thursday


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(hours=2, minutes=15), "goes live in 2 h 15 min"),
        (timedelta(hours=2, minutes=15, seconds=59), "goes live in 2 h 15 min"),
        (timedelta(hours=1), "goes live in 1 h 0 min"),
        (timedelta(minutes=45), "goes live in 45 min"),
        (timedelta(seconds=30), "goes live in less than a minute"),
        (timedelta(days=2, hours=3, minutes=5), "goes live in 2 d 3 h"),
        (timedelta(0), ""),
        (timedelta(minutes=-5), ""),
    ],
)
def test_goes_live_in(left, text):
    assert goes_live_in(NOW + left, NOW) == text


def test_goes_live_in_nothing_without_a_time():
    assert goes_live_in(None, NOW) == ""


def test_hk_time_names_the_zone_whatever_the_value_zone():
    at = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)
    assert hk_time(at) == "2026年12月3日 09:30 HKT"


def test_datetime_local_input_is_read_as_hong_kong_time():
    at = scheduling.parse_input("2026-12-04T09:30")
    assert at == datetime(2026, 12, 4, 1, 30, tzinfo=UTC)
    assert scheduling.input_value(at) == "2026-12-04T09:30"
    assert scheduling.parse_input("tomorrow") is None
    assert scheduling.parse_input("") is None


@pytest.mark.parametrize(
    ("now", "preset", "expected"),
    [
        # Thursday 10:00: the open has passed (Friday's), midday has not.
        (hk(2026, 12, 3, 10, 0), OPEN, hk(2026, 12, 4, 9, 30)),
        (hk(2026, 12, 3, 10, 0), MIDDAY, hk(2026, 12, 3, 12, 0)),
        (hk(2026, 12, 3, 9, 29), OPEN, hk(2026, 12, 3, 9, 30)),
        (hk(2026, 12, 3, 9, 30), OPEN, hk(2026, 12, 4, 9, 30)),
        # Friday afternoon and the weekend: Monday.
        (hk(2026, 12, 4, 13, 0), MIDDAY, hk(2026, 12, 7, 12, 0)),
        (hk(2026, 12, 5, 8, 0), OPEN, hk(2026, 12, 7, 9, 30)),
        (hk(2026, 12, 6, 23, 0), MIDDAY, hk(2026, 12, 7, 12, 0)),
        # Late evening UTC is already the next morning in Hong Kong.
        (datetime(2026, 12, 3, 23, 0, tzinfo=UTC), OPEN, hk(2026, 12, 4, 9, 30)),
    ],
)
def test_presets_fall_today_or_on_the_next_trading_day(now, preset, expected):
    assert preset_time(preset, now) == expected


def test_start_of_day_is_hong_kong_midnight():
    now = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # 07:00 on the 3rd in HK
    assert scheduling.start_of_day(now) == hk(2026, 12, 3, 0, 0)


def test_the_current_minute_is_not_the_past():
    assert not scheduling.is_past(NOW - timedelta(seconds=59), NOW)
    assert scheduling.is_past(NOW - timedelta(minutes=2), NOW)


def test_presets_follow_the_hong_kong_market_day():
    assert [(p.name, p.time.strftime("%H:%M")) for p in PRESETS] == [
        ("open", "09:30"),
        ("midday", "12:00"),
        ("afternoon", "13:00"),
        ("close", "16:10"),
    ]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Christmas Day is a Friday in 2026: after Thursday's close, Monday.
        (hk(2026, 12, 24, 17, 0), hk(2026, 12, 28, 16, 10)),
        # Good Friday (a market holiday, not a general one) and Easter Monday's
        # following day: Thursday 2 April 2026 after the close → Wednesday 8th.
        (hk(2026, 4, 2, 17, 0), hk(2026, 4, 8, 16, 10)),
        # Lunar New Year 2027 falls on a Saturday: Monday 8 and Tuesday 9
        # February are market holidays.
        (hk(2027, 2, 5, 17, 0), hk(2027, 2, 10, 16, 10)),
        # National Day, a Thursday.
        (hk(2026, 9, 30, 17, 0), hk(2026, 10, 2, 16, 10)),
    ],
)
def test_next_trading_day_skips_hong_kong_market_holidays(now, expected):
    close = next(p for p in PRESETS if p.name == "close")
    assert preset_time(close, now) == expected


def test_a_holiday_is_not_a_trading_day():
    from datetime import date

    assert not scheduling.is_trading_day(date(2026, 12, 25))
    assert not scheduling.is_trading_day(date(2026, 4, 3))
    assert scheduling.is_trading_day(date(2026, 12, 24))
    assert scheduling.next_trading_day(date(2026, 12, 24)) == date(2026, 12, 28)
