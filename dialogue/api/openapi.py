"""The OpenAPI 3.1 description of the read API; the tests check every response against it."""

from __future__ import annotations

from dialogue.core.urls import external_url

NULLABLE_STRING = {"type": ["string", "null"]}
DATETIME = {"type": "string", "format": "date-time"}
NULLABLE_URL = {"type": ["string", "null"], "format": "uri"}
ORGANISATION_KINDS = ["public_buyer", "supplier", "reseller", "manufacturer", "civil_society", "network", "other"]


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties, "required": required or list(properties),
            "additionalProperties": False}


def _page_of(ref: str) -> dict:
    return _object({
        "items": {"type": "array", "items": {"$ref": ref}},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
        "total": {"type": "integer", "minimum": 0},
        "links": _object({"self": {"type": "string", "format": "uri"}, "next": NULLABLE_URL, "prev": NULLABLE_URL}),
    })


SCHEMAS = {
    "Error": _object({"error": {"type": "string"}, "message": {"type": "string"}}),
    "EventSummary": _object({
        "slug": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
        "status": {"enum": ["published", "registration_closed", "finished", "cancelled"]},
        "format": {"enum": ["in_person", "online", "hybrid"]},
        "timezone": {"type": "string"}, "starts_at": DATETIME, "ends_at": DATETIME, "venue": NULLABLE_STRING,
        "cohosts": {"type": "array", "items": {"type": "string"}},
        "url": {"type": "string", "format": "uri"}, "html_url": {"type": "string", "format": "uri"},
    }),
    "Session": _object({
        "id": {"type": "integer"}, "title": {"type": "string"},
        "kind": {"enum": ["buyer_presentation", "supplier_pitch", "panel", "workshop", "break", "one_to_one",
                          "other"]},
        "starts_at": DATETIME, "ends_at": DATETIME, "room": NULLABLE_STRING, "description": {"type": "string"},
        "speakers": {"type": "array", "items": _object({"name": {"type": "string"},
                                                         "organisation": NULLABLE_STRING})},
    }),
    "IntentSummary": _object({
        "id": {"type": "integer"}, "title": {"type": "string"}, "buyer": {"type": "string"},
        "buyer_country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "status": {"enum": ["announced", "tender_published", "awarded", "withdrawn"]},
        "cpv_main": {"type": "string", "pattern": "^[0-9]{8}-[0-9]$"},
        "estimated_value": {"type": ["number", "null"], "minimum": 0},
        "currency": {"type": ["string", "null"], "pattern": "^[A-Z]{3}$"},
        "procedure_type": NULLABLE_STRING,
        "planned_notice_date": {"type": ["string", "null"], "format": "date"},
        "url": {"type": "string", "format": "uri"}, "html_url": {"type": "string", "format": "uri"},
        "ocds_url": {"type": "string", "format": "uri"},
    }),
}
SCHEMAS["EventDetail"] = _object({
    **SCHEMAS["EventSummary"]["properties"],
    "description": {"type": "string"}, "address": NULLABLE_STRING,
    "languages": {"type": "array", "items": {"type": "string"}},
    "agenda": {"type": "array", "items": {"$ref": "#/components/schemas/Session"}},
    "intents": {"type": "array", "items": {"$ref": "#/components/schemas/IntentSummary"}},
})
SCHEMAS["IntentDetail"] = _object({
    **SCHEMAS["IntentSummary"]["properties"],
    "description": {"type": "string"}, "contract_duration_months": {"type": ["integer", "null"], "minimum": 0},
    "place_country": NULLABLE_STRING, "place_nuts": NULLABLE_STRING,
    "announced_at": {"type": ["string", "null"], "format": "date-time"}, "updated_at": DATETIME,
})
SCHEMAS["Material"] = _object({
    "id": {"type": "integer"}, "title": {"type": "string"}, "description": {"type": "string"},
    "language": {"type": "string", "description": "ISO 639-1 code of the material's language"},
    "session": {"oneOf": [{"type": "null"}, _object({"id": {"type": "integer"}, "title": {"type": "string"}})],
                "description": "The agenda session it belongs to; null for the event as a whole"},
    "kind": {"enum": ["file", "link"]},
    "file_name": {**NULLABLE_STRING, "description": "The current version's file name; null for a link"},
    "size": {"type": ["integer", "null"], "minimum": 1, "description": "Bytes; null for a link"},
    "content_type": {**NULLABLE_STRING, "description": "Media type of the file; null for a link"},
    "version": {"type": ["integer", "null"], "minimum": 1},
    "download_url": {**NULLABLE_URL, "description": "Downloads the current version; null for a link"},
    "link_url": {**NULLABLE_URL, "description": "Where a link leads; null for a file"},
    "html_url": {"type": "string", "format": "uri"},
    "published_at": DATETIME, "updated_at": DATETIME,
})
_COUNT = {"type": "integer", "minimum": 0}
SCHEMAS["Readiness"] = _object({
    "intent_id": {"type": "integer"},
    "published_at": {**DATETIME, "description": "When the buyer published these counts; they stay as they were "
                                                "then until the buyer publishes again"},
    "responding": {**_COUNT, "description": "Organisations that answered at least one criterion"},
    "criteria": {"type": "array", "items": _object({
        "id": {"type": "integer"}, "title": {"type": "string"}, "text": {"type": "string"},
        "kind": {**NULLABLE_STRING, "description": "The kind of the tender's criterion it was made from; null for a "
                                                   "row the buyer added"},
        "subject": NULLABLE_STRING,
        "counts": _object({"meets_today": _COUNT, "can_meet_by": _COUNT, "cannot": _COUNT, "not_applicable": _COUNT,
                           "responding": _COUNT}),
        "latest_by_date": {"type": ["string", "null"], "format": "date",
                           "description": "The latest date given by those who can meet it later"},
    })},
})
SCHEMAS["Organisation"] = _object({
    "slug": {"type": "string"}, "name": {"type": "string"},
    "kind": {"enum": ORGANISATION_KINDS},
    "country": {"type": "string", "pattern": "^[A-Z]{2}$"}, "website": NULLABLE_URL,
    "description": {"type": "string", "description": "Markdown"},
    "cpv": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{8}-[0-9]$"},
            "description": "CPV codes offered (a buyer: the codes it buys)"},
    "labels": {"type": "array", "items": _object({
        "name": {"type": "string"},
        "scheme": {"enum": ["tco_certified", "epeat", "blue_angel", "fairtrade", "other"]},
        "level": {**NULLABLE_STRING, "description": "TCO Certified generation, EPEAT tier or Blue Angel criteria"},
        "scope": {"type": "string", "description": "Which products hold it"},
        "valid_until": {"type": ["string", "null"], "format": "date"}})},
    "electronics_watch": {"enum": ["not_stated", "will_disclose", "disclosed"]},
    "sme": {"type": ["boolean", "null"], "description": "null: not stated"},
    "countries_served": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
    "take_back": {"type": "boolean"}, "refurbishment": {"type": "boolean"}, "repair": {"type": "boolean"},
    "profile_version": {"type": "integer", "minimum": 0, "description": "0: the profile was never saved"},
    "url": {"type": "string", "format": "uri"}, "html_url": {"type": "string", "format": "uri"},
})
SCHEMAS["GroupSummary"] = _object({
    "slug": {"type": "string"}, "name": {"type": "string"},
    "url": {"type": "string", "format": "uri"}, "html_url": {"type": "string", "format": "uri"},
})
SCHEMAS["GroupDetail"] = _object({
    **SCHEMAS["GroupSummary"]["properties"],
    "description": {"type": "string", "description": "Markdown"},
    "joint_statement": {"description": "The current version of the joint statement of demand; null before the "
                                       "first one",
                        "oneOf": [{"type": "null"}, _object({
                            "version": {"type": "integer", "minimum": 1}, "title": {"type": "string"},
                            "published_at": DATETIME,
                            "texts": {"type": "object", "description": "Markdown per language (fi, sv, en)",
                                      "propertyNames": {"enum": ["fi", "sv", "en"]},
                                      "additionalProperties": {"type": "string"}},
                            "signatories": {"type": "array", "items": _object({
                                "organisation": {"type": "string"}, "slug": {"type": "string"},
                                "signed_on": {"type": "string", "format": "date"}})},
                            "html_url": {"type": "string", "format": "uri"}})]},
    "members": {"type": "array", "items": _object({
        "slug": {"type": "string"}, "name": {"type": "string"}, "kind": {"enum": ["public_buyer", "network"]},
        "country": {"type": "string", "pattern": "^[A-Z]{2}$"}, "coordinator": {"type": "boolean"}})},
    "criteria": {"type": "array", "description": "The library of harmonised criteria, each at its current version",
                 "items": _object({
                     "id": {"type": "integer"}, "title": {"type": "string"}, "text": {"type": "string"},
                     "kind": {"enum": ["exclusion", "selection", "technical_specification", "award",
                                       "contract_performance"]},
                     "verification": {"enum": ["label", "affiliation", "third_party_audit", "self_declaration",
                                               "documentation"]},
                     "subject": NULLABLE_STRING, "version": {"type": "integer", "minimum": 1},
                     "html_url": {"type": "string", "format": "uri"}})},
})
SCHEMAS["GroupPage"] = _page_of("#/components/schemas/GroupSummary")
SCHEMAS["EventPage"] = _page_of("#/components/schemas/EventSummary")
SCHEMAS["MaterialPage"] = _page_of("#/components/schemas/Material")
SCHEMAS["IntentPage"] = _page_of("#/components/schemas/IntentSummary")
SCHEMAS["OrganisationPage"] = _page_of("#/components/schemas/Organisation")

PAGE_PARAMETERS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
]


ORGANISATION_FILTERS = [
    {"name": "cpv", "in": "query", "description": "A CPV code or its first digits: 3021 matches 30213100-6",
     "schema": {"type": "string"}},
    {"name": "label", "in": "query", "description": "Holds a valid label of this scheme",
     "schema": {"enum": ["tco_certified", "epeat", "blue_angel", "fairtrade", "other"]}},
    {"name": "country", "in": "query", "description": "Based in or serving this country (ISO 3166-1 alpha-2)",
     "schema": {"type": "string", "pattern": "^[A-Za-z]{2}$"}},
    {"name": "kind", "in": "query", "schema": {"enum": ORGANISATION_KINDS}},
    {"name": "sme", "in": "query", "schema": {"enum": ["yes", "no"]}},
]


def _ok(ref: str, description: str) -> dict:
    return {
        "200": {"description": description, "headers": {"ETag": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}},
        "304": {"description": "Not modified (If-None-Match matched the ETag)."},
    }


ERROR_400 = {"description": "Bad query",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
ERROR_404 = {"description": "No such public object",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _get(operation_id: str, ref: str, summary: str, *, path: str | None = None, query: list | None = None,
         description: str | None = None) -> dict:
    """One read operation: an object named by ``path`` (its id: 404 when it is not public) and/or a page
    of them filtered by ``query`` (400 on a bad query)."""
    parameters = [{"name": path, "in": "path", "required": True,
                   "schema": {"type": "integer" if path.endswith("_id") else "string"}}] if path else []
    responses = _ok(ref, summary)
    if query:
        parameters += query
        responses["400"] = ERROR_400
    if path:
        responses["404"] = ERROR_404
    operation = {"operationId": operation_id, **({"description": description} if description else {}),
                 "parameters": parameters, "responses": responses}
    return {"get": operation}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Dialogue read API", "version": "1.2.0",
                 "description": "Published market-dialogue events, their agendas and public materials, and "
                                "announced planned tenders (with links to their OCDS releases), and "
                                "organisations' public profiles. Read-only; no authentication."},
        "servers": [{"url": external_url("api.events").rsplit("/events", 1)[0]}],
        "paths": {
            "/events": _get("listEvents", "EventPage", "Published events, newest first", query=PAGE_PARAMETERS),
            "/events/{slug}": _get("getEvent", "EventDetail", "An event with its agenda", path="slug"),
            "/events/{slug}/materials": _get(
                "listEventMaterials", "MaterialPage", "Public materials of the event", path="slug",
                query=PAGE_PARAMETERS,
                description="Materials of a published event that anyone may see, event-wide items first, then "
                            "by session in agenda order. Materials for participants or organisers only are "
                            "not listed."),
            "/intents": _get("listIntents", "IntentPage", "Announced intents, newest first", query=PAGE_PARAMETERS),
            "/intents/{intent_id}": _get("getIntent", "IntentDetail", "A planned tender", path="intent_id"),
            "/intents/{intent_id}/readiness": _get(
                "getIntentReadiness", "Readiness", "The published readiness counts", path="intent_id",
                description="The market-readiness counts the buyer published: per criterion, how many "
                            "responding suppliers, manufacturers and resellers meet it today, can meet it by a "
                            "date, cannot, or find it not applicable. No organisation is named. 404 when the "
                            "planned tender is not public or nothing is published."),
            "/organisations": _get(
                "listOrganisations", "OrganisationPage", "Organisations matching the filters",
                query=[*PAGE_PARAMETERS, *ORGANISATION_FILTERS],
                description="Organisations by name with their public profiles. Contact details are never "
                            "included."),
            "/organisations/{slug}": _get("getOrganisation", "Organisation", "An organisation's public profile",
                                          path="slug"),
            "/groups": _get("listGroups", "GroupPage", "Buyer groups, by name", query=PAGE_PARAMETERS),
            "/groups/{slug}": _get(
                "getGroup", "GroupDetail", "A buyer group", path="slug",
                description="A buyer group: its members, the current joint statement of demand with its "
                            "signatories, and its library of harmonised criteria."),
        },
        "components": {"schemas": SCHEMAS},
    }
