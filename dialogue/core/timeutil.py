"""Times are stored in UTC and shown in a named IANA zone."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_datetime


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


# strftime directives used in templates, as CLDR patterns (babel formats them in the reader's language).
_CLDR = {"%a": "EEE", "%A": "EEEE", "%d": "dd", "%e": "d", "%b": "MMM", "%B": "MMMM", "%m": "MM", "%Y": "y",
         "%H": "HH", "%M": "mm"}


def _cldr_pattern(fmt: str) -> str:
    parts = re.split(r"(%[a-zA-Z])", fmt)
    out = []
    for part in parts:
        if part in _CLDR:
            out.append(_CLDR[part])
        elif part:
            out.append(f"'{part}'" if re.search(r"[A-Za-z']", part) else part)
    return "".join(out)


def _locale() -> str:
    try:
        from flask_babel import get_locale

        return str(get_locale() or "en")
    except RuntimeError:  # outside an app context
        return "en"


def format_local(value: dt.datetime | None, zone: str, fmt: str = "%a %d %b %Y, %H:%M", *,
                 named: bool = True) -> str:
    """'Wed 03 Oct 2018, 10:00 (Europe/Amsterdam)' in the reader's language: the zone is always named."""
    if value is None:
        return ""
    local = to_zone(value, zone)
    text = format_datetime(local, _cldr_pattern(fmt), locale=_locale())
    return f"{text} ({zone})" if named else text


def local_to_utc(naive: dt.datetime, zone: str) -> dt.datetime:
    """Read a wall-clock time entered for a zone; the result is aware UTC."""
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.timezone.utc)
