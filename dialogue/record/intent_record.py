"""Reading a planned tender's consultation record across the events it was presented at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.extensions import db
from dialogue.meetings.minutes import minutes_by_meeting
from dialogue.models import (
    AuditEntry,
    Event,
    EventCoHost,
    EventIntent,
    Intent,
    IntentChange,
    IntentQuestion,
    Material,
    Meeting,
    Registration,
    RegistrationState,
    User,
    utcnow,
)
from dialogue.readiness.queries import FullMatrix, full_matrix_of
from dialogue.record.services import MeetingLine, materials_query, meeting_lines, questions_query


@dataclass
class EventLine:
    link: EventIntent
    registered: int   # confirmed registrations
    attended: int
    meetings: int     # meetings about this intent at the event

    @property
    def event(self) -> Event:
        return self.link.event


@dataclass
class IntentRecord:
    intent: Intent
    generated_at: dt.datetime
    generated_by: str
    events: list[EventLine]
    questions: list[IntentQuestion]
    history: list[IntentChange]
    meetings: list[MeetingLine]
    materials: list[Material]
    audit: list[AuditEntry]
    readiness: FullMatrix | None = None  # the market-readiness matrix, when the buyer set one up
    minutes: dict = field(default_factory=dict)  # meeting id -> its minutes

    @property
    def zone(self) -> str:
        return self.intent.timezone


def _intent(intent_id: int) -> Intent:
    return db.session.scalars(select(Intent).where(Intent.id == intent_id).options(
        joinedload(Intent.buyer), selectinload(Intent.additional_cpv), selectinload(Intent.lots),
        selectinload(Intent.partners)).execution_options(populate_existing=True)).one()


def _attendance(event_ids: list[int]) -> dict[int, tuple[int, int]]:
    from sqlalchemy import func

    rows = db.session.execute(
        select(Registration.event_id, func.count(), func.count(Registration.checked_in_at))
        .where(Registration.event_id.in_(event_ids), Registration.state == RegistrationState.CONFIRMED)
        .group_by(Registration.event_id)).all()
    return {event_id: (registered, attended) for event_id, registered, attended in rows}


def build_intent_record(intent: Intent, viewer: User, *, now: dt.datetime | None = None) -> IntentRecord:
    """The intent's events, questions and answers, history, meetings about it, documents and audit log."""
    intent = _intent(intent.id)
    links = list(db.session.scalars(
        select(EventIntent).where(EventIntent.intent_id == intent.id)
        .options(joinedload(EventIntent.event).selectinload(Event.cohosts).joinedload(EventCoHost.organisation))
        .join(EventIntent.event).order_by(Event.starts_at)))
    event_ids = [link.event_id for link in links]
    attendance = _attendance(event_ids) if event_ids else {}
    now = now or utcnow()
    meetings = meeting_lines(select(Meeting).where(Meeting.intent_id == intent.id), now)
    about = {}
    for line in meetings:
        if line.meeting.status != "cancelled":
            about[line.meeting.event_id] = about.get(line.meeting.event_id, 0) + 1
    events = [EventLine(link, *attendance.get(link.event_id, (0, 0)), about.get(link.event_id, 0)) for link in links]
    history = list(db.session.scalars(select(IntentChange).where(IntentChange.intent_id == intent.id)
                                      .order_by(IntentChange.at, IntentChange.id)))
    audit = list(db.session.scalars(select(AuditEntry).where(AuditEntry.intent_id == intent.id)
                                    .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())))
    return IntentRecord(
        intent=intent, generated_at=now, generated_by=viewer.name, events=events,
        questions=list(db.session.scalars(questions_query([intent.id]))), history=history, meetings=meetings,
        materials=list(db.session.scalars(materials_query().where(Material.intent_id == intent.id)
                                          .order_by(Material.created_at, Material.id))),
        audit=audit, readiness=full_matrix_of(intent.id),
        minutes=minutes_by_meeting([line.meeting.id for line in meetings]))
