"""How people and times are written wherever a person reads them.

One helper each, used by the admin, the desk, messages, commands and the
public site alike: a person's name as the desk writes it (周慧琳, Jane Smith),
and a time in Hong Kong as 2026年12月6日 12:50 HKT.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

HONG_KONG = ZoneInfo("Asia/Hong_Kong")

# Han (with the extensions' first block), kana and Hangul: names in these
# scripts are written family name first, with no space.
_EAST_ASIAN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)


def person_name(user) -> str:
    """``周慧琳`` for a Chinese name (family name first, no space), ``Jane
    Smith`` for a Western one, the login name when no name is given."""
    if user is None:
        return ""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if first or last:
        if _EAST_ASIAN.search(first + last):
            return f"{last}{first}"
        return " ".join(part for part in (first, last) if part)
    return user.get_username() if hasattr(user, "get_username") else str(user)


def in_hong_kong(value: datetime) -> datetime:
    """``value`` on Hong Kong's clock (naive values are taken as Hong Kong time)."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=HONG_KONG)
    return timezone.localtime(value, HONG_KONG)


def hk_date(value) -> str:
    """``2026年12月6日``, the day in Hong Kong."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = in_hong_kong(value)
    return f"{value.year}年{value.month}月{value.day}日"


def hk_datetime(value: datetime | None, *, seconds: bool = False) -> str:
    """``2026年12月6日 12:50 HKT``: the one way a time is written for people."""
    if not value:
        return ""
    local = in_hong_kong(value)
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{hk_date(local)} {clock} HKT"
