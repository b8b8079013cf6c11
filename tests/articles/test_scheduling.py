"""Publish times as the desk reads them: Hong Kong time, presets, countdowns."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from articles import scheduling
from articles.scheduling import PRESETS, goes_live_in, hk_time, preset_time

from .desk import hk

OPEN, MIDDAY = PRESETS
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
