"""Read-only JSON for published events, their agendas and public materials, announced intents and buyer groups.

Every response carries an ETag (a hash of its body) and Cache-Control; a matching
If-None-Match gets 304 with no body. Lists are paginated with page and per_page.
"""

from __future__ import annotations

import hashlib
import json

from flask import Response, abort, jsonify, request, url_for
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.api import bp, serializers
from dialogue.api.openapi import openapi_document
from dialogue.core.inputs import MAX_INT
from dialogue.extensions import csrf, db, limiter
from dialogue.models import (
    AgendaSession,
    BuyerGroup,
    Event,
    EventCoHost,
    EventIntent,
    EventStatus,
    GroupMember,
    Intent,
    IntentStatus,
    Material,
    MaterialVisibility,
    Membership,
    SessionSpeaker,
    StatementSignature,
    StatementVersion,
    User,
)
from dialogue.readiness.queries import published

PUBLIC_EVENT_STATES = (EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED, EventStatus.FINISHED,
                       EventStatus.CANCELLED)
PUBLIC_INTENT_STATES = (IntentStatus.ANNOUNCED, IntentStatus.TENDER_PUBLISHED, IntentStatus.AWARDED,
                        IntentStatus.WITHDRAWN)
MAX_PER_PAGE = 100

csrf.exempt(bp)  # GET only: nothing here changes state


class BadQuery(Exception):
    pass


@bp.errorhandler(BadQuery)
def bad_query(exc: BadQuery):
    return jsonify({"error": "bad_request", "message": str(exc)}), 400


@bp.errorhandler(404)
def not_found(exc):
    return jsonify({"error": "not_found", "message": "No such public object."}), 404


def cached_json(payload: dict, max_age: int = 60) -> Response:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response.make_conditional(request)


def page_args() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 20))
    except ValueError:
        raise BadQuery("page and per_page must be whole numbers") from None
    if not 1 <= page <= MAX_INT or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadQuery(f"page must be 1 or more and per_page between 1 and {MAX_PER_PAGE}")
    return page, per_page


def paginated(endpoint: str, items: list[dict], total: int, page: int, per_page: int, **values) -> dict:
    last = max((total + per_page - 1) // per_page, 1)

    def link(n: int) -> str | None:
        return url_for(endpoint, page=n, per_page=per_page, _external=True, **values) if 1 <= n <= last else None

    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "links": {"self": link(page) or url_for(endpoint, page=page, per_page=per_page, _external=True,
                                                    **values),
                      "next": link(page + 1) if page < last else None,
                      "prev": link(page - 1) if page > 1 else None}}


@bp.get("/openapi.json")
def openapi():
    return cached_json(openapi_document(), max_age=3600)


@bp.get("/events")
@limiter.limit("120 per minute")
def events():
    page, per_page = page_args()
    where = Event.status.in_(PUBLIC_EVENT_STATES)
    total = db.session.scalar(select(func.count()).select_from(Event).where(where))
    rows = db.session.scalars(select(Event).where(where)
                              .options(selectinload(Event.cohosts).joinedload(EventCoHost.organisation))
                              .order_by(Event.starts_at.desc(), Event.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return cached_json(paginated("api.events", [serializers.event_summary(e) for e in rows], total, page, per_page))


@bp.get("/events/<slug>")
@limiter.limit("120 per minute")
def event(slug: str):
    item = db.session.scalar(
        select(Event).where(Event.slug == slug, Event.status.in_(PUBLIC_EVENT_STATES)).options(
            selectinload(Event.cohosts).joinedload(EventCoHost.organisation),
            selectinload(Event.sessions).selectinload(AgendaSession.speakers).joinedload(SessionSpeaker.user)
            .joinedload(User.membership).joinedload(Membership.organisation)))
    if item is None:
        abort(404)
    intents = db.session.scalars(
        select(Intent).join(EventIntent, EventIntent.intent_id == Intent.id)
        .where(EventIntent.event_id == item.id, Intent.status.in_(PUBLIC_INTENT_STATES))
        .options(joinedload(Intent.buyer)).order_by(Intent.id)).all()
    return cached_json(serializers.event_detail(item, intents))


@bp.get("/events/<slug>/materials")
@limiter.limit("120 per minute")
def event_materials(slug: str):
    """The event's public materials (not those for participants or organisers only, nor removed ones):
    event-wide items first, then by session in agenda order."""
    page, per_page = page_args()
    event_id = db.session.scalar(select(Event.id).where(Event.slug == slug, Event.status.in_(PUBLIC_EVENT_STATES)))
    if event_id is None:
        abort(404)
    where = (Material.event_id == event_id, Material.visibility == MaterialVisibility.PUBLIC,
             Material.removed_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(Material).where(*where))
    rows = db.session.scalars(
        select(Material).outerjoin(AgendaSession, AgendaSession.id == Material.session_id).where(*where)
        .options(selectinload(Material.versions), joinedload(Material.session))
        .order_by(case((Material.session_id.is_(None), 0), else_=1), AgendaSession.starts_at, Material.created_at,
                  Material.id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    return cached_json(paginated("api.event_materials", [serializers.material(m) for m in rows], total, page,
                                 per_page, slug=slug))


@bp.get("/intents")
@limiter.limit("120 per minute")
def intents():
    page, per_page = page_args()
    where = Intent.status.in_(PUBLIC_INTENT_STATES)
    total = db.session.scalar(select(func.count()).select_from(Intent).where(where))
    rows = db.session.scalars(select(Intent).where(where).options(joinedload(Intent.buyer))
                              .order_by(Intent.announced_at.desc(), Intent.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return cached_json(paginated("api.intents", [serializers.intent_summary(i) for i in rows], total, page,
                                 per_page))


@bp.get("/intents/<int:intent_id>")
@limiter.limit("120 per minute")
def intent(intent_id: int):
    item = db.session.scalar(select(Intent).where(Intent.id == intent_id, Intent.status.in_(PUBLIC_INTENT_STATES))
                             .options(joinedload(Intent.buyer)))
    if item is None:
        abort(404)
    return cached_json(serializers.intent_detail(item))


@bp.get("/intents/<int:intent_id>/readiness")
@limiter.limit("120 per minute")
def intent_readiness(intent_id: int):
    item = db.session.scalar(select(Intent).where(Intent.id == intent_id, Intent.status.in_(PUBLIC_INTENT_STATES)))
    found = published(item) if item is not None else None
    if found is None:
        abort(404)
    return cached_json(serializers.readiness(item, *found))


@bp.get("/groups")
@limiter.limit("120 per minute")
def groups():
    page, per_page = page_args()
    total = db.session.scalar(select(func.count()).select_from(BuyerGroup))
    rows = db.session.scalars(select(BuyerGroup).order_by(BuyerGroup.name, BuyerGroup.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return cached_json(paginated("api.groups", [serializers.group_summary(g) for g in rows], total, page, per_page))


@bp.get("/groups/<slug>")
@limiter.limit("120 per minute")
def group(slug: str):
    item = db.session.scalar(select(BuyerGroup).where(BuyerGroup.slug == slug).options(
        selectinload(BuyerGroup.members).joinedload(GroupMember.organisation), selectinload(BuyerGroup.criteria),
        selectinload(BuyerGroup.statements).selectinload(StatementVersion.signatures)
        .joinedload(StatementSignature.organisation)))
    if item is None:
        abort(404)
    return cached_json(serializers.group_detail(item))
