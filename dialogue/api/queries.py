"""What the public API reads: only published events and announced (or later) intents, a page at a time."""

from __future__ import annotations

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    BuyerGroup,
    Event,
    EventCoHost,
    EventIntent,
    GroupMember,
    Intent,
    Material,
    MaterialVisibility,
    Membership,
    Organisation,
    SessionSpeaker,
    StatementSignature,
    StatementVersion,
    User,
)


def _page(query: Select, page: int, per_page: int) -> tuple[list, int]:
    """The rows of one page and how many there are in all."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))), total


def events(page: int, per_page: int) -> tuple[list[Event], int]:
    return _page(select(Event).where(Event.is_public)
                 .options(selectinload(Event.cohosts).joinedload(EventCoHost.organisation))
                 .order_by(Event.starts_at.desc(), Event.id), page, per_page)


def event(slug: str) -> Event | None:
    return db.session.scalar(
        select(Event).where(Event.slug == slug, Event.is_public).options(
            selectinload(Event.cohosts).joinedload(EventCoHost.organisation),
            selectinload(Event.sessions).selectinload(AgendaSession.speakers).joinedload(SessionSpeaker.user)
            .joinedload(User.membership).joinedload(Membership.organisation)))


def event_id(slug: str) -> int | None:
    return db.session.scalar(select(Event.id).where(Event.slug == slug, Event.is_public))


def event_intents(event: Event) -> list[Intent]:
    return list(db.session.scalars(
        select(Intent).join(EventIntent, EventIntent.intent_id == Intent.id)
        .where(EventIntent.event_id == event.id, Intent.is_public)
        .options(joinedload(Intent.buyer)).order_by(Intent.id)))


def event_materials(event_id: int, page: int, per_page: int) -> tuple[list[Material], int]:
    """The event's public materials (not those for participants or organisers only, nor removed ones):
    event-wide items first, then by session in agenda order."""
    return _page(
        select(Material).outerjoin(AgendaSession, AgendaSession.id == Material.session_id)
        .where(Material.event_id == event_id, Material.visibility == MaterialVisibility.PUBLIC,
               Material.removed_at.is_(None))
        .options(selectinload(Material.versions), joinedload(Material.session))
        .order_by(case((Material.session_id.is_(None), 0), else_=1), AgendaSession.starts_at, Material.created_at,
                  Material.id), page, per_page)


def intents(page: int, per_page: int) -> tuple[list[Intent], int]:
    return _page(select(Intent).where(Intent.is_public).options(joinedload(Intent.buyer))
                 .order_by(Intent.announced_at.desc(), Intent.id), page, per_page)


def intent(intent_id: int) -> Intent | None:
    return db.session.scalar(select(Intent).where(Intent.id == intent_id, Intent.is_public)
                             .options(joinedload(Intent.buyer)))


def organisation(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def groups(page: int, per_page: int) -> tuple[list[BuyerGroup], int]:
    return _page(select(BuyerGroup).order_by(BuyerGroup.name, BuyerGroup.id), page, per_page)


def group(slug: str) -> BuyerGroup | None:
    return db.session.scalar(select(BuyerGroup).where(BuyerGroup.slug == slug).options(
        selectinload(BuyerGroup.members).joinedload(GroupMember.organisation), selectinload(BuyerGroup.criteria),
        selectinload(BuyerGroup.statements).selectinload(StatementVersion.signatures)
        .joinedload(StatementSignature.organisation)))
