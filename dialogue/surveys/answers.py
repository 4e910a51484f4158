"""Answering through a personal link: which questions show, what a valid answer is, and storing it.

Rules: one response per link; answers only while the survey is open; named responses can be changed
until closing, anonymous ones cannot (nothing links them back to the person). Every answer is checked
before anything is written, so a rejected submission leaves no trace.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.timeutil import format_local
from dialogue.extensions import db
from dialogue.models import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse, SurveySection
from dialogue.models import SurveyQuestionKind as K
from dialogue.models.survey import CHOICE_KINDS, TEXT_KINDS

OTHER = "__other__"  # the submitted value of the "Other" choice
TEXT_LIMITS = {K.SHORT_TEXT: 300, K.LONG_TEXT: 5000}
OTHER_LIMIT = 300


@dataclass
class Value:
    """A checked answer, ready to store."""

    number: float | None = None
    choices: list[str] | None = None
    text: str | None = None


class InvalidAnswers(DialogueError):
    """Some answers are missing or wrong; ``errors`` maps question id to the message shown next to it."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(_("Some answers need your attention."))
        self.errors = errors


def get_invitation(token: str) -> SurveyInvitation | None:
    """The invitation of a personal link, with its survey's questions; None for an unknown token."""
    if not token or len(token) > 64:
        return None
    # An erased person's link stops working with their account.
    return db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.token == token,
                                                            SurveyInvitation.user_id.is_not(None)).options(
        selectinload(SurveyInvitation.survey).selectinload(Survey.sections).selectinload(SurveySection.questions),
        selectinload(SurveyInvitation.survey).selectinload(Survey.questions)))


def named_response(invitation: SurveyInvitation) -> SurveyResponse | None:
    if invitation.survey.anonymous:
        return None
    return db.session.scalar(select(SurveyResponse).where(SurveyResponse.invitation_id == invitation.id)
                             .options(selectinload(SurveyResponse.answers)))


def check_can_answer(invitation: SurveyInvitation, now: dt.datetime) -> None:
    """Refuse with the reason a person needs: not open yet, closed, or already answered anonymously."""
    survey = invitation.survey
    zone = survey.event.timezone
    if survey.published_at is None or now < survey.opens_at:
        raise NotAllowed(_("This survey opens on %(when)s.", when=format_local(survey.opens_at, zone)))
    if now >= survey.closes_at:
        raise NotAllowed(_("This survey closed on %(when)s. Answers can no longer be given or changed.",
                           when=format_local(survey.closes_at, zone)))
    if invitation.responded and survey.anonymous:
        raise Conflict(_("This link has already been used to answer. Each person answers once; anonymous "
                         "answers cannot be changed because nothing links them back to you."))


def is_shown(question: SurveyQuestion, values: Mapping[int, Value]) -> bool:
    """A conditional question shows when the earlier answer matches (includes, for multiple choice)."""
    source = question.condition_question
    if source is None:
        return True
    value = values.get(source.id)
    if value is None:
        return False
    if value.choices is not None:
        return question.condition_value in value.choices
    if value.number is not None:
        return question.condition_value == _format_number(value.number)
    return False


def _format_number(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _parse_rating(question: SurveyQuestion, raw: list[str], other: str) -> Value:
    low, high = (1, 5) if question.kind == K.RATING else (0, 10)
    try:
        number = int(raw[0])
    except ValueError:
        number = None
    if number is None or len(raw) > 1 or not low <= number <= high:
        raise DialogueError(_("Choose a rating from %(low)s to %(high)s.", low=low, high=high))
    return Value(number=number)


def _parse_number(question: SurveyQuestion, raw: list[str], other: str) -> Value:
    try:
        number = float(raw[0].replace(",", ".").replace(" ", ""))
    except ValueError:
        raise DialogueError(_("Enter a number, for example 12 or 3.5.")) from None
    if not math.isfinite(number) or abs(number) > 1e12:
        raise DialogueError(_("Enter a number, for example 12 or 3.5."))
    low, high = question.min_value, question.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            raise DialogueError(_("Enter a number from %(low)s to %(high)s.", low=_format_number(low),
                                  high=_format_number(high)))
        if low is not None:
            raise DialogueError(_("Enter a number of at least %(low)s.", low=_format_number(low)))
        raise DialogueError(_("Enter a number of at most %(high)s.", high=_format_number(high)))
    return Value(number=number)


def _parse_yes_no(question: SurveyQuestion, raw: list[str], other: str) -> Value:
    if len(raw) > 1 or raw[0] not in ("yes", "no"):
        raise DialogueError(_("Choose yes or no."))
    return Value(choices=[raw[0]])


def _parse_choice(question: SurveyQuestion, raw: list[str], other: str) -> Value:
    if question.kind == K.SINGLE_CHOICE and len(raw) > 1:
        raise DialogueError(_("Choose one answer."))
    allowed = set(question.options) | ({OTHER} if question.allow_other else set())
    if any(item not in allowed for item in raw):
        raise DialogueError(_("Choose from the answers listed."))
    chosen = [option for option in question.options if option in raw]
    text = None
    if OTHER in raw:
        if not other:
            raise DialogueError(_("You chose \"Other\": say what it is."))
        if len(other) > OTHER_LIMIT:
            raise DialogueError(_("Keep \"Other\" under %(n)s characters.", n=OTHER_LIMIT))
        chosen.append(OTHER)
        text = other
    return Value(choices=chosen, text=text)


def _parse_text(question: SurveyQuestion, raw: list[str], other: str) -> Value:
    text = "\n".join(raw).replace("\r\n", "\n")
    limit = TEXT_LIMITS[question.kind]
    if len(text) > limit:
        raise DialogueError(_("Keep the answer under %(n)s characters.", n=limit))
    if "\x00" in text:
        raise DialogueError(_("The answer contains characters that cannot be stored."))
    # Stored exactly as written (HTML too): pages escape it, exports neutralise formulas.
    return Value(text=text)


PARSERS = {
    K.RATING: _parse_rating,
    K.NPS: _parse_rating,
    K.NUMBER: _parse_number,
    K.YES_NO: _parse_yes_no,
    **{kind: _parse_choice for kind in CHOICE_KINDS},
    **{kind: _parse_text for kind in TEXT_KINDS},
}


def _parse(question: SurveyQuestion, raw: Sequence[str], other: str) -> Value | None:
    """One answer from submitted strings; None when left empty; DialogueError when wrong."""
    raw = [item.strip() for item in raw if item is not None and item.strip()]
    parser = PARSERS.get(question.kind)
    if parser is None:  # pragma: no cover - every kind is handled
        raise DialogueError(_("This question cannot be answered."))
    if not raw:
        return None
    return parser(question, raw, (other or "").strip())


def validate_answers(survey: Survey, raw: Mapping[int, Sequence[str]],
                     other: Mapping[int, str]) -> dict[int, Value]:
    """Check every answer; questions hidden by their condition are dropped whatever was sent."""
    values: dict[int, Value] = {}
    errors: dict[int, str] = {}
    for question in survey.ordered_questions():
        if not is_shown(question, values):
            continue
        try:
            value = _parse(question, raw.get(question.id, []), other.get(question.id, ""))
        except DialogueError as exc:
            errors[question.id] = exc.message
            continue
        if value is None:
            if question.required:
                errors[question.id] = _("Answer this question.") if question.kind in TEXT_KINDS + (K.NUMBER,) \
                    else _("Choose an answer.")
            continue
        values[question.id] = value
    if errors:
        raise InvalidAnswers(errors)
    return values


def submit_response(invitation: SurveyInvitation, raw: Mapping[int, Sequence[str]], other: Mapping[int, str],
                    now: dt.datetime) -> SurveyResponse:
    """Store one person's answers, or replace them (named surveys, until closing)."""
    survey = invitation.survey
    check_can_answer(invitation, now)
    values = validate_answers(survey, raw, other)
    existing = named_response(invitation)
    if existing is None:
        if survey.anonymous:
            # Anonymous answers of one survey are stored one after the other (see _blend_invitations).
            db.session.execute(select(Survey.id).where(Survey.id == survey.id).with_for_update())
        # Claim the link atomically: of two simultaneous submissions only one finds it unused.
        claimed = db.session.execute(update(SurveyInvitation).where(
            SurveyInvitation.id == invitation.id, SurveyInvitation.responded.is_(False)).values(responded=True))
        if claimed.rowcount != 1:
            raise Conflict(_("This link has already been used to answer."))
        db.session.refresh(invitation, ["responded"])
        response = SurveyResponse(survey=survey, role=invitation.role)
        if not survey.anonymous:
            response.invitation = invitation
            response.submitted_at = now
            response.updated_at = now
        db.session.add(response)
    else:
        response = existing
        response.answers.clear()
        response.role = invitation.role
        response.updated_at = now
        db.session.flush()  # the old answers go before the new ones take their keys
    for question_id, value in values.items():
        response.answers.append(SurveyAnswer(question_id=question_id, number=value.number, choices=value.choices,
                                             text=value.text))
    db.session.flush()
    if survey.anonymous:
        _blend_invitations(survey)
    return response


def _blend_invitations(survey: Survey) -> None:
    """Rewrite every invitation of the survey in the transaction that stores an anonymous response.

    The response and the claimed invitation are written by one transaction, and PostgreSQL records the
    writing transaction on each row (the ``xmin`` system column). Rewriting all of the survey's
    invitations in that same transaction gives them all the same writer, so the invitation that was
    just used is indistinguishable from the others. Together with random response keys and no times
    on anonymous responses, nothing the database holds tells which response came from which link, or
    in which order responses arrived. The survey row is locked first so that two anonymous
    submissions never rewrite the same rows in opposite order (no deadlock).
    """
    db.session.execute(update(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id)
                       .values(responded=SurveyInvitation.responded)
                       .execution_options(synchronize_session=False))


def values_from(response: SurveyResponse | None) -> dict[int, Value]:
    """A stored response as values, to fill in the form again."""
    if response is None:
        return {}
    return {a.question_id: Value(number=a.number, choices=a.choices, text=a.text) for a in response.answers}
