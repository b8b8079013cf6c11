"""Publish times as the desk reads them: Hong Kong time, named, with a countdown.

The market the newsroom covers opens in Hong Kong, so a publish time typed
into the admin is Hong Kong time whatever the server's or the browser's zone
(Hong Kong has had no daylight saving since 1979: always UTC+8). Presets
follow the market day (09:30 open, 12:00 midday break, 13:00 afternoon
session, 16:10 after the close, when results come out) and fall on today, or
on the next trading day (weekends and HKEX holidays skipped) once today's has
passed.
"""

import functools
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newsroom import display

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
# A time typed in the current minute is not "in the past": the minute a
# datetime-local input shows has already begun.
PAST_TOLERANCE = timedelta(minutes=1)
# The value format of <input type="datetime-local"> (minutes, no zone).
INPUT_FORMAT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class Preset:
    name: str
    time: time
    label: str


PRESETS = (
    Preset("open", time(9, 30), _("09:30 market open")),
    Preset("midday", time(12, 0), _("12:00 midday")),
    Preset("afternoon", time(13, 0), _("13:00 afternoon session")),
    Preset("close", time(16, 10), _("16:10 after the close")),
)


def in_hong_kong(value: datetime) -> datetime:
    return timezone.localtime(value, HONG_KONG)


def hk_time(value: datetime | None) -> str:
    """ "2026年12月3日 09:30 HKT" (newsroom.display, as everywhere)."""
    if value is None:
        return "—"
    return display.hk_datetime(value)


def start_of_day(now: datetime) -> datetime:
    """Midnight at the start of ``now``'s day in Hong Kong."""
    local = in_hong_kong(now)
    return datetime.combine(local.date(), time(0), tzinfo=HONG_KONG)


def parse_input(text: str) -> datetime | None:
    """A datetime-local value ("2026-12-03T09:30"), read as Hong Kong time."""
    try:
        naive = datetime.strptime(text.strip(), INPUT_FORMAT)
    except (AttributeError, ValueError):
        return None
    return naive.replace(tzinfo=HONG_KONG)


def input_value(value: datetime) -> str:
    """``value`` as a datetime-local input's value, in Hong Kong time."""
    return in_hong_kong(value).strftime(INPUT_FORMAT)


def is_past(at: datetime, now: datetime | None = None) -> bool:
    """``at`` lies before the current minute."""
    return at < (now or timezone.now()) - PAST_TOLERANCE


@functools.cache
def _market_holidays(year: int) -> frozenset:
    # HKEX's own calendar (the holidays package's XHKG): Good Friday is a
    # market holiday though not a general one, and so on. Imported here: its
    # calendars take some 20 MB that a worker serving readers never needs
    # (tests/test_memory.py).
    import holidays

    return frozenset(holidays.financial_holidays("XHKG", years=year))


def is_trading_day(day) -> bool:
    """A weekday on which the Hong Kong stock exchange is open."""
    return day.weekday() < 5 and day not in _market_holidays(day.year)


def next_trading_day(day):
    """The first trading day after ``day``."""
    day += timedelta(days=1)
    while not is_trading_day(day):
        day += timedelta(days=1)
    return day


def preset_time(preset: Preset, now: datetime | None = None) -> datetime:
    """The preset's time today in Hong Kong, or on the next trading day if
    today is not one or the time has passed."""
    local = in_hong_kong(now or timezone.now())
    day = local.date()
    at = datetime.combine(day, preset.time, tzinfo=HONG_KONG)
    if at > local and is_trading_day(day):
        return at
    return datetime.combine(next_trading_day(day), preset.time, tzinfo=HONG_KONG)


@dataclass(frozen=True)
class PresetChoice:
    """A preset as a button shows it: its label, the day it falls on, the value."""

    preset: Preset
    at: datetime

    @property
    def value(self) -> str:
        return input_value(self.at)

    @property
    def day(self) -> str:
        return date_format(in_hong_kong(self.at), "n月j日")

    @property
    def full(self) -> str:
        return hk_time(self.at)


def preset_choices(now: datetime | None = None) -> list[PresetChoice]:
    now = now or timezone.now()
    return [PresetChoice(preset, preset_time(preset, now)) for preset in PRESETS]


def goes_live_in(at: datetime | None, now: datetime | None = None) -> str:
    """ "goes live in 2 h 15 min" (translated); "" if ``at`` is not in the future."""
    if at is None:
        return ""
    left = at - (now or timezone.now())
    if left <= timedelta(0):
        return ""
    minutes = int(left.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        duration = gettext("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    elif hours:
        duration = gettext("%(hours)d h %(minutes)d min") % {
            "hours": hours,
            "minutes": minutes,
        }
    elif minutes:
        duration = gettext("%(minutes)d min") % {"minutes": minutes}
    else:
        return gettext("goes live in less than a minute")
    return gettext("goes live in %(duration)s") % {"duration": duration}
