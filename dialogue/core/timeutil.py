"""Times are stored in UTC and shown in a named IANA zone."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@lru_cache(maxsize=1)
def timezone_names() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def is_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in timezone_names() or name == "UTC"


def to_zone(value: dt.datetime, zone: str) -> dt.datetime:
    return value.astimezone(ZoneInfo(zone))


def format_local(value: dt.datetime | None, zone: str, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """'Wed 03 Oct 2018, 10:00 (Europe/Amsterdam)': the zone is always named."""
    if value is None:
        return ""
    local = to_zone(value, zone)
    return f"{local.strftime(fmt)} ({zone})"


def local_to_utc(naive: dt.datetime, zone: str) -> dt.datetime:
    """Read a wall-clock time entered for a zone; the result is aware UTC."""
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.timezone.utc)
