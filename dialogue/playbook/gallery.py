"""The gallery of past public events: their programme and what their follow-up surveys found.

Only aggregate counts of questions with fixed answers (ratings, scores, yes/no, choices) are shown:
never free text, nor the text written under "Other", and nothing drawn from fewer than
``MIN_ANONYMOUS_GROUP`` answers, so that no single participant's answer can be read from the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    Event,
    EventCoHost,
    EventStatus,
    Survey,
    SurveyQuestionKind,
    SurveySection,
    utcnow,
)
from dialogue.surveys.results import MIN_ANONYMOUS_GROUP, QuestionResult, results_of_surveys

# Questions with a fixed set of answers: their counts say nothing a person wrote in their own words.
SHOWN_KINDS = (SurveyQuestionKind.RATING, SurveyQuestionKind.NPS, SurveyQuestionKind.YES_NO,
               SurveyQuestionKind.SINGLE_CHOICE, SurveyQuestionKind.MULTIPLE_CHOICE)
PAST_STATES = (EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED, EventStatus.FINISHED)
PAGE_SIZE = 20


@dataclass
class SurveySummary:
    title: str
    invited: int
    responses: int
    questions: list[QuestionResult]

    @property
    def too_few(self) -> bool:
        return self.responses < MIN_ANONYMOUS_GROUP


def _past(now: dt.datetime):
    return select(Event).where(Event.status.in_(PAST_STATES), Event.ends_at <= now)


def list_past_events(page: int = 1, now: dt.datetime | None = None) -> tuple[list[Event], bool]:
    """Past public events (not drafts, not cancelled), the latest first; and whether more follow."""
    now = now or utcnow()
    events = list(db.session.scalars(
        _past(now).order_by(Event.starts_at.desc(), Event.id.desc()).limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
        .options(selectinload(Event.cohosts).joinedload(EventCoHost.organisation))))
    return events[:PAGE_SIZE], len(events) > PAGE_SIZE


def session_counts(events: list[Event]) -> dict[int, int]:
    if not events:
        return {}
    return dict(db.session.execute(select(AgendaSession.event_id, func.count()).where(
        AgendaSession.event_id.in_([e.id for e in events])).group_by(AgendaSession.event_id)).all())


def get_past_event(slug: str, now: dt.datetime | None = None) -> Event | None:
    return db.session.scalar(_past(now or utcnow()).where(Event.slug == slug).options(
        selectinload(Event.cohosts).joinedload(EventCoHost.organisation), selectinload(Event.sessions)))


def survey_summaries(event: Event, now: dt.datetime | None = None) -> list[SurveySummary]:
    """The closed, published surveys of the event, reduced to what may be shown to anyone."""
    now = now or utcnow()
    surveys = list(db.session.scalars(
        select(Survey).where(Survey.event_id == event.id, Survey.published_at.is_not(None), Survey.closes_at <= now)
        .order_by(Survey.opens_at, Survey.id)
        .options(selectinload(Survey.sections).selectinload(SurveySection.questions))))
    results = results_of_surveys(surveys)
    summaries = []
    for survey in surveys:
        found = results[survey.id]
        shown = [q for q in found.questions
                 if q.question.kind in SHOWN_KINDS and q.answered >= MIN_ANONYMOUS_GROUP]
        summaries.append(SurveySummary(title=survey.title, invited=found.invited, responses=found.responses,
                                       questions=[] if found.responses < MIN_ANONYMOUS_GROUP else shown))
    return summaries
