"""Who reaches a survey's organiser pages: the organisers of its event."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dialogue.events.access import organiser_event_or_404
from dialogue.extensions import db
from dialogue.models import Event, Survey, SurveySection


def load_survey(slug: str, survey_id: int) -> tuple[Event, Survey]:
    """The event and its survey for an organiser of that event; 403 for anyone else, 404 if absent."""
    event = organiser_event_or_404(slug)
    survey = db.session.scalar(select(Survey).where(Survey.id == survey_id, Survey.event_id == event.id).options(
        selectinload(Survey.sections).selectinload(SurveySection.questions), selectinload(Survey.questions)))
    if survey is None:
        abort(404)
    return event, survey
