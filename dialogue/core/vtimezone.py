"""VTIMEZONE components that independent calendar parsers read the same way we do.

A zone is written as its current yearly rule (``RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU``), one
STANDARD and one DAYLIGHT observance, when that rule reproduces the zone's real transitions for
ten years either side of the dates the calendar uses; a zone without daylight saving time is one
STANDARD observance. Only a zone whose transitions follow no such rule falls back to dated
observances, one RDATE per line and only for the years the calendar covers.

The library's own generator writes every observance since 1970 as one multi-valued RDATE list;
ical.js (Thunderbird) and vobject read only part of it and put summer dates in winter time.

Transitions are read from ``zoneinfo`` (the system's IANA database). Each observance starts at
the local wall-clock time before its transition, as RFC 5545 requires.
"""

from __future__ import annotations

import calendar as monthcal
import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard

UTC = dt.timezone.utc
VERIFY_YEARS = 10  # a rule is trusted when it holds this many years before and after the dates used
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    at: dt.datetime                 # the instant, in UTC
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str                       # the abbreviation in force after it ("CEST")
    daylight: bool                  # daylight saving time after it

    @property
    def local(self) -> dt.datetime:
        """The wall-clock time just before the transition, as a VTIMEZONE DTSTART is written."""
        return (self.at + self.offset_from).replace(tzinfo=None)


@dataclass(frozen=True)
class Observance:
    """One STANDARD or DAYLIGHT component: a yearly rule, dated onsets, or a single onset."""

    daylight: bool
    name: str
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    start: dt.datetime                          # local time before the first onset
    rule: tuple[int, str] | None = None         # (month, "-1SU") for FREQ=YEARLY
    dates: tuple[dt.datetime, ...] = ()         # further onsets (RDATE), local time


def _state(zone: ZoneInfo, instant: dt.datetime) -> tuple[dt.timedelta, str, bool]:
    local = instant.astimezone(zone)
    return local.utcoffset(), local.tzname() or "", bool(local.dst())


def transitions(zone: ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[Transition]:
    """The zone's changes of offset, name or DST flag between two UTC instants.

    Sampled daily, then narrowed to the second: zones change at most once in a day.
    """
    found: list[Transition] = []
    step = dt.timedelta(days=1)
    before, state = start, _state(zone, start)
    while before < end:
        after = min(before + step, end)
        new = _state(zone, after)
        if new != state:
            low, high = before, after
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if _state(zone, middle) == state:
                    low = middle
                else:
                    high = middle
            found.append(Transition(at=high, offset_from=state[0], offset_to=new[0], name=new[1],
                                    daylight=new[2]))
            state = new
        before = after
    return found


def _year(year: int) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime(year, 1, 1, tzinfo=UTC), dt.datetime(year + 1, 1, 1, tzinfo=UTC)


def _candidate_days(day: dt.date) -> list[str]:
    """BYDAY values that name this date in its month: "2SU", and "-1SU" when it is the last one."""
    weekday = _WEEKDAYS[day.weekday()]
    nth = (day.day - 1) // 7 + 1
    last = day.day + 7 > monthcal.monthrange(day.year, day.month)[1]
    found = [f"-1{weekday}"] if last else []
    if nth <= 4:
        found.append(f"{nth}{weekday}")
    return found


def _nth_weekday(year: int, month: int, byday: str) -> dt.date:
    nth, weekday = int(byday[:-2]), _WEEKDAYS.index(byday[-2:])
    days = [d for d in range(1, monthcal.monthrange(year, month)[1] + 1)
            if dt.date(year, month, d).weekday() == weekday]
    return dt.date(year, month, days[nth - 1] if nth > 0 else days[nth])


def _rule_holds(sample: Transition, byday: str, by_year: dict[int, list[Transition]]) -> bool:
    """Does "this weekday of this month at this wall-clock time" give the zone's real transition of
    the same kind (same offsets and name) in every year?"""
    for year, found in by_year.items():
        day = _nth_weekday(year, sample.local.month, byday)
        expected = dt.datetime.combine(day, sample.local.time()) - sample.offset_from
        same_kind = [t for t in found if (t.offset_from, t.offset_to, t.name, t.daylight)
                     == (sample.offset_from, sample.offset_to, sample.name, sample.daylight)]
        if [t.at.replace(tzinfo=None) for t in same_kind] != [expected]:
            return False
    return True


def _yearly_rules(zone: ZoneInfo, first: int, last: int) -> list[Observance] | None:
    """Two RRULE observances when the zone switches twice a year by a rule that holds ten years
    either side of ``first``..``last``; None otherwise."""
    years = range(first - VERIFY_YEARS, last + VERIFY_YEARS + 1)
    by_year = {year: transitions(zone, *_year(year)) for year in years}
    if any(len(found) != 2 for found in by_year.values()):
        return None
    observances = []
    for sample in by_year[years[0]]:
        byday = next((b for b in _candidate_days(sample.local.date()) if _rule_holds(sample, b, by_year)), None)
        if byday is None:
            return None
        # The half of the year with the larger offset is DAYLIGHT, as clients expect, even where the
        # IANA data marks winter as the saving time (Europe/Dublin).
        observances.append(Observance(daylight=sample.offset_to > sample.offset_from, name=sample.name,
                                      offset_from=sample.offset_from, offset_to=sample.offset_to,
                                      start=sample.local, rule=(sample.local.month, byday)))
    return observances


@functools.lru_cache(maxsize=256)
def observances(zone_name: str, first: int, last: int) -> tuple[Observance, ...]:
    """What the VTIMEZONE of ``zone_name`` says, right for every date in the years ``first``..``last``."""
    zone = ZoneInfo(zone_name)
    rules = _yearly_rules(zone, first, last)
    if rules is not None:
        return tuple(rules)
    start, end = _year(first)[0], _year(last)[1]
    # The observance in force when the covered years begin: found from the last change before them.
    earlier = transitions(zone, start - dt.timedelta(days=366 * 30), start)
    offset, name, daylight = _state(zone, start)
    if earlier:
        opening = Observance(daylight=daylight, name=name, offset_from=earlier[-1].offset_from, offset_to=offset,
                             start=earlier[-1].local)
    else:
        opening = Observance(daylight=daylight, name=name, offset_from=offset, offset_to=offset,
                             start=dt.datetime(1970, 1, 1))
    groups: dict[tuple, list[Transition]] = {}
    for change in transitions(zone, start, end):
        groups.setdefault((change.daylight, change.name, change.offset_from, change.offset_to), []).append(change)
    dated = [Observance(daylight=d, name=n, offset_from=f, offset_to=t, start=changes[0].local,
                        dates=tuple(c.local for c in changes[1:]))
             for (d, n, f, t), changes in groups.items()]
    return (opening, *dated)


def vtimezone(zone_name: str, first: int, last: int) -> Timezone:
    component = Timezone()
    component.add("tzid", zone_name)
    for item in observances(zone_name, first, last):
        part = TimezoneDaylight() if item.daylight else TimezoneStandard()
        part.add("dtstart", item.start)
        if item.rule is not None:
            part.add("rrule", {"freq": "YEARLY", "bymonth": item.rule[0], "byday": item.rule[1]})
        for onset in item.dates:
            part.add("rdate", onset)
        if item.name:
            part.add("tzname", item.name)
        part.add("tzoffsetfrom", item.offset_from)
        part.add("tzoffsetto", item.offset_to)
        component.add_component(part)
    return component


def _years_by_zone(cal: Calendar) -> dict[str, set[int]]:
    years: dict[str, set[int]] = {}
    for _name, value in cal.property_items(sorted=False):
        tzid = getattr(value, "params", {}).get("TZID")
        if not tzid:
            continue
        moments = [getattr(value, "dt", None), *(getattr(d, "dt", None) for d in getattr(value, "dts", ()))]
        for moment in moments:
            if isinstance(moment, dt.date):
                years.setdefault(str(tzid), set()).add(moment.year)
    return years


def add_timezones(cal: Calendar) -> None:
    """Put a VTIMEZONE for every zone the entries use before the entries (zones already there stay)."""
    present = {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")}
    position = len([c for c in cal.subcomponents if c.name == "VTIMEZONE"])
    for zone_name, years in sorted(_years_by_zone(cal).items()):
        if zone_name in present:
            continue
        try:
            component = vtimezone(zone_name, min(years), max(years))
        except (ZoneInfoNotFoundError, ValueError):
            continue  # a TZID that is not an IANA name: the parser's own database decides
        cal.subcomponents.insert(position, component)
        position += 1
