"""Calendar entries (.ics) for an event and its sessions, built with the shared helpers in core/ical.py.

One UID per event and per session, SEQUENCE from the object: a changed or cancelled entry
replaces the one already in a person's calendar. A registrant's own entry adds their
registration's counter, so registering again after cancelling is not ignored. The online link
goes only into entries sent to registered participants, never into the public download.
"""

from __future__ import annotations

from email.utils import parseaddr

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar
from sqlalchemy import func, select

from dialogue.core import ical
from dialogue.core.text import plain_text
from dialogue.core.urls import external_url
from dialogue.extensions import db
from dialogue.models import AgendaSession, Event, EventFormat, EventStatus, Registration, User


def organizer(event: Event) -> tuple[str, str]:
    name = ", ".join(c.organisation.name for c in event.cohosts) or event.title
    email = event.contact_email or parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return name, email


def location(event: Event, *, include_online: bool = False) -> str | None:
    parts = [p for p in (event.venue, event.address) if p]
    if include_online and event.online_url and event.format != EventFormat.IN_PERSON:
        parts.append(event.online_url)
    elif event.format == EventFormat.ONLINE and not parts:
        parts.append(_("Online"))
    return ", ".join(" ".join(p.split()) for p in parts) or None


def _description(event: Event, url: str, include_online: bool) -> str:
    lines = [plain_text(event.summary)] if event.summary else []
    lines.append(_("Agenda, details and registration: %(url)s", url=url))
    if include_online and event.online_url and event.format != EventFormat.IN_PERSON:
        lines.append(_("Join online") + f": {event.online_url}")
    return "\n\n".join(lines)


def personal_sequence(registration: Registration, *, cancelling: bool = False) -> int:
    """The SEQUENCE of the person's own entry for the event: never lower than any they were sent.

    The entry has the event's one UID, so after a CANCEL a later invitation must carry a higher
    SEQUENCE or calendars ignore it. A cancellation moves the registration's own counter on by
    one; a new registration of the same person starts above their earlier registrations. The
    event's SEQUENCE (bumped on every change) is added, so changes still replace the entry.
    """
    if registration.invitation_sequence is None:
        earlier = db.session.scalar(select(func.max(Registration.invitation_sequence)).where(
            Registration.event_id == registration.event_id, Registration.user_id == registration.user_id,
            Registration.id != registration.id))
        registration.invitation_sequence = 0 if earlier is None else earlier + 1
    if cancelling:
        registration.invitation_sequence += 1
    return registration.event.sequence + registration.invitation_sequence


def event_calendar(event: Event, *, method: str = "PUBLISH", attendee: User | None = None,
                   include_online: bool = False, sequence: int | None = None) -> Calendar:

    url = external_url("events.detail", slug=event.slug)
    cancelled = method == "CANCEL" or event.status == EventStatus.CANCELLED
    cal = ical.new_calendar(method=method, name=event.title)
    cal.add_component(ical.vevent(
        uid=ical.uid_for("event", event.id), summary=event.title, start=event.starts_at, end=event.ends_at,
        zone=event.timezone, sequence=event.sequence if sequence is None else sequence,
        location=location(event, include_online=include_online),
        url=url, description=_description(event, url, include_online),
        status="CANCELLED" if cancelled else "CONFIRMED",
        organizer=organizer(event) if method in ("REQUEST", "CANCEL") else None,
        attendees=[(attendee.name, attendee.email)] if attendee is not None else ()))
    return cal


def session_calendar(event: Event, session: AgendaSession) -> Calendar:

    url = external_url("events.detail", slug=event.slug, _anchor=f"session-{session.id}")
    cal = ical.new_calendar(method="PUBLISH", name=f"{event.title}: {session.title}")
    description = [plain_text(session.description)] if session.description else []
    speakers = [f"{s.user.name} ({s.user.organisation.name})" if s.user.organisation else s.user.name
                for s in session.speakers]
    if speakers:
        description.append(_("Speakers") + ": " + "; ".join(speakers))
    description.append(f"{event.title}: {url}")
    where = ", ".join(p for p in (session.room, location(event)) if p) or None
    cal.add_component(ical.vevent(
        uid=ical.uid_for("session", session.id), summary=session.title, start=session.starts_at,
        end=session.ends_at, zone=event.timezone, sequence=session.sequence + event.sequence, location=where,
        url=url, description="\n\n".join(description),
        status="CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED"))
    return cal
