"""Rules every part of one-to-one meetings shares, and what other features read.

The rules themselves live by what they do: ``requests`` (ask, accept, decline, withdraw, prioritise,
expire), ``placement`` (a meeting into a slot: caps, tables, self-booking), ``changes`` (cancel, move,
reschedule, add a person, "did not take place", the room link) and ``availability`` (busy times,
interests).
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import select

from dialogue.core.errors import DialogueError, NotFound
from dialogue.extensions import db
from dialogue.meetings.i18n import _
from dialogue.meetings.people import get_settings, require_event_running
from dialogue.models import Event, Meeting, MeetingParticipant, MeetingSettings, MeetingStatus, User
from dialogue.models.event import EventStaff, StaffRole


def settings_or_error(event: Event, settings: MeetingSettings | None = None) -> MeetingSettings:
    """The event's meeting settings (``settings`` when the caller has read them), for a running event."""
    require_event_running(event)
    settings = settings if settings is not None else get_settings(event)
    if settings is None:
        raise DialogueError(_("The organisers have not opened one-to-one meetings for this event yet."))
    return settings


def seen_by(row, user: User, is_party: Callable[[object], bool], missing: str):
    """``row`` (a meeting or a request) when ``user`` is a party to it or organises its event. Anyone
    else is told it does not exist, so ids cannot be probed."""
    if row is not None and (is_party(row) or organises(row.event, user)):
        return row
    raise NotFound(missing)


def organises(event: Event, user: User) -> bool:
    if user.is_admin:
        return True
    return db.session.scalar(select(EventStaff.id).where(
        EventStaff.event_id == event.id, EventStaff.user_id == user.id, EventStaff.role == StaffRole.ORGANISER)) \
        is not None


def user_ids_with_meetings(event: Event) -> set[int]:
    """People who had a meeting at the event that was not cancelled (published meetings only)."""
    return set(db.session.scalars(
        select(MeetingParticipant.user_id).join(Meeting, MeetingParticipant.meeting_id == Meeting.id)
        .where(Meeting.event_id == event.id, Meeting.status == MeetingStatus.CONFIRMED)))
