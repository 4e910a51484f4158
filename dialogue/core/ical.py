"""iCalendar (RFC 5545) building blocks shared by events, sessions, meetings and personal feeds.

Times are written in the event's IANA zone with a generated VTIMEZONE, UIDs are stable per
object, and SEQUENCE comes from the object so that a changed entry replaces the old one in
the person's calendar instead of adding a second.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from dialogue.core.vtimezone import add_timezones
from dialogue.models import utcnow

PRODID = "-//Dialogue//market dialogue//EN"


def uid_for(kind: str, object_id: int | str) -> str:
    """A UID that never changes for the object: "meeting-12@dialogue.example.org"."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "dialogue"
    return f"{kind}-{object_id}@{host}"


def new_calendar(*, method: str | None = None, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def vevent(*, uid: str, summary: str, start: dt.datetime, end: dt.datetime, zone: str, sequence: int = 0,
           location: str | None = None, url: str | None = None, description: str | None = None,
           status: str | None = None, organizer: tuple[str, str] | None = None,
           attendees: Iterable[tuple[str, str]] = ()) -> VEvent:
    """One VEVENT. ``organizer`` and ``attendees`` are (name, email) pairs."""
    tz = ZoneInfo(zone)
    event = VEvent()
    event.add("uid", uid)
    event.add("dtstamp", utcnow())
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", end.astimezone(tz))
    event.add("summary", summary)
    event.add("sequence", sequence)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    if description:
        event.add("description", description)
    if status:
        event.add("status", status)
    if organizer:
        address = vCalAddress(f"mailto:{organizer[1]}")
        address.params["cn"] = vText(organizer[0])
        event.add("organizer", address)
    for name, email in attendees:
        address = vCalAddress(f"mailto:{email}")
        address.params["cn"] = vText(name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
        address.params["rsvp"] = vText("FALSE")
        event.add("attendee", address, encode=0)
    return event


def to_bytes(cal: Calendar) -> bytes:
    """Serialise, adding a VTIMEZONE for every zone the entries use."""
    add_timezones(cal)
    return cal.to_ical()


# The title an entry is built with when each reader gets a title of their own (``with_summary``):
# letters only, so the library writes it as it is, on one line.
SUMMARY_PLACEHOLDER = "DIALOGUESUMMARYPLACEHOLDER"
_PLACEHOLDER_LINE = f"\r\nSUMMARY:{SUMMARY_PLACEHOLDER}\r\n".encode()


def with_summary(data: bytes, summary: str) -> bytes:
    """``data``, a calendar serialised once with an entry titled ``SUMMARY_PLACEHOLDER``, with
    ``summary`` as that title, written (escaped, folded) as the library writes it.

    The people of one meeting get the same entry under different titles (each sees the other
    side's name): the calendar is serialised once and each copy differs only in that line.
    """
    entry = VEvent()
    entry.add("summary", summary)
    line = entry.to_ical().split(b"\r\n", 1)[1].rpartition(b"END:VEVENT")[0]
    head, found, tail = data.partition(_PLACEHOLDER_LINE)
    if not found:
        raise ValueError("the calendar has no entry titled SUMMARY_PLACEHOLDER")
    return head + b"\r\n" + line + tail


def calendar_response(cal: Calendar, filename: str, method: str | None = None):
    from flask import Response

    content_type = "text/calendar; charset=utf-8" + (f"; method={method}" if method else "")
    return Response(to_bytes(cal), content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
