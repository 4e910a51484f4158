"""The consultation record of an event (for its organisers) and of a planned tender (for the buyer's staff).

Taking the record is logged first, so the record's own audit log shows who took it and when.
"""

from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user, login_required

from dialogue.events.access import get_event_or_404, require_organiser
from dialogue.extensions import db
from dialogue.intents.access import get_intent_or_404, require_buyer_staff
from dialogue.record import archive, bp, services
from dialogue.record.intent_record import build_intent_record
from dialogue.record.names import EXPLANATION


def _zip_response(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})


@bp.get("/events/<slug>/record")
@login_required
def event_record(slug: str):
    event = get_event_or_404(slug, current_user)
    require_organiser(event, current_user)
    services.record_export(event, current_user, "page")
    record = services.build_event_record(event, current_user)
    # Rendered before the commit, which would expire everything loaded.
    response = Response(render_template("record/event.html", record=record, event=record.event,
                                        explanation=EXPLANATION))
    db.session.commit()
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/events/<slug>/record.zip")
@login_required
def event_record_zip(slug: str):
    event = get_event_or_404(slug, current_user)
    require_organiser(event, current_user)
    services.record_export(event, current_user, "ZIP")
    data = archive.event_zip(services.build_event_record(event, current_user))
    db.session.commit()
    return _zip_response(data, f"{event.slug}-consultation-record.zip")


@bp.get("/intents/<int:intent_id>/record")
@login_required
def intent_record(intent_id: int):
    intent = get_intent_or_404(intent_id, current_user)
    require_buyer_staff(intent, current_user)
    services.record_export(None, current_user, "page", intent=intent)
    record = build_intent_record(intent, current_user)
    response = Response(render_template("record/intent.html", record=record, intent=record.intent))
    db.session.commit()
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/intents/<int:intent_id>/record.zip")
@login_required
def intent_record_zip(intent_id: int):
    intent = get_intent_or_404(intent_id, current_user)
    require_buyer_staff(intent, current_user)
    services.record_export(None, current_user, "ZIP", intent=intent)
    data = archive.intent_zip(build_intent_record(intent, current_user))
    db.session.commit()
    return _zip_response(data, f"planned-tender-{intent.id}-consultation-record.zip")
