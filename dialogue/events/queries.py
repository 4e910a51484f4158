"""What the event pages read: the public lists, a person's events, counts per role, the agenda by day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from dialogue.core import cache
from dialogue.core.actions import found_or_404
from dialogue.core.timeutil import format_local
from dialogue.events.access import HOST_KINDS
from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    Event,
    EventCoHost,
    EventStaff,
    EventStatus,
    Intent,
    Membership,
    Organisation,
    OrganisationKind,
    ParticipantRole,
    Registration,
    RegistrationState,
    SessionKind,
    SessionSpeaker,
    StaffRole,
    User,
    utcnow,
)


def role_counts(event: Event) -> dict[str, dict[str, int]]:
    """{role: {"confirmed": n, "waitlisted": n, "pending": n, "checked_in": n}} in one query."""
    rows = db.session.execute(
        select(Registration.role, Registration.state, func.count(), func.count(Registration.checked_in_at))
        .where(Registration.event_id == event.id,
               Registration.state.in_([RegistrationState.CONFIRMED, RegistrationState.WAITLISTED,
                                       RegistrationState.PENDING]))
        .group_by(Registration.role, Registration.state)).all()
    counts = {role.value: {"confirmed": 0, "waitlisted": 0, "pending": 0, "checked_in": 0}
              for role in ParticipantRole}
    for role, state, n, checked_in in rows:
        counts[ParticipantRole(role).value][RegistrationState(state).value] = n
        if state == RegistrationState.CONFIRMED:
            counts[ParticipantRole(role).value]["checked_in"] = checked_in
    return counts


def list_home_events(now: dt.datetime | None = None) -> tuple[list[Event], list[Event]]:
    """Public events: upcoming (soonest first) and past (latest first), in two queries."""
    now = now or utcnow()
    query = (select(Event).where(Event.is_public)
             .options(selectinload(Event.cohosts).joinedload(EventCoHost.organisation)))
    past_filter = or_(Event.ends_at < now, Event.status == EventStatus.FINISHED)
    upcoming = list(db.session.scalars(query.where(~past_filter).order_by(Event.starts_at, Event.id)))
    past = list(db.session.scalars(query.where(past_filter).order_by(Event.starts_at.desc(), Event.id).limit(50)))
    return upcoming, past


def list_my_events(user: User) -> list[tuple[Event, StaffRole | None, Registration | None]]:
    """Events the person helps run or is registered for, with their role on each."""
    staff = dict(db.session.execute(select(EventStaff.event_id, EventStaff.role)
                                    .where(EventStaff.user_id == user.id)).all())
    regs = {r.event_id: r for r in db.session.scalars(
        select(Registration).where(Registration.user_id == user.id,
                                   Registration.state.in_([RegistrationState.CONFIRMED, RegistrationState.PENDING,
                                                           RegistrationState.WAITLISTED])))}
    ids = set(staff) | set(regs)
    if not ids:
        return []
    events = db.session.scalars(
        select(Event).where(Event.id.in_(ids)).options(selectinload(Event.cohosts).joinedload(
            EventCoHost.organisation))
        .order_by(case((Event.ends_at < utcnow(), 1), else_=0), Event.starts_at))
    return [(e, staff.get(e.id), regs.get(e.id)) for e in events]


def hosts() -> list[Organisation]:
    """The organisations that may co-host events, for the co-host choices."""
    return list(db.session.scalars(select(Organisation).where(Organisation.kind.in_(HOST_KINDS))
                                   .order_by(Organisation.name)))


def public_buyers() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.kind == OrganisationKind.PUBLIC_BUYER)
                                   .order_by(Organisation.name)))


def staff_candidates(event: Event) -> list[User]:
    """People of the co-hosts, for the staff form."""
    host_ids = [c.organisation_id for c in event.cohosts]
    return list(db.session.scalars(select(User).join(Membership).where(Membership.organisation_id.in_(host_ids))
                                   .order_by(User.name)))


# --- the organisers' page: plain rows, read in one query each ---------------------------------------

@dataclass
class ManageSession:
    """One row of the organisers' agenda table."""

    id: int
    title: str
    room: str | None
    kind: SessionKind
    starts_at: dt.datetime
    ends_at: dt.datetime
    speakers: list[str] = field(default_factory=list)


def manage_sessions(event: Event) -> list[ManageSession]:
    """The agenda with its speakers' names, in time order, in one query."""
    rows = db.session.execute(
        select(AgendaSession.id, AgendaSession.title, AgendaSession.room, AgendaSession.kind,
               AgendaSession.starts_at, AgendaSession.ends_at, User.name)
        .outerjoin(SessionSpeaker, SessionSpeaker.session_id == AgendaSession.id)
        .outerjoin(User, User.id == SessionSpeaker.user_id)
        .where(AgendaSession.event_id == event.id)
        .order_by(AgendaSession.starts_at, AgendaSession.id, SessionSpeaker.id))
    sessions: dict[int, ManageSession] = {}
    for session_id, title, room, kind, starts_at, ends_at, speaker in rows:
        session = sessions.get(session_id)
        if session is None:
            session = sessions[session_id] = ManageSession(session_id, title, room, kind, starts_at, ends_at)
        if speaker is not None:
            session.speakers.append(speaker)
    return list(sessions.values())


def manage_staff(event: Event) -> list:
    """The people with a role on the event, by name: (id, role, name, email, organisation name)."""
    return list(db.session.execute(
        select(EventStaff.id, EventStaff.role, User.name, User.email, Organisation.name.label("organisation"))
        .join(User, User.id == EventStaff.user_id)
        .outerjoin(Membership, Membership.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == Membership.organisation_id)
        .where(EventStaff.event_id == event.id).order_by(User.name, EventStaff.id)))


def manage_hosts(event: Event) -> tuple[list, list]:
    """The event's co-hosts (``cohost_id``, ``name``) in the order they joined, and the other organisations
    that may co-host (``id``, ``name``) by name, in one query."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, EventCoHost.id.label("cohost_id"))
        .outerjoin(EventCoHost, (EventCoHost.organisation_id == Organisation.id) & (EventCoHost.event_id == event.id))
        .where(Organisation.kind.in_(HOST_KINDS) | EventCoHost.id.is_not(None))
        .order_by(Organisation.name, Organisation.id)).all()
    cohosts = sorted((row for row in rows if row.cohost_id is not None), key=lambda row: row.cohost_id)
    return cohosts, [row for row in rows if row.cohost_id is None]


def when(event: Event) -> str:
    """'Wed 03 Oct 2018, 09:00 – 17:00 (Europe/Amsterdam)', the zone named once."""
    start = format_local(event.starts_at, event.timezone)
    local_start = event.starts_at.astimezone(_zone(event.timezone))
    local_end = event.ends_at.astimezone(_zone(event.timezone))
    if local_start.date() == local_end.date():
        return start.replace(f" ({event.timezone})", "") + f" – {local_end:%H:%M} ({event.timezone})"
    return start.replace(f" ({event.timezone})", "") + " – " + format_local(event.ends_at, event.timezone)


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def agenda_days(event: Event, sessions: list[AgendaSession] | None = None) -> list[tuple[dt.date, list]]:
    """The sessions (by default the event's) grouped by their day in the event's zone, in time order."""
    days: dict[dt.date, list] = {}
    zone = _zone(event.timezone)
    for session in event.sessions if sessions is None else sessions:
        days.setdefault(session.starts_at.astimezone(zone).date(), []).append(session)
    return list(days.items())


def session_or_404(event: Event, session_id: int) -> AgendaSession:
    """One session of the event with its speakers; 404 if the event has no such session."""
    return found_or_404(db.session.scalar(select(AgendaSession).options(
        selectinload(AgendaSession.speakers).joinedload(SessionSpeaker.user))
        .where(AgendaSession.id == session_id, AgendaSession.event_id == event.id)))


def agenda_sessions(event: Event) -> list[AgendaSession]:
    """The event's sessions in time order with their speakers and the speakers' organisations, in a
    fixed number of queries."""
    return list(db.session.scalars(
        select(AgendaSession).where(AgendaSession.event_id == event.id)
        .options(selectinload(AgendaSession.speakers).joinedload(SessionSpeaker.user)
                 .joinedload(User.membership).joinedload(Membership.organisation))
        .order_by(AgendaSession.starts_at, AgendaSession.id)))


# What the cached parts of the event pages show (dialogue.core.cache): an event's own rows move
# ("event", id); names of people and organisations, which agendas show next to sessions, move ("people",);
# what the page shows of planned tenders moves ("intents",).
cache.watch(Event, lambda event: [("event", event.id)])
cache.watch(AgendaSession, lambda session: [("event", session.event_id)])
cache.watch(EventCoHost, lambda cohost: [("event", cohost.event_id)])
cache.watch(SessionSpeaker, lambda _speaker: [("people",)])
# The organisers' page shows staff by name and email with their organisation, and offers the organisations
# of a host kind as co-hosts; an event's staff moves ("staff", id); its counts per role and state, check-ins
# included, move ("registrations", id).
cache.watch(User, lambda user: [("people",)] if cache.changed(user, "name", "email") else [])
cache.watch(Organisation, lambda org: [("people",)] if cache.changed(org, "name", "slug", "kind") else [])
cache.watch(EventStaff, lambda staff: [("staff", staff.event_id)])
cache.watch(Registration, lambda registration: [("registrations", registration.event_id)]
            if cache.changed(registration, "checked_in_at") else [])
cache.watch(Intent, lambda intent: [("intents",)]
            if cache.changed(intent, "title", "status", "planned_notice_date", "buyer_id") else [])
cache.watch(Membership, lambda membership: [("people",)] if cache.changed(membership, "organisation_id") else [])
