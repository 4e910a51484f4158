"""A person's own agenda: their meetings, the personal calendar feed and the reminders."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import Integer, bindparam, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from dialogue.core import cache, ical
from dialogue.core.urls import external_url
from dialogue.extensions import db
from dialogue.meetings import notify
from dialogue.models import (
    AgendaSession,
    CalendarFeedToken,
    Event,
    Meeting,
    MeetingLocation,
    MeetingParticipant,
    MeetingRequest,
    MeetingRequestAttendee,
    MeetingSettings,
    MeetingSlot,
    MeetingStatus,
    Registration,
    RegistrationState,
    RequestStatus,
    User,
    new_token,
    utcnow,
)

# The statements of the agenda pages are built once (for all events, and for one): only the person, their
# organisation and the event change.
_USER, _ORG, _EVENT = (bindparam(name, type_=Integer) for name in ("user_id", "org_id", "event_id"))


def _mine(for_event: bool):
    query = (select(Meeting).join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id)
             .where(MeetingParticipant.user_id == _USER, Meeting.status != MeetingStatus.PROPOSED))
    return query.where(Meeting.event_id == _EVENT) if for_event else query


def _meetings(for_event: bool):
    # PostgreSQL plans each statement afresh, and the planning of a join grows fast with its tables:
    # ten tables in one statement took longer to plan (about 3 ms) than four small statements take
    # to plan and run. So the meetings come with their slot, event and place, the rest by their keys.
    participants = selectinload(Meeting.participants)
    return (_mine(for_event).join(MeetingSlot, Meeting.slot_id == MeetingSlot.id)
            .options(contains_eager(Meeting.slot), joinedload(Meeting.location), joinedload(Meeting.event),
                     selectinload(Meeting.intent), selectinload(Meeting.supplier_org),
                     participants.joinedload(MeetingParticipant.user),
                     participants.joinedload(MeetingParticipant.organisation))
            .order_by(MeetingSlot.starts_at, Meeting.id))


def _requests(for_event: bool):
    to_me = (MeetingRequest.buyer_org_id == _ORG) & exists().where(
        MeetingRequestAttendee.request_id == MeetingRequest.id, MeetingRequestAttendee.user_id == _USER)
    query = (select(MeetingRequest, to_me.label("to_me"))
             .options(joinedload(MeetingRequest.event), joinedload(MeetingRequest.intent),
                      joinedload(MeetingRequest.supplier_org), joinedload(MeetingRequest.buyer_org))
             .where(or_(MeetingRequest.supplier_org_id == _ORG, to_me))
             .order_by(MeetingRequest.status != RequestStatus.PENDING, MeetingRequest.created_at.desc(),
                       MeetingRequest.id.desc()))
    return query.where(MeetingRequest.event_id == _EVENT) if for_event else query


_MEETINGS = {for_event: _meetings(for_event) for for_event in (False, True)}
_MEETING_COUNT = select(func.count()).select_from(_mine(True).with_only_columns(Meeting.id).distinct().subquery())
_REQUESTS = {for_event: _requests(for_event) for for_event in (False, True)}
_FEED_TOKEN = select(CalendarFeedToken).where(CalendarFeedToken.user_id == _USER)


def my_meetings(user: User, event: Event | None = None) -> list[Meeting]:
    """Published meetings the person is in (cancelled ones too, marked), soonest first, with what the
    lists and the calendar feed show of them (the participants too) in four statements."""
    return list(db.session.scalars(_MEETINGS[event is not None],
                                   {"user_id": user.id, "event_id": event.id if event else None}).unique())


def my_meeting_count(user: User, event: Event) -> int:
    """How many meetings ``my_meetings`` lists for the event, counted by the database."""
    return db.session.scalar(_MEETING_COUNT, {"user_id": user.id, "event_id": event.id})


def my_requests(user: User, event: Event | None = None) -> tuple[list[MeetingRequest], list[MeetingRequest]]:
    """(requests my organisation sent, requests addressed to me as a buyer), open ones first, in one query."""
    org = user.organisation
    if org is None:
        return [], []
    rows = db.session.execute(_REQUESTS[event is not None], {"user_id": user.id, "org_id": org.id,
                                                            "event_id": event.id if event else None}).all()
    return [r for r, _to_me in rows if r.supplier_org_id == org.id], [r for r, to_me in rows if to_me]


def agenda_scopes(user: User) -> list[tuple]:
    """What a person's agenda lists show, as cache scopes: their meetings and the requests addressed to
    them (``("agenda", user)``), their organisation's requests (``("agenda-org", org)``), the events'
    titles, zones, places and times, and the names of people, organisations and planned tenders."""
    org = user.organisation
    return [("agenda", user.id), ("agenda-org", org.id if org else 0), ("agenda-events",), ("people",), ("intents",)]


def turning_points(meetings: list[Meeting], requests: list[MeetingRequest]) -> list[float]:
    """The moments (POSIX seconds) at which the lists change with no change to the data: a meeting ends
    and moves to the past, an open request expires."""
    ends = {m.slot.ends_at.timestamp() for m in meetings}
    expiries = {r.expires_at.timestamp() for r in requests
                if r.status == RequestStatus.PENDING and r.expires_at is not None}
    return sorted(ends | expiries)


def _meeting_people(meeting: Meeting) -> list[tuple]:
    return [("agenda", p.user_id) for p in meeting.participants if p.user_id is not None]


def _participant_scopes(participant: MeetingParticipant) -> list[tuple]:
    # The other participants list this person next to the meeting.
    scopes = [("agenda", participant.user_id)]
    meeting = participant.meeting
    return scopes + (_meeting_people(meeting) if meeting is not None else [])


cache.watch(Meeting, _meeting_people)
cache.watch(MeetingParticipant, _participant_scopes)
cache.watch(MeetingRequest, lambda r: [("agenda-org", r.supplier_org_id), ("agenda-org", r.buyer_org_id)])
cache.watch(MeetingRequestAttendee, lambda attendee: [("agenda", attendee.user_id)])
cache.watch(Event, lambda event: [("agenda-events",)] if cache.changed(event, "title", "timezone", "venue") else [])
cache.watch(MeetingSlot, lambda slot: [("agenda-events",)] if cache.changed(slot, "starts_at", "ends_at") else [])
cache.watch(MeetingLocation, lambda place: [("agenda-events",)] if cache.changed(place, "label") else [])


# Personal calendar feed ---------------------------------------------------------------------------

def feed_token(user: User, create: bool = False) -> CalendarFeedToken | None:
    token = db.session.scalar(_FEED_TOKEN, {"user_id": user.id})
    if token is None and create:
        token = CalendarFeedToken(user_id=user.id, token=new_token())
        db.session.add(token)
        db.session.flush()
    return token


def regenerate_feed_token(user: User) -> CalendarFeedToken:
    """A new secret address; the old one stops working at once."""
    token = feed_token(user, create=True)
    token.token = new_token()
    token.created_at = utcnow()
    token.last_used_at = None
    db.session.flush()
    return token


def revoke_feed_token(user: User) -> None:
    token = feed_token(user)
    if token is not None:
        db.session.delete(token)
        db.session.flush()


def user_for_feed(secret: str) -> User | None:
    token = db.session.scalar(select(CalendarFeedToken).options(joinedload(CalendarFeedToken.user))
                              .where(CalendarFeedToken.token == secret))
    if token is None:
        return None
    token.last_used_at = utcnow()
    return token.user


def feed_calendar(user: User):
    """The sessions of every event the person is registered for, and their meetings."""
    cal = ical.new_calendar(name=f"Dialogue – {user.name}")
    event_ids = list(db.session.scalars(select(Registration.event_id).where(
        Registration.user_id == user.id, Registration.state == RegistrationState.CONFIRMED)))
    if event_ids:
        sessions = db.session.scalars(select(AgendaSession).options(joinedload(AgendaSession.event))
                                      .where(AgendaSession.event_id.in_(event_ids))
                                      .order_by(AgendaSession.starts_at))
        for session in sessions:
            event = session.event
            cal.add_component(ical.vevent(
                uid=ical.uid_for("session", session.id), summary=f"{session.title} ({event.title})",
                start=session.starts_at, end=session.ends_at, zone=event.timezone, sequence=session.sequence,
                location=session.room or event.venue, description=session.description or None,
                url=_event_url(event)))
    for meeting in my_meetings(user):
        cal.add_component(notify.meeting_vevent(meeting, user))
    return cal


def _event_url(event: Event) -> str | None:

    if "events.detail" in current_app.view_functions:
        return external_url("events.detail", slug=event.slug)
    return external_url("meetings.event_home", slug=event.slug)


# Reminders ----------------------------------------------------------------------------------------

def send_reminders(now: dt.datetime | None = None) -> int:
    """Mail each participant once, ``reminder_minutes`` before a confirmed meeting. Idempotent:
    ``reminded_at`` is set in the same transaction, and rows are claimed with SKIP LOCKED so two
    runs at once do not both send."""
    now = now or utcnow()
    horizon = now + dt.timedelta(hours=24)
    query = (select(MeetingParticipant, MeetingSettings.reminder_minutes, MeetingSlot.starts_at)
             .join(Meeting, MeetingParticipant.meeting_id == Meeting.id)
             .join(MeetingSlot, MeetingParticipant.slot_id == MeetingSlot.id)
             .join(MeetingSettings, MeetingSettings.event_id == Meeting.event_id)
             .where(Meeting.status == MeetingStatus.CONFIRMED, MeetingParticipant.reminded_at.is_(None),
                    MeetingSlot.starts_at > now, MeetingSlot.starts_at <= horizon,
                    MeetingSettings.reminder_minutes > 0))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=MeetingParticipant, skip_locked=True)
    sent = 0
    for participant, minutes, starts_at in db.session.execute(query).all():
        if starts_at - dt.timedelta(minutes=minutes) > now:
            continue
        participant.reminded_at = now
        notify.reminder(participant)
        sent += 1
    db.session.flush()
    return sent
