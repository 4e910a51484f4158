"""Demo: the Make ICT Fair live market engagement (Nijmegen, 3 October 2018) closed with a feedback survey.

The event and its registrations come from the events feature's demo; without them nothing is built.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import (
    Event,
    Registration,
    RegistrationState,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    new_token,
)
from dialogue.surveys import answers, services
from dialogue.surveys.starters import STARTERS

EVENT_SLUG = "make-ict-fair-2018"
TITLE = str(STARTERS["market_dialogue"]["title"])  # the demo is built in English

# Answers cycled over the participants, so the results page has something to show.
USEFUL = ["5", "4", "4", "3", "5", "2"]
CLEAR = ["4", "3", "5", "3", "4", "2"]
NPS = ["9", "8", "10", "6", "9", "7"]
BID = ["Yes", "Probably", "Not sure yet", "No", "Yes", "Probably not"]
BARRIERS = [["Supply-chain transparency beyond the first tier", "Cost of audits and certification"],
            ["Lead times for certified products"],
            ["Unclear verification requirements", "__other__"],
            ["No worker-driven monitoring in our supply chain yet"]]
LABELS = [["TCO Certified", "EPEAT"], ["EPEAT"], ["TCO Certified", "Blue Angel (DE-UZ 78)"], ["None of these"]]
REMARKS = ["Please publish the lot structure early.", "", "A webinar on the verification would help.", ""]


def build(world: dict) -> Survey | None:
    event = db.session.scalar(select(Event).where(Event.slug == EVENT_SLUG))
    if event is None:
        return None
    survey = db.session.scalar(select(Survey).where(Survey.event_id == event.id, Survey.title == TITLE))
    if survey is not None:
        world.setdefault("surveys", {})[EVENT_SLUG] = survey
        return survey
    opens = event.ends_at + dt.timedelta(hours=2)
    survey = services.create_survey(event, world.get("people", {}).get("organiser"), TITLE,
                                    starter="market_dialogue", now=opens)
    survey.opens_at, survey.closes_at = opens, opens + dt.timedelta(days=21)
    survey.created_at = survey.published_at = opens - dt.timedelta(days=1)  # prepared before the event ended
    survey.opened_at = opens
    survey.reminder_days, survey.reminders_done = [7], [7]
    registrations = db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED,
        Registration.user_id.is_not(None)).order_by(Registration.id)).all()
    by_start = {q.text[:12]: q for q in survey.ordered_questions()}
    for index, registration in enumerate(registrations):
        invitation = SurveyInvitation(survey=survey, user_id=registration.user_id, role=str(registration.role),
                                      token=new_token(), invited_at=opens)
        db.session.add(invitation)
        if index % 4 == 3:  # some never answer, as in real life
            invitation.reminder_count, invitation.last_reminded_at = 1, opens + dt.timedelta(days=7)
            continue
        raw = {by_start["How useful w"].id: [USEFUL[index % 6]], by_start["How clearly "].id: [CLEAR[index % 6]],
               by_start["How likely a"].id: [NPS[index % 6]], by_start["Will you bid"].id: [BID[index % 6]],
               by_start["What are you"].id: BARRIERS[index % 4], by_start["Which labels"].id: LABELS[index % 4],
               by_start["Anything els"].id: [REMARKS[index % 4]]}
        other = {by_start["What are you"].id: "Volumes are hard to forecast"}
        if BID[index % 6] == "No":
            raw[by_start["What keeps y"].id] = ["The social criteria need audits we cannot afford yet."]
        values = answers.validate_answers(survey, raw, other)
        invitation.responded = True
        when = opens + dt.timedelta(hours=3 + 5 * index)
        response = SurveyResponse(survey=survey, invitation=invitation, role=invitation.role, submitted_at=when,
                                  updated_at=when)
        db.session.add(response)
        for question_id, value in values.items():
            response.answers.append(SurveyAnswer(question_id=question_id, number=value.number,
                                                 choices=value.choices, text=value.text))
    db.session.flush()
    world.setdefault("surveys", {})[EVENT_SLUG] = survey
    return survey
