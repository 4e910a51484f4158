"""Times are stored in UTC and shown in a named IANA zone."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_datetime
from flask_babel import gettext as _

from dialogue.core.errors import DialogueError

# Times people enter are read within these years: year 1 or 9999 has no equivalent in every zone.
FIRST_YEAR, LAST_YEAR = 1900, 2200


@lru_cache(maxsize=1)
def timezone_names() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def is_timezone(name: str | None) -> bool:
    if not name or not isinstance(name, str):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return name in timezone_names() or name == "UTC"


def _zone(name: str | None, field: str | None) -> ZoneInfo:
    if not is_timezone(name):
        raise DialogueError(_("Choose a time zone from the list."), field=field)
    return ZoneInfo(name)


def _out_of_range(field: str | None) -> DialogueError:
    return DialogueError(_("Enter a date between the years %(first)s and %(last)s.", first=FIRST_YEAR,
                           last=LAST_YEAR), field=field)


def to_zone(value: dt.datetime, zone: str) -> dt.datetime:
    """The same instant in ``zone``; DialogueError for an unknown zone or a date at the end of the calendar."""
    try:
        return value.astimezone(_zone(zone, None))
    except OverflowError:
        raise _out_of_range(None) from None


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


def local_to_utc(naive: dt.datetime, zone: str, field: str | None = None) -> dt.datetime:
    """Read a wall-clock time entered for a zone; the result is aware UTC.

    An empty or unknown zone, or a time that has no UTC equivalent (year 1), is a DialogueError on
    ``field``, so a form that let one through still answers with a message instead of a crash.
    """
    tz = _zone(zone, field or "timezone")
    try:
        return naive.replace(tzinfo=tz).astimezone(dt.timezone.utc)
    except OverflowError:
        raise _out_of_range(field) from None


def require_period(starts_at: dt.datetime | None, ends_at: dt.datetime | None, *, no_start: str, no_end: str,
                   backwards: str) -> None:
    """Both ends are given and the end comes after the start; else the given message on that field."""
    if starts_at is None:
        raise DialogueError(no_start, field="starts_at")
    if ends_at is None:
        raise DialogueError(no_end, field="ends_at")
    if ends_at <= starts_at:
        raise DialogueError(backwards, field="ends_at")
