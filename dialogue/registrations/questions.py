"""The organisers' questions on the registration form, and the answers people give."""

from __future__ import annotations

from typing import Iterable, Mapping

from flask_babel import gettext as _
from sqlalchemy import func, select

from dialogue.audit.services import record_action
from dialogue.core.errors import DialogueError, NotFound
from dialogue.events.lifecycle import require_not_closed
from dialogue.extensions import db
from dialogue.models import Event, ParticipantRole, QuestionKind, RegistrationAnswer, RegistrationQuestion, User

MAX_ANSWER = 2000


def questions_for(event: Event, role: ParticipantRole | str | None) -> list[RegistrationQuestion]:
    """The questions a person in this role answers: those for every role and those for theirs."""
    query = select(RegistrationQuestion).where(RegistrationQuestion.event_id == event.id)
    if role is not None:
        query = query.where((RegistrationQuestion.role.is_(None)) | (RegistrationQuestion.role == str(role)))
    return list(db.session.scalars(query.order_by(RegistrationQuestion.position, RegistrationQuestion.id)))


def clean_answers(questions: list[RegistrationQuestion], answers: Mapping[int, str | None]) -> dict[int, str]:
    clean: dict[int, str] = {}
    for question in questions:
        value = (answers.get(question.id) or "").strip()
        field_name = f"q_{question.id}"
        if question.kind == QuestionKind.CHOICE and value and value not in question.choices:
            raise DialogueError(_("Choose one of the options."), field=field_name)
        if question.kind == QuestionKind.YES_NO and value and value not in ("yes", "no"):
            raise DialogueError(_("Answer yes or no."), field=field_name)
        if len(value) > MAX_ANSWER:
            raise DialogueError(_("Use at most %(n)d characters.", n=MAX_ANSWER), field=field_name)
        if question.required and not value:
            raise DialogueError(_("Answer this question: %(q)s", q=question.text), field=field_name)
        if value:
            clean[question.id] = value
    return clean


# --- questions --------------------------------------------------------------------------------------

def add_question(event: Event, *, text: str, kind: QuestionKind | str, role: str | None = None,
                 choices: Iterable[str] = (), required: bool = False) -> RegistrationQuestion:
    """An organiser's question on the registration form, for one role or for all."""
    require_not_closed(event)
    text = (text or "").strip()
    if not text:
        raise DialogueError(_("Enter the question."), field="text")
    if len(text) > 500:
        raise DialogueError(_("Use at most %(n)d characters.", n=500), field="text")
    try:
        kind = QuestionKind(kind)
    except ValueError:
        raise DialogueError(_("Choose the kind of answer."), field="kind") from None
    if role:
        try:
            role = ParticipantRole(role).value
        except ValueError:
            raise DialogueError(_("Choose a role from the list."), field="role") from None
    options = list(dict.fromkeys(c.strip() for c in choices if c and c.strip()))
    if kind == QuestionKind.CHOICE:
        if len(options) < 2:
            raise DialogueError(_("Give at least two options, one per line."), field="choices")
        if len(options) > 50 or any(len(o) > 200 for o in options):
            raise DialogueError(_("Give at most 50 options of at most 200 characters."), field="choices")
    else:
        options = []
    position = db.session.scalar(select(func.coalesce(func.max(RegistrationQuestion.position), 0))
                                 .where(RegistrationQuestion.event_id == event.id)) + 1
    question = RegistrationQuestion(event=event, text=text, kind=kind, role=role or None, choices=options,
                                    required=bool(required), position=position)
    db.session.add(question)
    db.session.flush()
    return question


def delete_question(event: Event, question: RegistrationQuestion, *, actor: User | None = None) -> None:
    """Remove a question; answers already given go with it."""
    if question.event_id != event.id:
        raise NotFound(_("This question is not on this event's form."))
    answers = db.session.scalar(select(func.count()).select_from(RegistrationAnswer)
                                .where(RegistrationAnswer.question_id == question.id))
    record_action(actor, "registration.question_delete", f"Deleted the registration question “{question.text}” "
                  f"with {answers} answers", event=event, answers=answers)
    db.session.delete(question)


def answer_text(question: RegistrationQuestion, value: str | None) -> str:
    if value is None:
        return ""
    if question.kind == QuestionKind.YES_NO:
        return _("yes") if value == "yes" else _("no") if value == "no" else value
    return value
