"""Reading an event's consultation record: everything loaded in a fixed number of queries.

Times are kept as aware UTC here; the page and the CSV files show them in the event's zone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.audit.services import list_for_event, record_action
from dialogue.extensions import db
from dialogue.invitations.queries import list_invitees
from dialogue.meetings.fairness import Fairness, fairness
from dialogue.meetings.minutes import minutes_by_meeting
from dialogue.models import (
    AgendaSession,
    Attendance,
    AuditEntry,
    Event,
    EventCoHost,
    EventFormat,
    EventIntent,
    EventStaff,
    Intent,
    IntentQuestion,
    Material,
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    MeetingSide,
    MeetingStatus,
    Membership,
    Organisation,
    ParticipantRole,
    Registration,
    RegistrationState,
    SessionSpeaker,
    StaffRole,
    Survey,
    SurveySection,
    User,
    utcnow,
)
from dialogue.readiness.queries import FullMatrix, full_matrices_of
from dialogue.record.names import BASIS_CONSENT, BASIS_PUBLIC_ROLE


@dataclass
class Participant:
    """One registration as the record shows it: the organisation and role, a name only where allowed."""

    registration: Registration
    name: str | None
    name_basis: str | None

    @property
    def organisation(self) -> Organisation | None:
        return self.registration.organisation

    @property
    def attended(self) -> bool:
        return self.registration.checked_in_at is not None

    @property
    def attendance(self) -> str:
        """In person or online at a hybrid event (empty at any other)."""
        if self.registration.event.format != EventFormat.HYBRID:
            return ""
        return str((self.registration.attendance or Attendance.IN_PERSON).label)


@dataclass
class OrganisationLine:
    organisation: Organisation | None
    roles: set[str] = field(default_factory=set)
    registered: int = 0   # confirmed registrations
    attended: int = 0


@dataclass
class PublicPerson:
    name: str
    organisation: str
    role: str


@dataclass
class MeetingLine:
    meeting: Meeting
    buyers: list[str]
    as_of: dt.datetime  # when the record was taken

    @property
    def _on(self) -> bool:
        """Confirmed, not cancelled, and nobody reported it did not happen."""
        return self.meeting.status == MeetingStatus.CONFIRMED and self.meeting.no_show_at is None

    @property
    def took_place(self) -> bool:
        """As far as anyone reported: a meeting took place once its end is past, unless it was
        cancelled or reported as not taken place. A meeting still to come only is scheduled."""
        return self._on and self.meeting.slot.ends_at <= self.as_of

    @property
    def scheduled(self) -> bool:
        return self._on and self.meeting.slot.ends_at > self.as_of


@dataclass
class EventRecord:
    event: Event
    generated_at: dt.datetime
    generated_by: str
    public_people: list[PublicPerson]
    intents: list[EventIntent]
    participants: list[Participant]
    organisations: list[OrganisationLine]
    counts: dict[str, dict[str, int]]
    meetings: list[MeetingLine]
    materials: list[Material]
    intent_materials: list[Material]
    questions: list[IntentQuestion]
    surveys: list
    audit: list[AuditEntry]
    readiness: list[FullMatrix] = field(default_factory=list)  # of the planned tenders presented
    minutes: dict = field(default_factory=dict)  # meeting id -> its minutes
    fairness: Fairness | None = None
    invitations: list = field(default_factory=list)  # (invitee, status): who was told of the consultation

    @property
    def zone(self) -> str:
        return self.event.timezone

    @property
    def questions_by_intent(self) -> dict[int, list[IntentQuestion]]:
        grouped: dict[int, list[IntentQuestion]] = defaultdict(list)
        for question in self.questions:
            grouped[question.intent_id].append(question)
        return grouped

    @property
    def totals(self) -> dict[str, int]:
        confirmed = [p for p in self.participants if p.registration.state == RegistrationState.CONFIRMED]
        return {"registrations": len(self.participants), "confirmed": len(confirmed),
                "attended": sum(1 for p in confirmed if p.attended),
                "organisations": sum(1 for o in self.organisations if o.registered),
                "meetings": sum(1 for m in self.meetings if m.meeting.status == MeetingStatus.CONFIRMED),
                "no_shows": sum(1 for m in self.meetings if m.meeting.no_show_at is not None)}


# --- loading -----------------------------------------------------------------------------------------

def _event(event_id: int) -> Event:
    return db.session.scalars(select(Event).where(Event.id == event_id).options(
        selectinload(Event.cohosts).joinedload(EventCoHost.organisation),
        selectinload(Event.staff).joinedload(EventStaff.user).joinedload(User.membership)
        .joinedload(Membership.organisation),
        selectinload(Event.sessions).selectinload(AgendaSession.speakers).joinedload(SessionSpeaker.user)
        .joinedload(User.membership).joinedload(Membership.organisation),
    ).execution_options(populate_existing=True)).one()


def public_people(event: Event) -> list[PublicPerson]:
    """Organisers, check-in staff and speakers: named on the basis of their public role."""
    people: dict[int, PublicPerson] = {}
    for staff in event.staff:
        org = staff.user.organisation.name if staff.user.organisation else ""
        role = "organiser" if staff.role == StaffRole.ORGANISER else "check-in"
        people[staff.user_id] = PublicPerson(staff.user.name, org, role)
    for session in event.sessions:
        for speaker in session.speakers:
            if speaker.user_id not in people:
                org = speaker.user.organisation.name if speaker.user.organisation else ""
                people[speaker.user_id] = PublicPerson(speaker.user.name, org, "speaker")
    return sorted(people.values(), key=lambda p: (p.role, p.organisation, p.name))


def _participants(event: Event, public_ids: set[int]) -> list[Participant]:
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .options(joinedload(Registration.user), joinedload(Registration.organisation))
        .order_by(Registration.created_at, Registration.id))
    found = []
    for registration in registrations:
        user = registration.user
        name, basis = None, None
        if user is not None and user.id in public_ids:
            name, basis = user.name, BASIS_PUBLIC_ROLE
        elif (user is not None and registration.listed
              and registration.state == RegistrationState.CONFIRMED):  # as on the participant list
            name, basis = user.name, BASIS_CONSENT
        found.append(Participant(registration, name, str(basis) if basis else None))
    return found


def _organisations(participants: list[Participant]) -> list[OrganisationLine]:
    lines: dict[int | None, OrganisationLine] = {}
    for p in participants:
        org = p.organisation
        line = lines.setdefault(org.id if org else None, OrganisationLine(org))
        line.roles.add(p.registration.role.value)
        if p.registration.state == RegistrationState.CONFIRMED:
            line.registered += 1
            line.attended += 1 if p.attended else 0
    return sorted(lines.values(), key=lambda line: (line.organisation is None,
                                                     line.organisation.name.lower() if line.organisation else ""))


def _counts(participants: list[Participant]) -> dict[str, dict[str, int]]:
    counts = {role.value: {state.value: 0 for state in RegistrationState} | {"attended": 0}
              for role in ParticipantRole}
    for p in participants:
        row = counts[p.registration.role.value]
        row[p.registration.state.value] += 1
        if p.registration.state == RegistrationState.CONFIRMED and p.attended:
            row["attended"] += 1
    return counts


def meeting_lines(query, as_of: dt.datetime) -> list[MeetingLine]:
    meetings = db.session.scalars(query.where(Meeting.status != MeetingStatus.PROPOSED).options(
        joinedload(Meeting.event), joinedload(Meeting.slot), joinedload(Meeting.location),
        joinedload(Meeting.supplier_org),
        joinedload(Meeting.intent), joinedload(Meeting.request).joinedload(MeetingRequest.buyer_org),
        selectinload(Meeting.participants).joinedload(MeetingParticipant.organisation))).unique()
    lines = []
    for m in meetings:
        buyers = sorted({p.organisation.name for p in m.participants
                         if p.side == MeetingSide.BUYER and p.organisation is not None})
        if not buyers and m.request is not None:
            buyers = [m.request.buyer_org.name]
        lines.append(MeetingLine(m, buyers, as_of))
    return sorted(lines, key=lambda line: (line.meeting.slot.starts_at, line.meeting.id))


def materials_query():
    return select(Material).options(selectinload(Material.versions), joinedload(Material.session),
                                    joinedload(Material.organisation), joinedload(Material.intent))


def questions_query(intent_ids):
    return (select(IntentQuestion).where(IntentQuestion.intent_id.in_(intent_ids))
            .options(joinedload(IntentQuestion.asker_organisation), joinedload(IntentQuestion.intent))
            .order_by(IntentQuestion.intent_id, IntentQuestion.asked_at, IntentQuestion.id))


def surveys_of(event: Event) -> list:
    """(survey, results) for every survey that was scheduled, with everyone's results."""
    from dialogue.surveys.results import results_of_surveys

    surveys = list(db.session.scalars(
        select(Survey).where(Survey.event_id == event.id, Survey.published_at.is_not(None))
        .options(selectinload(Survey.sections).selectinload(SurveySection.questions))
        .order_by(Survey.opens_at, Survey.id)))
    results = results_of_surveys(surveys)
    return [(survey, results[survey.id]) for survey in surveys]


def build_event_record(event: Event, viewer: User, *, now: dt.datetime | None = None) -> EventRecord:
    """Everything the record lists for one event, read in a fixed number of queries."""
    event = _event(event.id)
    links = list(db.session.scalars(
        select(EventIntent).where(EventIntent.event_id == event.id)
        .options(joinedload(EventIntent.intent).joinedload(Intent.buyer)).order_by(EventIntent.linked_at)))
    links = [link for link in links if link.intent.is_public]
    intent_ids = [link.intent_id for link in links]
    people = public_people(event)
    public_ids = {s.user_id for s in event.staff} | {sp.user_id for s in event.sessions for sp in s.speakers}
    participants = _participants(event, public_ids)
    materials = list(db.session.scalars(materials_query().where(Material.event_id == event.id)
                                        .order_by(Material.created_at, Material.id)))
    intent_materials = list(db.session.scalars(
        materials_query().where(Material.intent_id.in_(intent_ids)).order_by(Material.created_at, Material.id))
    ) if intent_ids else []
    questions = list(db.session.scalars(questions_query(intent_ids))) if intent_ids else []
    now = now or utcnow()
    meetings = meeting_lines(select(Meeting).where(Meeting.event_id == event.id), now)
    return EventRecord(
        event=event, generated_at=now, generated_by=viewer.name, public_people=people,
        intents=links, participants=participants, organisations=_organisations(participants),
        counts=_counts(participants), meetings=meetings,
        materials=materials, intent_materials=intent_materials, questions=questions, surveys=surveys_of(event),
        audit=list_for_event(event), readiness=full_matrices_of(intent_ids),
        minutes=minutes_by_meeting([line.meeting.id for line in meetings]),
        fairness=fairness(event, now=now), invitations=list_invitees(event))


def record_export(event: Event | None, actor: User, what: str, *, intent: Intent | None = None) -> None:
    """Taking the record (it names people) is itself in the audit log."""
    subject = f"“{event.title}”" if event is not None else f"the planned tender “{intent.title}”"
    record_action(actor, "record.export", f"Took the consultation record of {subject} as {what}", event=event,
                  intent=intent, format=what)
