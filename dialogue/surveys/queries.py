"""What the organisers' survey pages read: invitation and response counts."""

from __future__ import annotations

from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import Event, Survey, SurveyInvitation


def survey_stats(survey: Survey) -> dict:
    """How many people one survey invited and how many of them answered."""
    invited, responded = db.session.execute(
        select(func.count(), func.count().filter(SurveyInvitation.responded.is_(True)))
        .where(SurveyInvitation.survey_id == survey.id)).one()
    return {"invited": invited, "responded": responded}


def invitation_counts(event: Event) -> dict[int, tuple[int, int]]:
    """Invited and responded per survey of the event, in one query."""
    return {survey_id: (invited, responded) for survey_id, invited, responded in db.session.execute(
        select(SurveyInvitation.survey_id, func.count(), func.count().filter(SurveyInvitation.responded.is_(True)))
        .join(Survey).where(Survey.event_id == event.id).group_by(SurveyInvitation.survey_id))}
