from flask import render_template
from flask_login import current_user, login_required

from dialogue.audit import bp, services
from dialogue.events.access import get_event_or_404, require_organiser


@bp.get("/events/<slug>/audit")
@login_required
def event_log(slug: str):
    event = get_event_or_404(slug, current_user)
    require_organiser(event, current_user)
    return render_template("audit/event_log.html", event=event, entries=services.list_for_event(event))
