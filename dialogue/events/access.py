"""Who may see and do what on an event. Every feature's views use these checks.

- hosts: public buyers and networks of public buyers (a network's secretariat runs events for its
  members and co-hosts them with buyers, as ICLEI does for the Make ICT Fair project). Their
  administrators create events; only they co-host. This says who runs an event, not who acts as a
  buyer at it: the role a person registers in follows ``registrations.eligibility``;
- organiser: a platform admin, or a person given the organiser role on the event;
- check-in staff: organisers and people given the check-in role;
- participant: a person with a confirmed registration, or any organiser.
Drafts are visible to organisers only; to everyone else they do not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NoReturn

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Integer, and_, bindparam, literal, select

from dialogue.core.permissions import public_or_404, signed_in
from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    Event,
    EventStaff,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationState,
    SessionSpeaker,
    StaffRole,
    User,
)
from dialogue.models.registration import ACTIVE_STATES

HOST_KINDS = (OrganisationKind.PUBLIC_BUYER, OrganisationKind.NETWORK)


def may_host(org: Organisation | None) -> bool:
    """Whether the organisation may create and co-host events (see the module's docstring)."""
    return org is not None and org.kind in HOST_KINDS


def staff_role(event: Event, user: User | None) -> StaffRole | None:
    if user is None or not user.is_authenticated:
        return None
    if user.is_admin:
        return StaffRole.ORGANISER
    return db.session.scalar(select(EventStaff.role).where(EventStaff.event_id == event.id,
                                                           EventStaff.user_id == user.id))


def is_organiser(event: Event, user: User | None) -> bool:
    return staff_role(event, user) == StaffRole.ORGANISER


def can_check_in(event: Event, user: User | None) -> bool:
    return staff_role(event, user) in (StaffRole.ORGANISER, StaffRole.CHECKIN)


def active_registration(event: Event, user: User | None) -> Registration | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id,
        Registration.state.in_(ACTIVE_STATES)))


def is_participant(event: Event, user: User | None) -> bool:
    """Registered and confirmed, or organising: the people every shared material must reach."""
    if is_organiser(event, user):
        return True
    registration = active_registration(event, user)
    return registration is not None and registration.state == RegistrationState.CONFIRMED


@dataclass(frozen=True)
class Standing:
    """Where a person stands at an event: their staff role, active registration and the sessions they
    speak in, read together so that the sections of one page need not each ask again."""

    role: StaffRole | None = None
    registration: Registration | None = None
    speaker_sessions: frozenset[int] = field(default_factory=frozenset)

    @property
    def organiser(self) -> bool:
        return self.role == StaffRole.ORGANISER

    @property
    def confirmed_registration(self) -> Registration | None:
        registration = self.registration
        return registration if registration is not None and registration.state == RegistrationState.CONFIRMED \
            else None

    @property
    def participant(self) -> bool:
        """As ``is_participant``: confirmed, or organising."""
        return self.organiser or self.confirmed_registration is not None


def _standing_query():
    """Built once: the statement's shape never changes, only the event and the person."""
    event_id, user_id = bindparam("event_id", type_=Integer), bindparam("user_id", type_=Integer)
    role = (select(EventStaff.role).where(EventStaff.event_id == event_id, EventStaff.user_id == user_id)
            .scalar_subquery())
    return (select(role, Registration, SessionSpeaker.session_id)
            .select_from(select(literal(1).label("one")).subquery())
            .outerjoin(Registration, and_(Registration.event_id == event_id, Registration.user_id == user_id,
                                          Registration.state.in_(ACTIVE_STATES)))
            .outerjoin(SessionSpeaker, and_(SessionSpeaker.user_id == user_id, SessionSpeaker.session_id.in_(
                select(AgendaSession.id).where(AgendaSession.event_id == event_id).scalar_subquery()))))


_STANDING = _standing_query()


def standing(event: Event, user: User | None) -> Standing:
    """``staff_role``, ``active_registration`` and the sessions the person speaks in, in one query (a row
    per session spoken in, at least one)."""
    if user is None or not user.is_authenticated:
        return Standing()
    rows = db.session.execute(_STANDING, {"event_id": event.id, "user_id": user.id}).all()
    staff = StaffRole.ORGANISER if user.is_admin else (StaffRole(rows[0][0]) if rows[0][0] is not None else None)
    return Standing(role=staff, registration=rows[0][1],
                    speaker_sessions=frozenset(session for _r, _reg, session in rows if session is not None))


def get_event_or_404(slug: str, user: User | None = None, *options) -> Event:
    return public_or_404(select(Event).where(Event.slug == slug), options, lambda event: is_organiser(event, user))


def require_organiser(event: Event, user: User | None) -> None:
    if not is_organiser(event, user):
        _refuse_non_organiser()


def _refuse_non_organiser() -> NoReturn:
    abort(403, _("Only the organisers of this event can do this."))


def event_or_404(slug: str, require: Callable[[Event, User | None], None], *options) -> Event:
    """The event of a page for some of its people (``require``: its organisers, check-in staff, participants):
    404 if it is not there for the person, 403 if they are not among them."""
    from flask_login import current_user

    event = get_event_or_404(slug, current_user, *options)
    require(event, current_user)
    return event


def organiser_event_or_404(slug: str, *options) -> Event:
    """The event of an organisers' page: 404 if it is not there for the person, 403 if they do not organise it.
    The event and the person's role on it are read in one statement: every organisers' page asks this first."""
    from flask_login import current_user

    user = current_user
    if not signed_in(user):
        get_event_or_404(slug, user, *options)
        _refuse_non_organiser()
    role = (select(EventStaff.role).where(EventStaff.event_id == Event.id, EventStaff.user_id == user.id)
            .scalar_subquery())
    query = select(Event, role).where(Event.slug == slug)
    row = db.session.execute(query.options(*options) if options else query).first()
    if row is None:
        abort(404)
    event, role = row
    if not (user.is_admin or role == StaffRole.ORGANISER):
        if not event.is_public:
            abort(404)  # a draft's existence is private
        _refuse_non_organiser()
    return event


def require_check_in(event: Event, user: User | None) -> None:
    if not can_check_in(event, user):
        abort(403, _("Only the organisers and check-in staff of this event can do this."))


def require_participant(event: Event, user: User | None) -> None:
    if user is None or not user.is_authenticated:
        abort(403, _("Sign in and register for this event to see this."))
    if not is_participant(event, user):
        abort(403, _("This is for registered participants of the event."))
