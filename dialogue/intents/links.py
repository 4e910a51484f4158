"""Intents presented at events. The intent's buyer side (the lead buyer and, for a joint tender, its
partners) links it to events one of them co-hosts; an event's organisers link any public intent to
their event."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload

from dialogue.core.errors import Conflict, NotAllowed
from dialogue.events.access import is_organiser
from dialogue.extensions import db
from dialogue.intents import access
from dialogue.intents.cpv import like_escape
from dialogue.intents.services import audit_intent, record_change
from dialogue.models import (
    ChangeAction,
    Event,
    EventCoHost,
    EventIntent,
    EventStaff,
    EventStatus,
    Intent,
    IntentStatus,
    StaffRole,
    User,
)


def _cohosts(event: Event, org_ids: set[int]) -> bool:
    return db.session.scalar(select(exists().where(EventCoHost.event_id == event.id,
                                                   EventCoHost.organisation_id.in_(org_ids))))


def can_link(intent: Intent, event: Event, user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if is_organiser(event, user):
        return intent.is_public or access.is_buyer_staff(intent, user)
    return access.is_buyer_staff(intent, user) and _cohosts(event, access.buyer_side_ids(intent))


def link_intent(intent: Intent, event: Event, actor: User) -> EventIntent:
    """Show the intent on the event's page and the event as an engagement milestone of the intent."""
    if not can_link(intent, event, actor):
        raise NotAllowed(_("Only the organisers of the event, or the buyer's staff for an event their "
                           "organisation co-hosts, can link a planned tender to it."))
    if intent.status == IntentStatus.WITHDRAWN:
        raise Conflict(_("A withdrawn planned tender is not presented at events."))
    if db.session.scalar(select(EventIntent.id).where(EventIntent.event_id == event.id,
                                                      EventIntent.intent_id == intent.id)):
        raise Conflict(_("This planned tender is already linked to that event."))
    link = EventIntent(event=event, intent=intent, linked_by_id=actor.id)
    db.session.add(link)
    record_change(intent, actor, ChangeAction.EVENT_LINKED, [{"field": "event", "old": None, "new": event.title}])
    audit_intent(actor, "intent.event_link", f"Presented “{intent.title}” at “{event.title}”", intent, event=event)
    return link


def unlink_intent(link: EventIntent, actor: User) -> None:
    if not can_link(link.intent, link.event, actor):
        raise NotAllowed(_("Only the organisers of the event or the buyer's staff can remove this link."))
    record_change(link.intent, actor, ChangeAction.EVENT_UNLINKED,
                  [{"field": "event", "old": link.event.title, "new": None}])
    audit_intent(actor, "intent.event_unlink", f"No longer presents “{link.intent.title}” at “{link.event.title}”",
           link.intent, event=link.event)
    db.session.delete(link)


def links_of_intent(intent: Intent) -> list[EventIntent]:
    return list(db.session.scalars(select(EventIntent).where(EventIntent.intent_id == intent.id)
                                   .options(joinedload(EventIntent.event))
                                   .join(EventIntent.event).order_by(Event.starts_at)))


def public_links_of_intent(intent: Intent) -> list[EventIntent]:
    return [link for link in links_of_intent(intent) if link.event.is_public]


def links_of_event(event: Event, *, public_only: bool = True) -> list[EventIntent]:
    query = (select(EventIntent).join(EventIntent.intent).where(EventIntent.event_id == event.id)
             .options(joinedload(EventIntent.intent).joinedload(Intent.buyer)).order_by(Intent.title))
    if public_only:
        query = query.where(Intent.is_public)
    return list(db.session.scalars(query))


def linkable_events(intent: Intent, user: User) -> list[Event]:
    """Events the user may link this intent to and that it is not yet linked to."""
    query = select(Event).where(Event.status != EventStatus.CANCELLED,
                                ~exists().where(EventIntent.event_id == Event.id, EventIntent.intent_id == intent.id))
    if not user.is_admin:
        query = query.where(or_(
            exists().where(EventCoHost.event_id == Event.id,
                           EventCoHost.organisation_id.in_(access.buyer_side_ids(intent))),
            exists().where(EventStaff.event_id == Event.id, EventStaff.user_id == user.id,
                           EventStaff.role == StaffRole.ORGANISER)))
    return list(db.session.scalars(query.order_by(Event.starts_at.desc()).limit(200)))


def linkable_intents(event: Event, user: User, search: str | None = None) -> list[Intent]:
    """Public intents (and the user's own drafts) not yet linked to the event, matching the search."""
    own = user.membership.organisation_id if user.membership else None
    query = (select(Intent).options(joinedload(Intent.buyer))
             .where(~exists().where(EventIntent.event_id == event.id, EventIntent.intent_id == Intent.id),
                    Intent.status != IntentStatus.WITHDRAWN,
                    or_(Intent.is_public, Intent.buyer_id == own)))
    if search:
        pattern = f"%{like_escape(search.strip().lower())}%"
        query = query.where(func.lower(Intent.title).like(pattern, escape="\\"))
    return list(db.session.scalars(query.order_by(Intent.updated_at.desc()).limit(50)))
