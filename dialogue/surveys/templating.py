"""What the event page of the events feature shows from this feature (``surveys/_event_section.html``)."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import contains_eager

from dialogue.core import cache
from dialogue.events.access import is_organiser
from dialogue.extensions import db
from dialogue.models import Survey, SurveyInvitation, utcnow
from dialogue.surveys import bp

# The person's invitations to the event's surveys, built once: asked on every event page.
_MINE = (select(SurveyInvitation).join(SurveyInvitation.survey)
         .where(Survey.event_id == bindparam("event_id", type_=Integer),
                SurveyInvitation.user_id == bindparam("user_id", type_=Integer),
                # A revoked invitation shows only what the person answered while it stood.
                SurveyInvitation.revoked_at.is_(None) | SurveyInvitation.responded.is_(True))
         .options(contains_eager(SurveyInvitation.survey)).order_by(Survey.opens_at))


# A survey added to or removed from an event moves the event's version (``_has_surveys``); a change to a
# survey's texts or dates does not.
cache.watch(Survey, lambda survey: [("event", survey.event_id)] if cache.changed(survey) else [])


def _has_surveys(event) -> bool:
    """Whether the event has any survey, kept per version of the event: most events have none, and their
    pages then need not ask for the person's invitations."""
    return cache.fragment("surveys/any", [("event", event.id)], lambda: "1" if db.session.scalar(
        select(Survey.id).where(Survey.event_id == event.id).limit(1)) is not None else "") == "1"


@bp.app_context_processor
def survey_helpers():
    def surveys_for_event_page(event, organiser: bool | None = None) -> dict:
        """For templates/surveys/_event_section.html: two queries, whatever the number of surveys; one
        when the page knows whether the person organises the event (``organiser``); none for an event
        without surveys once that is known."""
        if not current_user.is_authenticated or not _has_surveys(event):
            return {"mine": [], "organised": []}
        now = utcnow()
        mine = list(db.session.scalars(_MINE, {"event_id": event.id, "user_id": current_user.id}))
        organised = []
        if organiser is None:
            organiser = is_organiser(event, current_user)
        if organiser:
            organised = list(db.session.scalars(select(Survey).where(Survey.event_id == event.id)
                                                .order_by(Survey.opens_at, Survey.id)))
        return {"mine": [(inv, inv.survey.state(now)) for inv in mine if inv.survey.published_at],
                "organised": [(s, s.state(now)) for s in organised]}

    def survey_endpoint_exists(endpoint: str) -> bool:
        """Links to other features' pages only where that feature is installed."""
        from flask import current_app

        return endpoint in current_app.view_functions

    return {"surveys_for_event_page": surveys_for_event_page, "survey_endpoint_exists": survey_endpoint_exists}
