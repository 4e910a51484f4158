"""Read-only JSON for published events, their agendas and public materials, announced intents and buyer groups.

Every response carries an ETag (a hash of its body) and Cache-Control; a matching
If-None-Match gets 304 with no body. Lists are paginated with page and per_page.
"""

from __future__ import annotations

import hashlib
import json

from flask import Response, jsonify, request

from dialogue.api import bp, queries, serializers
from dialogue.api.openapi import openapi_document
from dialogue.core.actions import found_or_404
from dialogue.core.errors import DialogueError
from dialogue.core.inputs import MAX_INT, parse_id
from dialogue.core.urls import external_url
from dialogue.extensions import csrf, limiter
from dialogue.organisations import directory
from dialogue.organisations.profiles import load_profile
from dialogue.readiness.queries import published

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
    page, per_page = parse_id(request.args.get("page", 1)), parse_id(request.args.get("per_page", 20))
    if page is None or per_page is None:
        raise BadQuery("page and per_page must be whole numbers")
    if not 1 <= page <= MAX_INT or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadQuery(f"page must be 1 or more and per_page between 1 and {MAX_PER_PAGE}")
    return page, per_page


def paginated(endpoint: str, items: list[dict], total: int, page: int, per_page: int, **values) -> dict:
    last = max((total + per_page - 1) // per_page, 1)

    def link(n: int) -> str | None:
        return external_url(endpoint, page=n, per_page=per_page, **values) if 1 <= n <= last else None

    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "links": {"self": link(page) or external_url(endpoint, page=page, per_page=per_page,
                                                    **values),
                      "next": link(page + 1) if page < last else None,
                      "prev": link(page - 1) if page > 1 else None}}


@bp.get("/openapi.json")
def openapi():
    return cached_json(openapi_document(), max_age=3600)


def _listing(endpoint: str, read, serialize, **values) -> Response:
    """One page of a list: ``read(page, per_page)`` gives its rows and how many there are in all."""
    page, per_page = page_args()
    rows, total = read(page, per_page)
    return cached_json(paginated(endpoint, [serialize(row) for row in rows], total, page, per_page, **values))


@bp.get("/events")
@limiter.limit("120 per minute")
def events():
    return _listing("api.events", queries.events, serializers.event_summary)


@bp.get("/events/<slug>")
@limiter.limit("120 per minute")
def event(slug: str):
    item = found_or_404(queries.event(slug))
    return cached_json(serializers.event_detail(item, queries.event_intents(item)))


@bp.get("/events/<slug>/materials")
@limiter.limit("120 per minute")
def event_materials(slug: str):
    """The event's public materials, event-wide items first, then by session in agenda order."""
    event_id = found_or_404(queries.event_id(slug))
    return _listing("api.event_materials", lambda page, per_page: queries.event_materials(event_id, page, per_page),
                    serializers.material, slug=slug)


@bp.get("/intents")
@limiter.limit("120 per minute")
def intents():
    return _listing("api.intents", queries.intents, serializers.intent_summary)


@bp.get("/intents/<int:intent_id>")
@limiter.limit("120 per minute")
def intent(intent_id: int):
    return cached_json(serializers.intent_detail(found_or_404(queries.intent(intent_id))))


@bp.get("/intents/<int:intent_id>/readiness")
@limiter.limit("120 per minute")
def intent_readiness(intent_id: int):
    item = queries.intent(intent_id)
    found = published(item) if item is not None else None
    return cached_json(serializers.readiness(item, *found_or_404(found)))


@bp.get("/organisations")
@limiter.limit("120 per minute")
def organisations():
    """Organisations by name, with the directory's filters (cpv prefix, label, country, kind, sme)."""
    page, per_page = page_args()
    try:
        filters = directory.parse_filters(request.args)
    except DialogueError as exc:  # a bad filter is the API's 400 with its message, like a bad page
        raise BadQuery(f"{exc.field}: {exc.message}") from None
    entries, total = directory.list_directory(filters, page=page, per_page=per_page)
    return cached_json(paginated("api.organisations", [serializers.organisation(e.organisation, e.profile)
                                                      for e in entries], total, page, per_page,
                                 **filters.active()))


@bp.get("/organisations/<slug>")
@limiter.limit("120 per minute")
def organisation(slug: str):
    org = found_or_404(queries.organisation(slug))
    return cached_json(serializers.organisation(org, load_profile(org.id)))


@bp.get("/groups")
@limiter.limit("120 per minute")
def groups():
    return _listing("api.groups", queries.groups, serializers.group_summary)


@bp.get("/groups/<slug>")
@limiter.limit("120 per minute")
def group(slug: str):
    return cached_json(serializers.group_detail(found_or_404(queries.group(slug))))
