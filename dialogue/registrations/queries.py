"""What the registration pages read: the organisers' filtered list, one registration with its answers,
the questions of an event, a person's latest registration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.core import cache
from dialogue.core.actions import found_or_404
from dialogue.events.access import active_registration
from dialogue.extensions import db
from dialogue.models import (
    ACTIVE_STATES,
    Attendance,
    Event,
    EventFormat,
    Organisation,
    ParticipantRole,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    RegistrationState,
    User,
)
from dialogue.registrations.services import Places, in_mode


def _matching(event: Event, filters: dict) -> list:
    """The conditions the filters put on the event's registrations (those on names need User and
    Organisation joined)."""
    conditions = []
    if filters["role"]:
        conditions.append(Registration.role == filters["role"])
    if filters["state"]:
        conditions.append(Registration.state == filters["state"])
    if filters["checked_in"] is True:
        conditions.append(Registration.checked_in_at.is_not(None))
    elif filters["checked_in"] is False:
        conditions.append(Registration.checked_in_at.is_(None))
    if filters.get("attendance") and event.format == EventFormat.HYBRID:
        conditions.append(in_mode(Attendance(filters["attendance"])))
    if filters["review"]:
        conditions.append(needs_review())
    if filters["q"]:
        conditions.append(_named(filters["q"]))
    return conditions


def _list_query(event: Event, filters: dict):
    return (select(Registration).join(User, Registration.user_id == User.id, isouter=True)
            .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
            .where(Registration.event_id == event.id, *_matching(event, filters)))


def _named(text: str):
    """The person's name or email, or the organisation's name, contains the text, in any case (the query
    joins User and Organisation)."""
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(func.lower(User.name).like(pattern, escape="\\"), func.lower(User.email).like(pattern, escape="\\"),
               func.lower(Organisation.name).like(pattern, escape="\\"))


def door_matches(event: Event, text: str, limit: int) -> list[Registration]:
    """The registrations the door may look up (confirmed, waiting or pending) whose person's name or email,
    or organisation's name, contains the text; by name."""
    return list(db.session.scalars(
        select(Registration).join(User, Registration.user_id == User.id)
        .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
        .options(joinedload(Registration.user), joinedload(Registration.organisation))
        .where(Registration.event_id == event.id,
               Registration.state.in_([RegistrationState.CONFIRMED, RegistrationState.WAITLISTED,
                                       RegistrationState.PENDING]), _named(text))
        .order_by(User.name, Registration.id).limit(limit)))


def needs_review():
    """Flagged because the role does not fit the organisation's kind, and still active."""
    return Registration.role_flagged_at.is_not(None) & Registration.state.in_(ACTIVE_STATES)


@dataclass(frozen=True, slots=True)
class ListedRegistration:
    """One row of the organisers' list: what it shows, read as columns (no person or organisation objects)."""

    id: int
    name: str | None  # None once the person erased their account
    email: str | None
    organisation: str | None
    role: ParticipantRole
    state: RegistrationState
    attendance: Attendance | None
    created_at: dt.datetime
    checked_in_at: dt.datetime | None
    role_exception_at: dt.datetime | None
    role_exception_reason: str | None
    needs_role_review: bool
    listed: bool


def registrations_page(event: Event, filters: dict, page: int, page_size: int
                       ) -> tuple[list[ListedRegistration], bool]:
    """One page of the organisers' list, oldest first, and whether another page follows (one statement
    whatever the size)."""
    # The page's registrations are chosen first and only they are joined to their people and organisations:
    # the database then sorts narrow rows and looks up a page of names, not every registration's. One
    # registration more than the page tells whether there is a next page without counting.
    order = (Registration.created_at, Registration.id)
    chosen = (_list_query(event, filters).with_only_columns(Registration.id, maintain_column_froms=True)
              .order_by(*order).limit(page_size + 1).offset((page - 1) * page_size).subquery())
    rows = db.session.execute(
        select(Registration.id, User.name, User.email, Organisation.name, Registration.role, Registration.state,
               Registration.attendance, Registration.created_at, Registration.checked_in_at,
               Registration.role_exception_at, Registration.role_exception_reason, Registration.role_flagged_at,
               Registration.list_consent_at, Registration.list_consent_withdrawn_at)
        .join(chosen, chosen.c.id == Registration.id)
        .outerjoin(User, Registration.user_id == User.id)
        .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
        .order_by(*order)).all()
    return [ListedRegistration(
        id=rid, name=name, email=email, organisation=organisation, role=role, state=state, attendance=attendance,
        created_at=created_at, checked_in_at=checked_in_at, role_exception_at=exception_at,
        role_exception_reason=exception_reason, needs_role_review=flagged_at is not None and state in ACTIVE_STATES,
        listed=consent_at is not None and withdrawn_at is None)
        for (rid, name, email, organisation, role, state, attendance, created_at, checked_in_at, exception_at,
             exception_reason, flagged_at, consent_at, withdrawn_at) in rows[:page_size]], len(rows) > page_size


def _mode_cells() -> list:
    """A count per way of taking part and active state, as aggregate columns over registrations."""
    return [func.count().filter(in_mode(a), Registration.state == s) for a in Attendance for s in ACTIVE_STATES]


def _modes(event: Event, cells, with_places: bool) -> dict[Attendance, dict]:
    """The counts of ``_mode_cells`` per way and state and, unless left out, the places left each way."""
    cells = iter(cells)
    counts = {a: {s.value: next(cells) for s in ACTIVE_STATES} for a in Attendance}
    if with_places:
        # A way's places left count against its own total, so the confirmed counts above are all it takes.
        confirmed = {a: c[RegistrationState.CONFIRMED.value] for a, c in counts.items()}
        left = Places(total=event.capacity, per_role={}, confirmed={"": sum(confirmed.values())}, hybrid=True,
                      online_total=event.online_capacity, online=confirmed[Attendance.ONLINE])
        for a, c in counts.items():
            c["left"] = left.left(a)
    return counts


def list_counts(event: Event, filters: dict) -> tuple[int, int, dict[Attendance, dict]]:
    """How many registrations match the filters, how many of the whole event have a role to review and,
    at a hybrid event, ``mode_counts``: one statement over the event's registrations."""
    hybrid = event.format == EventFormat.HYBRID
    matching = _matching(event, filters)
    query = (select(func.count().filter(*matching) if matching else func.count(), func.count().filter(needs_review()),
                    *(_mode_cells() if hybrid else ()))
             .select_from(Registration).where(Registration.event_id == event.id))
    if filters["q"]:
        query = (query.outerjoin(User, Registration.user_id == User.id)
                 .outerjoin(Organisation, Registration.organisation_id == Organisation.id))
    total, to_review, *cells = db.session.execute(query).one()
    return total, to_review, _modes(event, cells, with_places=True) if hybrid else {}


def mode_counts(event: Event, *, with_places: bool = True) -> dict[Attendance, dict]:
    """At a hybrid event: registrations per way of taking part and state, and the places left (one
    statement); empty at any other event."""
    if event.format != EventFormat.HYBRID:
        return {}
    cells = db.session.execute(select(*_mode_cells()).select_from(Registration)
                               .where(Registration.event_id == event.id)).one()
    return _modes(event, cells, with_places)


def registration_or_404(event: Event, registration_id: int) -> Registration:
    return found_or_404(db.session.scalar(select(Registration).options(
        joinedload(Registration.user), joinedload(Registration.organisation),
        selectinload(Registration.answers).joinedload(RegistrationAnswer.question))
        .where(Registration.id == registration_id, Registration.event_id == event.id)))


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


def list_scopes(event: Event) -> list[tuple]:
    """What the organisers' list shows moves these versions: the event (its time zone, format, address),
    any change to one of its registrations, and the names and email addresses of people and organisations."""
    return [("event", event.id), ("registration-list", event.id), ("people",)]


# Every column of a registration may show in the list (check-ins, consents, exceptions, the organisation).
cache.watch(Registration, lambda registration: [("registration-list", registration.event_id)])
# ("people",) moves with names (dialogue.events.queries); the list also shows each person's email address.
cache.watch(User, lambda user: [("people",)] if cache.changed(user, "email") else [])
