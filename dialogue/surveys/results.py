"""What the answers add up to: response rate, counts and percentages, means, NPS, free text.

Everything is computed from a constant number of queries, whatever the number of questions.
In an anonymous survey a role filter shows nothing for groups smaller than MIN_ANONYMOUS_GROUP, so that
filtering cannot single out the one reseller who answered.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse
from dialogue.models import SurveyQuestionKind as K
from dialogue.models.registration import ROLE_PLURALS
from dialogue.models.survey import CHOICE_KINDS, TEXT_KINDS
from dialogue.surveys.answers import OTHER

MIN_ANONYMOUS_GROUP = 3


KIND_LABELS = K.labels()  # for the builder's page


def role_label(role: str | None) -> str:
    if role in ROLE_PLURALS:
        return str(ROLE_PLURALS[role])
    return _("No role")


def yes_no_label(value: str) -> str:
    return _("Yes") if value == "yes" else _("No") if value == "no" else value


@dataclass
class Row:
    label: str
    count: int
    percent: int  # of those who answered the question


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    rows: list[Row] = field(default_factory=list)     # distribution or option counts
    mean: float | None = None
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    nps: dict | None = None                            # score, promoters, passives, detractors
    texts: list[str] = field(default_factory=list)     # free text, and what "Other" was

    @property
    def has_chart(self) -> bool:
        return bool(self.rows) and self.answered > 0


@dataclass
class Results:
    survey: Survey
    role: str | None
    invited: int
    responses: int
    by_role: list[tuple[str, int, int]]   # role, invited, responded
    questions: list[QuestionResult]
    suppressed: bool = False

    @property
    def rate(self) -> int | None:
        return round(100 * self.responses / self.invited) if self.invited else None


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    value = round(value, 1)
    return int(value) if float(value).is_integer() else value


def compute_results(survey: Survey, role: str | None = None) -> Results:
    invited_by_role = dict(db.session.execute(
        select(SurveyInvitation.role, func.count()).where(SurveyInvitation.survey_id == survey.id)
        .group_by(SurveyInvitation.role)).all())
    responded_by_role = dict(db.session.execute(
        select(SurveyResponse.role, func.count()).where(SurveyResponse.survey_id == survey.id)
        .group_by(SurveyResponse.role)).all())
    roles = sorted(set(invited_by_role) | set(responded_by_role), key=lambda r: (r is None, r or ""))
    by_role = [(r, invited_by_role.get(r, 0), responded_by_role.get(r, 0)) for r in roles]
    if role:
        invited, responses = invited_by_role.get(role, 0), responded_by_role.get(role, 0)
    else:
        invited, responses = sum(invited_by_role.values()), sum(responded_by_role.values())
    results = Results(survey=survey, role=role, invited=invited, responses=responses, by_role=by_role,
                      questions=[])
    if role and survey.anonymous and 0 < responses < MIN_ANONYMOUS_GROUP:
        results.suppressed = True
        return results

    query = select(SurveyAnswer).join(SurveyResponse).where(SurveyResponse.survey_id == survey.id) \
        .order_by(SurveyAnswer.response_id)
    if role:
        query = query.where(SurveyResponse.role == role)
    answers: dict[int, list[SurveyAnswer]] = defaultdict(list)
    for answer in db.session.scalars(query):
        answers[answer.question_id].append(answer)
    results.questions = [_summarise(q, answers.get(q.id, [])) for q in survey.ordered_questions()]
    return results


def results_of_surveys(surveys: list[Survey]) -> dict[int, Results]:
    """Everyone's results of several surveys (for the consultation record) in three queries.

    The surveys must have their sections and questions loaded.
    """
    ids = [survey.id for survey in surveys]
    if not ids:
        return {}
    invited: dict[int, dict] = defaultdict(dict)
    responded: dict[int, dict] = defaultdict(dict)
    for survey_id, role, n in db.session.execute(
            select(SurveyInvitation.survey_id, SurveyInvitation.role, func.count())
            .where(SurveyInvitation.survey_id.in_(ids)).group_by(SurveyInvitation.survey_id, SurveyInvitation.role)):
        invited[survey_id][role] = n
    for survey_id, role, n in db.session.execute(
            select(SurveyResponse.survey_id, SurveyResponse.role, func.count())
            .where(SurveyResponse.survey_id.in_(ids)).group_by(SurveyResponse.survey_id, SurveyResponse.role)):
        responded[survey_id][role] = n
    answers: dict[int, list[SurveyAnswer]] = defaultdict(list)
    for answer in db.session.scalars(select(SurveyAnswer).join(SurveyResponse)
                                     .where(SurveyResponse.survey_id.in_(ids)).order_by(SurveyAnswer.response_id)):
        answers[answer.question_id].append(answer)
    found = {}
    for survey in surveys:
        by_invited, by_responded = invited.get(survey.id, {}), responded.get(survey.id, {})
        roles = sorted(set(by_invited) | set(by_responded), key=lambda r: (r is None, r or ""))
        found[survey.id] = Results(
            survey=survey, role=None, invited=sum(by_invited.values()), responses=sum(by_responded.values()),
            by_role=[(r, by_invited.get(r, 0), by_responded.get(r, 0)) for r in roles],
            questions=[_summarise(q, answers.get(q.id, [])) for q in survey.ordered_questions()])
    return found


def _summarise(question: SurveyQuestion, answers: list[SurveyAnswer]) -> QuestionResult:
    result = QuestionResult(question=question, answered=len(answers))
    n = len(answers)
    if question.kind in (K.RATING, K.NPS):
        points = Counter(int(a.number) for a in answers if a.number is not None)
        result.rows = [Row(str(p), points[p], _percent(points[p], n)) for p in question.scale()]
        if n:
            result.mean = _number(statistics.fmean(a.number for a in answers))
        if question.kind == K.NPS and n:
            promoters = sum(c for p, c in points.items() if p >= 9)
            detractors = sum(c for p, c in points.items() if p <= 6)
            result.nps = {"score": round(100 * (promoters - detractors) / n), "promoters": promoters,
                          "passives": n - promoters - detractors, "detractors": detractors}
    elif question.kind == K.YES_NO:
        counts = Counter(c for a in answers for c in (a.choices or []))
        result.rows = [Row(yes_no_label(v), counts[v], _percent(counts[v], n)) for v in ("yes", "no")]
    elif question.kind in CHOICE_KINDS:
        counts = Counter(c for a in answers for c in (a.choices or []))
        result.rows = [Row(option, counts[option], _percent(counts[option], n)) for option in question.options]
        if question.allow_other:
            result.rows.append(Row(_("Other"), counts[OTHER], _percent(counts[OTHER], n)))
        result.texts = [a.text for a in answers if a.text]
    elif question.kind == K.NUMBER:
        numbers = [a.number for a in answers if a.number is not None]
        if numbers:
            result.mean = _number(statistics.fmean(numbers))
            result.median = _number(statistics.median(numbers))
            result.minimum, result.maximum = _number(min(numbers)), _number(max(numbers))
    elif question.kind in TEXT_KINDS:
        result.texts = [a.text for a in answers if a.text]
    return result
