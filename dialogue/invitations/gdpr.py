"""An invitee's data: the name and address the organisers put on an event's list, found by the person's address.

Erasure and retention keep the row (the record shows who was told, by organisation) and drop the name
and the address.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from dialogue.extensions import db
from dialogue.gdpr.retention import RetentionRule
from dialogue.invitations.queries import status_column
from dialogue.models import Event, EventInvitee, User

ERASED_PREFIX = "erased-"


def export(user: User) -> dict[str, list[dict]]:
    rows = db.session.execute(select(EventInvitee, status_column(), Event.title)
                              .join(Event, Event.id == EventInvitee.event_id)
                              .where(EventInvitee.email == user.email.lower()).order_by(EventInvitee.id))
    return {"event_invitations": [{
        "event": title, "name": i.name, "email": i.email, "organisation": i.organisation, "listed_at": i.created_at,
        "invited_at": i.invited_at, "reminders": i.reminders_sent, "opened_link_at": i.opened_at,
        "declined_at": i.declined_at, "status": status} for i, status, title in rows]}


def _anonymise(where) -> int:
    return db.session.execute(
        update(EventInvitee).where(where, ~EventInvitee.email.startswith(ERASED_PREFIX))
        .values(name="", email=ERASED_PREFIX + EventInvitee.token)
        .execution_options(synchronize_session="fetch")).rowcount


def erase(user: User) -> None:
    _anonymise(EventInvitee.email == user.email.lower())


# Retention: once the event is long over, the list keeps organisations and answers, not people.

def _old(cutoff: dt.datetime):
    return EventInvitee.event_id.in_(select(Event.id).where(Event.ends_at < cutoff))


def _count(cutoff: dt.datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(EventInvitee).where(
        _old(cutoff), ~EventInvitee.email.startswith(ERASED_PREFIX)))


def _apply(cutoff: dt.datetime) -> int:
    return _anonymise(_old(cutoff))


RETENTION = [RetentionRule("RETENTION_INVITEES_DAYS", 730,
                           _l("Names and addresses on an event's invitation list are removed this long after the "
                              "event; the record keeps the organisation and the answer."), _count, _apply)]
