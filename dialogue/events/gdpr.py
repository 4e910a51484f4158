"""A person's roles on events: organiser or check-in staff, speaker, creator of an event.

These are public roles taken on for a co-host or as a speaker. Erasure ends them (the roles go with
the account); the events, their sessions and the audit log of what was done stay.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from dialogue.extensions import db
from dialogue.models import AgendaSession, Event, EventStaff, SessionSpeaker, User


def export(user: User) -> dict[str, list[dict]]:
    staff = db.session.scalars(select(EventStaff).where(EventStaff.user_id == user.id)
                               .options(joinedload(EventStaff.event)).order_by(EventStaff.id))
    speaking = db.session.scalars(select(SessionSpeaker).where(SessionSpeaker.user_id == user.id)
                                  .options(joinedload(SessionSpeaker.session).joinedload(AgendaSession.event))
                                  .order_by(SessionSpeaker.id))
    created = db.session.scalars(select(Event).where(Event.created_by_id == user.id).order_by(Event.id))
    return {
        "event_roles": [{"event": s.event.title, "role": s.role} for s in staff],
        "sessions_you_speak_at": [{"event": s.session.event.title, "session": s.session.title,
                                   "starts_at": s.session.starts_at} for s in speaking],
        "events_you_created": [{"event": e.title, "created_at": e.created_at} for e in created],
    }


def erase(user: User) -> None:
    db.session.execute(delete(EventStaff).where(EventStaff.user_id == user.id)
                       .execution_options(synchronize_session="fetch"))
    db.session.execute(delete(SessionSpeaker).where(SessionSpeaker.user_id == user.id)
                       .execution_options(synchronize_session="fetch"))
