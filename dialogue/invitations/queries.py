"""What the invitation pages and the record read: each invitee with a status worked out in the query.

Registered wins: someone whose address has an active registration for the event is registered, whether
they came by the personal link or not (and even after declining). Then declined, then no answer (sent),
then not sent yet.
"""

from __future__ import annotations

from sqlalchemy import case, exists, func, select

from dialogue.extensions import db
from dialogue.models import ACTIVE_STATES, Event, EventInvitee, InviteeStatus, Registration, User


def _registered():
    return exists().where(Registration.event_id == EventInvitee.event_id, Registration.user_id == User.id,
                          Registration.state.in_(ACTIVE_STATES), func.lower(User.email) == EventInvitee.email)


def status_column():
    return case((_registered(), InviteeStatus.REGISTERED.value),
                (EventInvitee.declined_at.is_not(None), InviteeStatus.DECLINED.value),
                (EventInvitee.invited_at.is_not(None), InviteeStatus.NO_ANSWER.value),
                else_=InviteeStatus.NOT_SENT.value).label("status")


def list_invitees(event: Event, status: InviteeStatus | None = None) -> list[tuple[EventInvitee, InviteeStatus]]:
    column = status_column()
    query = select(EventInvitee, column).where(EventInvitee.event_id == event.id)
    if status is not None:
        query = query.where(column == status.value)
    rows = db.session.execute(query.order_by(EventInvitee.name, EventInvitee.id))
    return [(invitee, InviteeStatus(value)) for invitee, value in rows]


def counts(event: Event) -> dict[InviteeStatus, int]:
    """How many invitees in each status, every status present (0 when none)."""
    column = status_column()
    found = dict(db.session.execute(select(column, func.count()).select_from(EventInvitee)
                                    .where(EventInvitee.event_id == event.id).group_by(column)).all())
    return {s: found.get(s.value, 0) for s in InviteeStatus}


def listed_emails(event: Event) -> set[str]:
    return set(db.session.scalars(select(EventInvitee.email).where(EventInvitee.event_id == event.id)))


def invitee_for_token(token: str) -> EventInvitee | None:
    if not token or len(token) > 32:
        return None
    return db.session.scalar(select(EventInvitee).where(EventInvitee.token == token))


def status_of(invitee: EventInvitee) -> InviteeStatus:
    value = db.session.scalar(select(status_column()).where(EventInvitee.id == invitee.id))
    return InviteeStatus(value)
