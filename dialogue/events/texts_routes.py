"""The event's and its agenda's texts in the further languages the event is held in."""

from __future__ import annotations

from flask import url_for
from flask_login import login_required
from sqlalchemy.orm import selectinload

from dialogue.events import bp
from dialogue.events.access import organiser_event_or_404
from dialogue.i18n.pages import texts_page
from dialogue.models import Event


@bp.route("/events/<slug>/texts", defaults={"locale": None}, endpoint="texts_index")
@bp.route("/events/<slug>/texts/<locale>", methods=["GET", "POST"])
@login_required
def texts(slug: str, locale: str | None):
    event = organiser_event_or_404(slug, selectinload(Event.sessions))
    return texts_page(event, locale, template="events/texts.html", event=event,
                      to=url_for("events.texts", slug=slug, locale=locale or "en"))
