"""A person's survey data: invitations and, for named surveys, their answers.

Anonymous answers cannot be exported or erased per person: nothing links them to anyone.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload

from dialogue.extensions import db
from dialogue.gdpr.retention import retention_rule
from dialogue.models import Survey, SurveyAnswer, SurveyInvitation, SurveyResponse, User
from dialogue.surveys.exports import answer_cell


def export(user: User) -> dict[str, list[dict]]:
    invitations = list(db.session.scalars(
        select(SurveyInvitation).where(SurveyInvitation.user_id == user.id)
        .options(joinedload(SurveyInvitation.survey).joinedload(Survey.event)).order_by(SurveyInvitation.id)))
    responses = list(db.session.scalars(
        select(SurveyResponse).where(SurveyResponse.invitation_id.in_([i.id for i in invitations]))
        .options(selectinload(SurveyResponse.answers).joinedload(SurveyAnswer.question))))
    answers = []
    for response in responses:
        for answer in sorted(response.answers, key=lambda a: a.question_id):
            answers.append({"survey": response.survey.title, "question": answer.question.text,
                            "answer": answer_cell(answer.question, answer), "submitted_at": response.submitted_at,
                            "updated_at": response.updated_at})
    return {
        "survey_invitations": [{"event": i.survey.event.title, "survey": i.survey.title, "invited_at": i.invited_at,
                                "answered": i.responded, "anonymous": i.survey.anonymous,
                                "reminders": i.reminder_count} for i in invitations],
        "survey_answers": answers,
    }


def erase(user: User) -> None:
    # Invitations stay (without the person) so response rates stay true; named answers stay as the
    # record, no longer linked to anyone; the personal links stop working.
    db.session.execute(update(SurveyInvitation).where(SurveyInvitation.user_id == user.id)
                       .values(user_id=None).execution_options(synchronize_session=False))


# Retention: the personal links stop working some time after the survey closes. The invitation
# stays (the response rate stays true); only its secret goes.

def _expired_links(cutoff: dt.datetime):
    closed = select(Survey.id).where(Survey.closes_at < cutoff)
    return SurveyInvitation.token.is_not(None) & SurveyInvitation.survey_id.in_(closed)


RETENTION = [retention_rule("RETENTION_SURVEY_LINKS_DAYS", 90,
                            _l("Personal survey links stop working this long after the survey closes; who was "
                               "invited and whether they answered stay for the response rate."),
                            SurveyInvitation, _expired_links, clear={"token": None})]
