"""Plain-dict views of public objects for the JSON read API (shapes described in openapi.py)."""

from __future__ import annotations

import datetime as dt

from dialogue.core.urls import external_url
from dialogue.models import AgendaSession, Event, Intent, Material


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def event_summary(event: Event) -> dict:
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        "status": event.status.value,
        "format": event.format.value,
        "timezone": event.timezone,
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "venue": event.venue,
        "cohosts": [host.organisation.name for host in event.cohosts],
        "url": external_url("api.event", slug=event.slug),
        "html_url": external_url("events.detail", slug=event.slug),
    }


def session(item: AgendaSession) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind.value,
        "starts_at": iso(item.starts_at),
        "ends_at": iso(item.ends_at),
        "room": item.room,
        "description": item.description,
        "speakers": [{"name": s.user.name, "organisation": s.user.organisation.name if s.user.organisation else None}
                     for s in item.speakers],
    }


def event_detail(event: Event, intents: list[Intent]) -> dict:
    return {**event_summary(event), "description": event.description, "address": event.address,
            "languages": list(event.languages or []),
            "agenda": [session(item) for item in event.sessions],
            "intents": [intent_summary(intent) for intent in intents]}


def intent_summary(intent: Intent) -> dict:
    return {
        "id": intent.id,
        "title": intent.title,
        "buyer": intent.buyer.name,
        "buyer_country": intent.buyer.country,
        "status": intent.status.value,
        "cpv_main": intent.cpv_main,
        "estimated_value": float(intent.estimated_value) if intent.estimated_value is not None else None,
        "currency": intent.currency,
        "procedure_type": intent.procedure_type.value if intent.procedure_type else None,
        "planned_notice_date": iso(intent.planned_notice_date),
        "url": external_url("api.intent", intent_id=intent.id),
        "html_url": external_url("intents.detail", intent_id=intent.id),
        "ocds_url": external_url("intents.ocds_release", intent_id=intent.id),
    }


def intent_detail(intent: Intent) -> dict:
    return {**intent_summary(intent), "description": intent.description,
            "contract_duration_months": intent.contract_duration_months,
            "place_country": intent.place_country, "place_nuts": intent.place_nuts,
            "announced_at": iso(intent.announced_at), "updated_at": iso(intent.updated_at)}


def material(item: Material) -> dict:
    """A public material with its current version: a file to download or a link to follow."""
    current = item.current
    is_link = current is not None and current.is_link
    return {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "language": item.language,
        "session": {"id": item.session.id, "title": item.session.title} if item.session is not None else None,
        "kind": "link" if is_link else "file",
        "file_name": current.filename if current is not None and not is_link else None,
        "size": current.size if current is not None and not is_link else None,
        "content_type": current.content_type if current is not None and not is_link else None,
        "version": current.number if current is not None else None,
        "download_url": (external_url("materials.download", material_id=item.id)
                         if current is not None and not is_link else None),
        "link_url": current.link_url if is_link else None,
        "html_url": external_url("materials.detail", material_id=item.id),
        "published_at": iso(item.created_at),
        "updated_at": iso(current.created_at if current is not None else item.updated_at),
    }


COUNTS = ("meets_today", "can_meet_by", "cannot", "not_applicable", "responding")


def readiness(intent, published_at, figures: dict) -> dict:
    """The published readiness counts, as they were published."""
    return {"intent_id": intent.id, "published_at": iso(published_at), "responding": figures["responding"],
            "criteria": [{"id": row["id"], "title": row["title"], "text": row["text"], "kind": row["kind"],
                          "subject": row["subject"], "counts": {key: row[key] for key in COUNTS},
                          "latest_by_date": row["latest_by_date"]} for row in figures["criteria"]]}


def organisation(org, profile) -> dict:
    """An organisation's public profile; contact details are never part of it."""
    labels = [] if profile is None else [
        {"name": lbl.name if lbl.scheme.value == "other" and lbl.name else str(lbl.scheme.label),
         "scheme": lbl.scheme.value, "level": lbl.level, "scope": lbl.scope or "",
         "valid_until": iso(lbl.valid_until)} for lbl in profile.labels]
    return {
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind.value,
        "country": org.country,
        "website": org.website,
        "description": profile.description if profile is not None else "",
        "cpv": [c.code for c in profile.cpv_codes] if profile is not None else [],
        "labels": labels,
        "electronics_watch": profile.electronics_watch.value if profile is not None else "not_stated",
        "sme": profile.sme if profile is not None else None,
        "countries_served": list(profile.countries_served or []) if profile is not None else [],
        "take_back": bool(profile and profile.take_back),
        "refurbishment": bool(profile and profile.refurbishment),
        "repair": bool(profile and profile.repair),
        "profile_version": profile.version if profile is not None else 0,
        "url": external_url("api.organisation", slug=org.slug),
        "html_url": external_url("organisations.profile", slug=org.slug),
    }


def group_summary(group) -> dict:
    return {"slug": group.slug, "name": group.name,
            "url": external_url("api.group", slug=group.slug),
            "html_url": external_url("groups.detail", slug=group.slug)}


def group_detail(group) -> dict:
    statement = group.current_statement
    return {
        **group_summary(group), "description": group.description,
        "joint_statement": None if statement is None else {
            "version": statement.version, "title": statement.title, "published_at": iso(statement.created_at),
            "texts": dict(statement.texts),
            "signatories": [{"organisation": s.organisation.name, "slug": s.organisation.slug,
                             "signed_on": iso(s.signed_on)} for s in statement.signatures],
            "html_url": external_url("groups.statement", slug=group.slug)},
        "members": [{"slug": m.organisation.slug, "name": m.organisation.name, "kind": m.organisation.kind.value,
                     "country": m.organisation.country, "coordinator": m.coordinator} for m in group.members],
        "criteria": [{"id": c.id, "title": c.title, "text": c.text, "kind": c.kind.value,
                      "verification": c.verification.value, "subject": c.subject, "version": c.version,
                      "html_url": external_url("groups.criterion", slug=group.slug, criterion_id=c.id)}
                     for c in group.criteria],
    }
