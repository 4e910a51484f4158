"""Mail about meetings, all through the outbox, and the iCalendar entries that travel with it.

Every meeting has one UID for its whole life (``uid_for("meeting", id)``); each change bumps the
meeting's SEQUENCE and sends METHOD:REQUEST again, so calendars update the one entry. A
cancellation sends METHOD:CANCEL with the next SEQUENCE.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache

from flask import current_app
from flask_babel import get_locale

from dialogue.core import ical
from dialogue.core.timeutil import format_local
from dialogue.core.urls import external_url
from dialogue.meetings.i18n import _, _l
from dialogue.models import Meeting, MeetingParticipant, MeetingRequest, MeetingSide, MeetingStatus, User
from dialogue.outbox.services import Attachment, enqueue_mail, mail_locale


def times(start: dt.datetime, event_zone: str, person_zone: str | None) -> str:
    """The time in the event's zone and, when it differs, in the person's own."""
    return _times(start, event_zone, person_zone or None, str(get_locale() or ""))


def time_labels(event_zone: str, person_zone: str | None) -> Callable[[dt.datetime], str]:
    """``times`` for the many starts of one page, with the language read once."""
    locale = str(get_locale() or "")
    return lambda start: _times(start, event_zone, person_zone or None, locale)


@lru_cache(maxsize=4096)
def _times(start: dt.datetime, event_zone: str, person_zone: str | None, locale: str) -> str:
    # A booking page shows every slot of the event, twice (the grid and the choices), on every
    # answer: the few distinct texts are formatted once per language, not on each request. The
    # locale is part of the key; format_local reads the same one from the request.
    text = format_local(start, event_zone)
    if person_zone and person_zone != event_zone:
        text += " / " + format_local(start, person_zone, "%H:%M")
    return text


def place(meeting: Meeting) -> str:
    if meeting.virtual_url:
        return meeting.virtual_url
    if meeting.location is not None:
        venue = meeting.event.venue
        return f"{meeting.location.label}, {venue}" if venue else meeting.location.label
    return meeting.event.venue or _("to be announced")


def summary(meeting: Meeting, for_user: User | None = None) -> str:
    side = meeting.side_of(for_user.id) if for_user is not None else None
    if side == MeetingSide.SUPPLIER:
        orgs = sorted({p.organisation.name for p in meeting.participants
                       if p.side == MeetingSide.BUYER and p.organisation is not None})
        counterpart = " & ".join(orgs) or _("buyers")
    else:
        counterpart = meeting.supplier_org.name
    return _("Meeting: %(who)s – %(subject)s", who=counterpart, subject=meeting.subject)


def _organizer() -> tuple[str, str]:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    address = sender.rpartition("<")[2].rstrip(">") if "<" in sender else sender
    return ("Dialogue", address)


def meeting_vevent(meeting: Meeting, for_user: User | None = None, *, cancelled: bool = False,
                   link: str | None = None, title: str | None = None):
    """The meeting's entry, titled for ``for_user`` (or ``title``)."""
    link = link or external_url("meetings.detail", meeting_id=meeting.id)
    description = [meeting.subject]
    if meeting.agenda:
        description += ["", meeting.agenda]
    description += ["", link]
    return ical.vevent(
        uid=ical.uid_for("meeting", meeting.id), summary=title if title is not None else summary(meeting, for_user),
        start=meeting.slot.starts_at,
        end=meeting.slot.ends_at, zone=meeting.event.timezone, sequence=meeting.sequence, location=place(meeting),
        url=link, description="\n".join(description),
        status="CANCELLED" if cancelled or meeting.status == MeetingStatus.CANCELLED else "CONFIRMED",
        organizer=_organizer(), attendees=[(p.user.name, p.user.email) for p in meeting.participants
                                             if p.user is not None])


def meeting_ics(meeting: Meeting, for_user: User | None = None, *, method: str = "REQUEST",
                link: str | None = None, title: str | None = None) -> bytes:
    cal = ical.new_calendar(method=method)
    cal.add_component(meeting_vevent(meeting, for_user, cancelled=method == "CANCEL", link=link, title=title))
    return ical.to_bytes(cal)


def _send_calendar(meeting: Meeting, participants: list[MeetingParticipant], *, method: str, template: str,
                   subject, category: str, **context) -> None:
    """One message per participant in their language; the calendar entry's title too.

    The calendar file is written once per language (the place may be a translated "to be
    announced") and each person's copy gets their own title (the other side's name).
    """
    link = external_url("meetings.detail", meeting_id=meeting.id)
    written: dict[str, bytes] = {}
    for participant in participants:
        person = participant.user
        if person is None:  # erased account: nobody to write to
            continue
        with mail_locale(person.locale):
            language = str(get_locale() or "")
            if language not in written:
                written[language] = meeting_ics(meeting, method=method, link=link, title=ical.SUMMARY_PLACEHOLDER)
            title = summary(meeting, person)
            enqueue_mail(
                [person.email], subject, template, category=category, locale=person.locale,
                attachments=[Attachment(f"meeting-{meeting.id}.ics", f"text/calendar; method={method}",
                                        ical.with_summary(written[language], title))],
                person=person, meeting=meeting,
                when=times(meeting.slot.starts_at, meeting.event.timezone, person.timezone), where=place(meeting),
                link=link, summary=title, **context)


def invite(meeting: Meeting) -> None:
    """New, moved or changed: everyone gets the current entry (same UID, this SEQUENCE)."""
    if meeting.status != MeetingStatus.CONFIRMED:
        return
    updated = meeting.sequence > 0
    subject = (_l("Updated: %(s)s", s=meeting.subject) if updated
               else _l("Meeting confirmed: %(s)s", s=meeting.subject))
    _send_calendar(meeting, list(meeting.participants), method="REQUEST", template="meetings_invitation",
                   subject=subject, category="meetings.invitation", updated=updated)


def cancelled(meeting: Meeting, by: User | None, participants: list[MeetingParticipant] | None = None, *,
              removed: bool = False) -> None:
    """METHOD:CANCEL to everyone in the meeting, or to ``participants``; ``removed``: they leave a
    meeting that goes on without them."""
    _send_calendar(meeting, list(meeting.participants) if participants is None else participants, method="CANCEL",
                   template="meetings_cancelled", subject=_l("Cancelled: %(s)s", s=meeting.subject),
                   category="meetings.cancelled", by=by, removed=removed)


def request_received(request: MeetingRequest, buyers: list[User]) -> None:
    link = external_url("meetings.request_detail", request_id=request.id)
    expires = format_local(request.expires_at, request.event.timezone) if request.expires_at else None
    for buyer in buyers:
        enqueue_mail([buyer.email], _l("Meeting request from %(org)s", org=request.supplier_org.name),
                     "meetings_request", category="meetings.request", locale=buyer.locale, request=request,
                     person=buyer, link=link, expires=expires)


def request_answered(request: MeetingRequest) -> None:
    """Declined or expired: the requester hears so (accepted requests send the invitation instead)."""
    if request.requester is None:
        return
    subject = (_l("Meeting request declined by %(org)s", org=request.buyer_org.name)
               if request.status.value == "declined" else
               _l("Meeting request to %(org)s expired", org=request.buyer_org.name))
    enqueue_mail([request.requester.email], subject, "meetings_request_answered", category="meetings.request",
                 locale=request.requester.locale, request=request, person=request.requester,
                 link=external_url("meetings.event_home", slug=request.event.slug))


def reschedule_asked(meeting: Meeting, by: User, side: MeetingSide | None) -> None:
    others = [p.user for p in meeting.participants if p.side != side and p.user is not None]
    link = external_url("meetings.detail", meeting_id=meeting.id)
    for person in others:
        enqueue_mail([person.email], _l("%(name)s asks to move a meeting", name=by.name), "meetings_reschedule",
                     category="meetings.reschedule", locale=person.locale, meeting=meeting, person=person, by=by,
                     link=link, current=times(meeting.slot.starts_at, meeting.event.timezone, person.timezone),
                     proposed=times(meeting.reschedule_slot.starts_at, meeting.event.timezone, person.timezone),
                     declined=False)


def reschedule_declined(meeting: Meeting, by: User) -> None:
    asker = meeting.reschedule_by
    if asker is None:
        return
    enqueue_mail([asker.email], _l("The meeting stays at its time"), "meetings_reschedule",
                 category="meetings.reschedule", locale=asker.locale, meeting=meeting, person=asker, by=by,
                 link=external_url("meetings.detail", meeting_id=meeting.id),
                 current=times(meeting.slot.starts_at, meeting.event.timezone, asker.timezone),
                 proposed=times(meeting.reschedule_slot.starts_at, meeting.event.timezone, asker.timezone),
                 declined=True)


def reminder(participant: MeetingParticipant) -> None:
    meeting = participant.meeting
    person = participant.user
    if person is None:
        return
    with mail_locale(person.locale):
        title = summary(meeting, person)
        enqueue_mail([person.email], _l("Soon: %(s)s", s=title), "meetings_reminder", category="meetings.reminder",
                     locale=person.locale, meeting=meeting, person=person,
                     when=times(meeting.slot.starts_at, meeting.event.timezone, person.timezone),
                     where=place(meeting), summary=title,
                     link=external_url("meetings.detail", meeting_id=meeting.id))
