"""What the registration pages read: the organisers' filtered list, one registration with its answers,
the questions of an event, a person's latest registration."""

from __future__ import annotations

from flask import abort
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.events.access import active_registration
from dialogue.extensions import db
from dialogue.models import (
    ACTIVE_STATES,
    Attendance,
    Event,
    EventFormat,
    Organisation,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    RegistrationState,
    User,
)
from dialogue.registrations.services import in_mode, places


def _list_query(event: Event, filters: dict):
    query = (select(Registration).join(User, Registration.user_id == User.id, isouter=True)
             .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
             .where(Registration.event_id == event.id))
    if filters["role"]:
        query = query.where(Registration.role == filters["role"])
    if filters["state"]:
        query = query.where(Registration.state == filters["state"])
    if filters["checked_in"] is True:
        query = query.where(Registration.checked_in_at.is_not(None))
    elif filters["checked_in"] is False:
        query = query.where(Registration.checked_in_at.is_(None))
    if filters.get("attendance") and event.format == EventFormat.HYBRID:
        query = query.where(in_mode(Attendance(filters["attendance"])))
    if filters["review"]:
        query = query.where(needs_review())
    if filters["q"]:
        pattern = "%" + filters["q"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                                func.lower(User.email).like(pattern, escape="\\"),
                                func.lower(Organisation.name).like(pattern, escape="\\")))
    return query


def needs_review():
    """Flagged because the role does not fit the organisation's kind, and still active."""
    return Registration.role_flagged_at.is_not(None) & Registration.state.in_(ACTIVE_STATES)


def registrations_page(event: Event, filters: dict, page: int, page_size: int) -> tuple[list[Registration], int]:
    """One page of the organisers' list, oldest first, and how many match in all."""
    query = _list_query(event, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(db.session.scalars(
        query.options(joinedload(Registration.user), joinedload(Registration.organisation))
        .order_by(Registration.created_at, Registration.id).limit(page_size).offset((page - 1) * page_size)))
    return rows, total


def mode_counts(event: Event, *, with_places: bool = True) -> dict[Attendance, dict]:
    """At a hybrid event: registrations per way of taking part and state, and the places left (one query,
    and the event's places unless left out); empty at any other event."""
    if event.format != EventFormat.HYBRID:
        return {}

    rows = db.session.execute(
        select(Registration.attendance, Registration.state, func.count())
        .where(Registration.event_id == event.id, Registration.state.in_(ACTIVE_STATES))
        .group_by(Registration.attendance, Registration.state)).all()
    counts = {a: {s.value: 0 for s in ACTIVE_STATES} for a in Attendance}
    for attendance, state, n in rows:
        counts[attendance or Attendance.IN_PERSON][RegistrationState(state).value] += n
    if with_places:
        left = places(event)
        for a, c in counts.items():
            c["left"] = left.left(a)
    return counts


def to_review_count(event: Event) -> int:
    return db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.event_id == event.id, needs_review()))


def registration_or_404(event: Event, registration_id: int) -> Registration:
    registration = db.session.scalar(select(Registration).options(
        joinedload(Registration.user), joinedload(Registration.organisation),
        selectinload(Registration.answers).joinedload(RegistrationAnswer.question))
        .where(Registration.id == registration_id, Registration.event_id == event.id))
    if registration is None:
        abort(404)
    return registration


def questions_of(event: Event) -> list[RegistrationQuestion]:
    return list(db.session.scalars(select(RegistrationQuestion).where(RegistrationQuestion.event_id == event.id)
                                   .order_by(RegistrationQuestion.position, RegistrationQuestion.id)))


def answers_of(registration: Registration) -> list[RegistrationAnswer]:
    return list(db.session.scalars(select(RegistrationAnswer).options(joinedload(RegistrationAnswer.question))
                                   .where(RegistrationAnswer.registration_id == registration.id)))


def latest_registration(event: Event, user: User) -> Registration | None:
    """The active registration, else the most recent one (to show a cancellation or a rejection)."""
    return active_registration(event, user) or db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.user_id == user.id)
        .order_by(Registration.id.desc()).limit(1))


def registration_with_person(event: Event, registration_id: int) -> Registration | None:
    return db.session.scalar(select(Registration).options(joinedload(Registration.user),
                                                          joinedload(Registration.organisation))
                             .where(Registration.id == registration_id, Registration.event_id == event.id))


def listed_participants(event: Event) -> list[Registration]:
    """Confirmed participants who agreed to be listed; nobody else."""
    return list(db.session.scalars(
        select(Registration).join(User, Registration.user_id == User.id)
        .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
        .options(joinedload(Registration.user), joinedload(Registration.organisation))
        .where(Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED,
               Registration.list_consent_at.is_not(None), Registration.list_consent_withdrawn_at.is_(None))
        .order_by(Registration.role, Organisation.name, User.name)))


def confirmed_with_badges(event: Event) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).join(User, Registration.user_id == User.id)
        .options(joinedload(Registration.user), joinedload(Registration.organisation),
                 selectinload(Registration.event))
        .where(Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED)
        .order_by(User.name)))
