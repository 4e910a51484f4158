"""Match suggestions: suppliers for a planned tender, planned tenders for a supplier, and the scheduler switch."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from dialogue.core.actions import perform
from dialogue.events.access import organiser_event_or_404
from dialogue.extensions import db
from dialogue.intents.access import get_intent_or_404
from dialogue.matching import access, bp, queries, services
from dialogue.matching.forms import MatchScoresForm
from dialogue.models import Organisation

SHOWN = 30  # suggestions on a page; the command line prints them all


@bp.get("/intents/<int:intent_id>/suggestions")
@login_required
def intent_suggestions(intent_id: int):
    intent = get_intent_or_404(intent_id, current_user)
    access.require_intent_viewer(intent, current_user)
    matches = [m for m in queries.suggestions_for_intent(intent) if m.score > 0][:SHOWN]
    return render_template("matching/intent.html", intent=intent, matches=matches)


@bp.get("/organisations/<slug>/suggestions")
@login_required
def organisation_suggestions(slug: str):
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        abort(404)
    access.require_organisation_viewer(org, current_user)
    matches = queries.suggestions_for_organisation(org)
    if matches is not None:
        matches = [m for m in matches if m.score > 0][:SHOWN]
    events = queries.meeting_events([m.tender.id for m in matches or ()], current_user)
    return render_template("matching/organisation.html", org=org, matches=matches, events=events)


@bp.post("/events/<slug>/meetings/match-scores")
@login_required
def use_match_scores(slug: str):
    event = organiser_event_or_404(slug)
    form = MatchScoresForm()
    return perform(lambda: services.set_use_match_scores(event, form.on.data == "1", current_user),
                   to=url_for("meetings.schedule", slug=slug), form=form,
                   success=lambda settings: _("Match scores now weigh in the priorities.") if settings.use_match_scores
                   else _("Match scores no longer weigh in the priorities."))
