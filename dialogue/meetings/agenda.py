"""A person's own agenda: their meetings, the personal calendar feed and the reminders."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.core import ical
from dialogue.core.urls import external_url
from dialogue.extensions import db
from dialogue.meetings import notify
from dialogue.models import (
    AgendaSession,
    CalendarFeedToken,
    Event,
    Meeting,
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


def my_meetings(user: User, event: Event | None = None) -> list[Meeting]:
    """Published meetings the person is in (cancelled ones too, marked), soonest first."""
    query = (select(Meeting).join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id)
             .join(MeetingSlot, Meeting.slot_id == MeetingSlot.id)
             .options(joinedload(Meeting.slot), joinedload(Meeting.location), joinedload(Meeting.event),
                      joinedload(Meeting.intent), joinedload(Meeting.supplier_org),
                      selectinload(Meeting.participants).joinedload(MeetingParticipant.user),
                      selectinload(Meeting.participants).joinedload(MeetingParticipant.organisation),
                      joinedload(Meeting.reschedule_slot), joinedload(Meeting.reschedule_by))
             .where(MeetingParticipant.user_id == user.id, Meeting.status != MeetingStatus.PROPOSED)
             .order_by(MeetingSlot.starts_at, Meeting.id))
    if event is not None:
        query = query.where(Meeting.event_id == event.id)
    return list(db.session.scalars(query).unique())


def my_requests(user: User, event: Event | None = None) -> tuple[list[MeetingRequest], list[MeetingRequest]]:
    """(requests my organisation sent, requests addressed to me as a buyer), open ones first, in one query."""
    org = user.organisation
    if org is None:
        return [], []
    to_me = (MeetingRequest.buyer_org_id == org.id) & exists().where(
        MeetingRequestAttendee.request_id == MeetingRequest.id, MeetingRequestAttendee.user_id == user.id)
    query = (select(MeetingRequest, to_me.label("to_me"))
             .options(joinedload(MeetingRequest.event), joinedload(MeetingRequest.intent),
                      joinedload(MeetingRequest.supplier_org), joinedload(MeetingRequest.buyer_org))
             .where(or_(MeetingRequest.supplier_org_id == org.id, to_me))
             .order_by(MeetingRequest.status != RequestStatus.PENDING, MeetingRequest.created_at.desc(),
                       MeetingRequest.id.desc()))
    if event is not None:
        query = query.where(MeetingRequest.event_id == event.id)
    rows = db.session.execute(query).all()
    return [r for r, _to_me in rows if r.supplier_org_id == org.id], [r for r, to_me in rows if to_me]


# Personal calendar feed ---------------------------------------------------------------------------

def feed_token(user: User, create: bool = False) -> CalendarFeedToken | None:
    token = db.session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.user_id == user.id))
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
