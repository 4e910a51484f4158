"""The consultation record of an event (for its organisers) and of a planned tender (for the buyer's staff).

Taking the record is logged first, so the record's own audit log shows who took it and when.
"""

from __future__ import annotations

from typing import Callable

from flask import Response, render_template, url_for
from flask_login import current_user, login_required

from dialogue.core.actions import perform
from dialogue.core.forms import ButtonForm
from dialogue.events.access import organiser_event_or_404
from dialogue.extensions import db
from dialogue.intents.access import get_intent_or_404, require_buyer_staff
from dialogue.record import archive, bp, building, services
from dialogue.record.intent_record import build_intent_record
from dialogue.record.names import EXPLANATION


def _taken(as_zip: bool, log: Callable[[str], object], build: Callable[[], object],
           page: Callable[[object], str], to_zip: Callable[[object], bytes], name: str) -> Response:
    """Log the taking first, build the record, answer with the page or the ZIP, then commit."""
    log("ZIP" if as_zip else "page")
    record = build()
    # Rendered before the commit, which would expire everything loaded.
    if as_zip:
        response = Response(to_zip(record), mimetype="application/zip",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
    else:
        response = Response(page(record))
    db.session.commit()
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/events/<slug>/record", defaults={"as_zip": False})
@bp.get("/events/<slug>/record.zip", endpoint="event_record_zip", defaults={"as_zip": True})
@login_required
def event_record(slug: str, as_zip: bool):
    event = organiser_event_or_404(slug)
    if as_zip and building.is_large(event):
        return render_template("record/build.html", event=event, form=ButtonForm())
    return _taken(as_zip, lambda how: services.record_export(event, current_user, how),
                  lambda: services.build_event_record(event, current_user),
                  lambda record: render_template("record/event.html", record=record, event=record.event,
                                                 explanation=EXPLANATION),
                  archive.event_zip, f"{event.slug}-consultation-record.zip")


@bp.post("/events/<slug>/record.zip/build")
@login_required
def build_event_zip(slug: str):
    """A large event's record ZIP, built by the worker; the job's page shows progress, then the download."""
    event = organiser_event_or_404(slug)
    return perform(lambda: building.queue_event_zip(event, current_user),
                   to=lambda job: url_for("jobs.show", job_id=job.id), form=ButtonForm())


@bp.get("/intents/<int:intent_id>/record", defaults={"as_zip": False})
@bp.get("/intents/<int:intent_id>/record.zip", endpoint="intent_record_zip", defaults={"as_zip": True})
@login_required
def intent_record(intent_id: int, as_zip: bool):
    intent = get_intent_or_404(intent_id, current_user)
    require_buyer_staff(intent, current_user)
    return _taken(as_zip, lambda how: services.record_export(None, current_user, how, intent=intent),
                  lambda: build_intent_record(intent, current_user),
                  lambda record: render_template("record/intent.html", record=record, intent=record.intent),
                  archive.intent_zip, f"planned-tender-{intent.id}-consultation-record.zip")
