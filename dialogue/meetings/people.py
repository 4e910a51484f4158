"""Who takes part in meetings at an event: buyers, suppliers and resellers with a confirmed registration.

Who acts as a buyer is the registrations' rule (``eligibility.eligible_buyer``): a buyer organisation's
staff, or someone the organisers granted the role to, never a registration flagged for review.
"""

from __future__ import annotations

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import joinedload

from dialogue.core.errors import Conflict, NotAllowed
from dialogue.extensions import db
from dialogue.meetings.i18n import _
from dialogue.models import (
    Event,
    EventStatus,
    MeetingSettings,
    Organisation,
    ParticipantRole,
    Registration,
    RegistrationState,
    User,
)
from dialogue.registrations.eligibility import eligible_buyer, is_eligible_buyer

SUPPLIER_ROLES = (ParticipantRole.SUPPLIER, ParticipantRole.RESELLER)


def require_event_running(event: Event) -> None:
    """Meetings are arranged only while the event is on: once it is cancelled or over, nothing new is
    requested, accepted, booked, moved or scheduled (cancelling its meetings took everyone's place)."""
    if event.status == EventStatus.CANCELLED:
        raise Conflict(_("This event is cancelled."))
    if event.status == EventStatus.FINISHED:
        raise Conflict(_("This event is over."))


_SETTINGS = select(MeetingSettings).where(MeetingSettings.event_id == bindparam("event_id", type_=Integer))


def get_settings(event: Event) -> MeetingSettings | None:
    return db.session.scalar(_SETTINGS, {"event_id": event.id})  # built once: asked on every event page


def confirmed_registration(event: Event, user: User | None) -> Registration | None:
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return db.session.scalar(select(Registration).options(joinedload(Registration.organisation)).where(
        Registration.event_id == event.id, Registration.user_id == user.id,
        Registration.state == RegistrationState.CONFIRMED))


def side_of(registration: Registration | None) -> str | None:
    """"buyer", "supplier" or None (observers and speakers do not book meetings)."""
    if registration is None or registration.organisation_id is None:
        return None
    if registration.role == ParticipantRole.BUYER:
        return "buyer" if is_eligible_buyer(registration) else None
    if registration.role in SUPPLIER_ROLES:
        return "supplier"
    return None


def confirmed_registrations(event: Event, user_ids) -> dict[int, Registration]:
    """The confirmed registrations of these people at the event, by person, in one query (a booking
    needs both sides'). Their organisations are usually loaded already, with the people's accounts."""
    return {r.user_id: r for r in db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id.in_(sorted(set(user_ids))),
        Registration.state == RegistrationState.CONFIRMED))}


def require_supplier(event: Event, user: User) -> Registration:
    return as_supplier(confirmed_registration(event, user))


def as_supplier(registration: Registration | None) -> Registration:
    """A confirmed registration as a supplier or reseller, else NotAllowed."""
    if side_of(registration) != "supplier":
        raise NotAllowed(_("Only suppliers and resellers with a confirmed registration can ask for meetings."))
    return registration


def require_buyer(event: Event, user: User) -> Registration:
    registration = confirmed_registration(event, user)
    if side_of(registration) != "buyer":
        raise NotAllowed(_("Only buyers with a confirmed registration can do this."))
    return registration


def _registrations(event: Event, roles, organisation_id: int | None = None) -> list[Registration]:
    query = (select(Registration).options(joinedload(Registration.user), joinedload(Registration.organisation))
             .where(Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED,
                    Registration.role.in_(roles), Registration.organisation_id.is_not(None),
                    Registration.user_id.is_not(None)))
    if ParticipantRole.BUYER in roles:
        query = query.where(eligible_buyer() | (Registration.role != ParticipantRole.BUYER))
    if organisation_id is not None:
        query = query.where(Registration.organisation_id == organisation_id)
    return list(db.session.scalars(query))


def buyer_people(event: Event, organisation_id: int | None = None) -> list[User]:
    regs = _registrations(event, (ParticipantRole.BUYER,), organisation_id)
    return sorted((r.user for r in regs), key=lambda u: (u.name.lower(), u.id))


def supplier_people(event: Event, organisation_id: int) -> list[User]:
    regs = _registrations(event, SUPPLIER_ROLES, organisation_id)
    return sorted((r.user for r in regs), key=lambda u: (u.name.lower(), u.id))


def buyer_user_ids(event: Event) -> set[int]:
    """The people who act as buyers at the event."""
    return set(db.session.scalars(select(Registration.user_id).where(
        Registration.event_id == event.id, Registration.user_id.is_not(None),
        Registration.organisation_id.is_not(None), eligible_buyer())))


def buyer_organisations(event: Event) -> list[Organisation]:
    """Buyer organisations with at least one confirmed buyer at the event."""
    orgs = {r.organisation_id: r.organisation for r in _registrations(event, (ParticipantRole.BUYER,))}
    return sorted(orgs.values(), key=lambda o: o.name.lower())


def registration_org(event: Event, user_id: int) -> int | None:
    return db.session.scalar(select(Registration.organisation_id).where(
        Registration.event_id == event.id, Registration.user_id == user_id,
        Registration.state == RegistrationState.CONFIRMED))
