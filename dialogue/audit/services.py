"""The audit log: every significant action, for the organisers and the consultation record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import AuditEntry, Event, Intent, User


def record_action(actor: User | None, action: str, summary: str, *, event: Event | None = None,
                  intent: Intent | None = None, **details: Any) -> AuditEntry:
    """Add an entry in the caller's transaction: it commits, or rolls back, with the action itself.

    ``actor`` None (or not signed in) is the system itself: a scheduled job or a command.
    """
    if hasattr(actor, "_get_current_object"):  # flask_login's current_user
        actor = actor._get_current_object()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        actor=actor,
        actor_name=getattr(actor, "name", "") or "",
        actor_organisation=(actor.organisation.name if actor is not None and getattr(actor, "organisation", None)
                            else ""),
        action=action, summary=summary[:500],
        event_id=event.id if event is not None else None,
        intent_id=intent.id if intent is not None else None,
        details={key: value for key, value in details.items() if value is not None},
    )
    db.session.add(entry)
    return entry


def list_for_event(event: Event, limit: int | None = None) -> list[AuditEntry]:
    """Entries about the event and about the intents presented at it, newest first."""
    from dialogue.models import EventIntent

    intent_ids = select(EventIntent.intent_id).where(EventIntent.event_id == event.id)
    query = (select(AuditEntry)
             .where((AuditEntry.event_id == event.id) | AuditEntry.intent_id.in_(intent_ids))
             .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))
