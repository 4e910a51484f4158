"""Questions and answers on an intent, published to everyone (equal treatment, Directive 2014/24/EU Art. 40-41).

A supplier, manufacturer or reseller asks; the buyer's staff may edit the public wording, merge
duplicates and answer. An answer is published with its question for everyone and mailed to every
follower of the intent. There is no private reply: nothing the buyer says about an intent reaches
one supplier alone. The asker's organisation is shown only if the asker chose so.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.extensions import db
from dialogue.intents import access, notify
from dialogue.intents.services import audit_intent, record_change
from dialogue.intents.validation import plain_text
from dialogue.models import ChangeAction, Intent, IntentQuestion, IntentStatus, QuestionStatus, User, utcnow

MAX_QUESTION = 2000
MAX_ANSWER = 10000


def ask_question(intent: Intent, asker: User, text: str, *, show_organisation: bool = False) -> IntentQuestion:
    """Only on an announced intent (not a draft, a withdrawn intent or a tender already out)."""
    if intent.status == IntentStatus.WITHDRAWN:
        raise Conflict(_("This planned tender was withdrawn: it takes no more questions."))
    if intent.status != IntentStatus.ANNOUNCED:
        raise Conflict(_("Questions are taken while the planned tender is announced. Once the tender is out, ask "
                         "through the tender's own channel."))
    if not access.can_ask(intent, asker):
        raise NotAllowed(_("Questions are asked by confirmed staff of suppliers, manufacturers and resellers."))
    text = plain_text(text, name="text", required=_("Write your question."), max_length=MAX_QUESTION)
    question = IntentQuestion(intent=intent, asker_id=asker.id, asker_organisation_id=asker.organisation.id,
                              show_organisation=bool(show_organisation), original_text=text, public_text=text,
                              status=QuestionStatus.PENDING, asked_at=utcnow())
    db.session.add(question)
    db.session.flush()
    notify.question_received(question)
    return question


def _require_staff(intent: Intent, actor: User) -> None:
    if not access.is_buyer_staff(intent, actor):
        raise NotAllowed(_("Only the staff of %(buyer)s answer questions on this planned tender.",
                           buyer=intent.buyer.name))


def answer_question(question: IntentQuestion, actor: User, answer: str, *, public_text: str | None = None) -> bool:
    """Publish (or correct) the answer, with the wording the buyer settles on; every follower is told.

    Returns True when an answer already published was corrected.
    """
    intent = question.intent
    _require_staff(intent, actor)
    if question.status == QuestionStatus.MERGED:
        raise Conflict(_("This question was merged into another: answer that one."))
    if intent.status == IntentStatus.DRAFT:
        raise Conflict(_("Announce the planned tender before answering questions on it."))
    answer = plain_text(answer, name="answer", required=_("Write the answer."), max_length=MAX_ANSWER)
    if public_text is not None:
        _set_wording(question, public_text)
    corrected = question.status == QuestionStatus.ANSWERED
    if corrected and answer == question.answer:
        return False
    now = utcnow()
    question.answer = answer
    question.answered_by_id = actor.id
    if corrected:
        question.answer_updated_at = now
    else:
        question.status = QuestionStatus.ANSWERED
        question.answered_at = now
    record_change(intent, actor, ChangeAction.ANSWER_CORRECTED if corrected else ChangeAction.ANSWER_PUBLISHED,
                  [{"field": "question", "old": None, "new": question.public_text[:200]}])
    audit_intent(actor, "question.answer_corrected" if corrected else "question.answer",
           f"{'Corrected the answer to' if corrected else 'Answered and published'} question #{question.id}: "
           f"“{question.public_text[:200]}”", intent, question_id=question.id)
    notify.answer_published(question, corrected=corrected)
    return corrected


def publish_clarification(intent: Intent, actor: User, heading: str, text: str, *, source: str) -> IntentQuestion:
    """Publish what the buyer told someone outside the Q&A (e.g. in a one-to-one meeting) as an answered
    entry of the intent's public Q&A, and tell every follower, as an answer is told (Art. 41).

    ``heading`` stands where a question would (it says where the information was given); ``source``
    names it in the audit log. Nobody asked it, so no asker or organisation is kept.
    """
    _require_staff(intent, actor)
    if intent.status == IntentStatus.DRAFT:
        raise Conflict(_("Announce the planned tender before publishing anything on it."))
    heading = plain_text(heading, name="heading", required=_("Say where the information was given."),
                         max_length=MAX_QUESTION)
    text = plain_text(text, name="text", required=_("Write the information to publish."), max_length=MAX_ANSWER)
    now = utcnow()
    question = IntentQuestion(intent=intent, asker_id=None, asker_organisation_id=None, show_organisation=False,
                              clarification=True, original_text=heading, public_text=heading,
                              status=QuestionStatus.ANSWERED, asked_at=now, answer=text, answered_by_id=actor.id,
                              answered_at=now)
    db.session.add(question)
    db.session.flush()
    record_change(intent, actor, ChangeAction.ANSWER_PUBLISHED,
                  [{"field": "question", "old": None, "new": heading[:200]}])
    audit_intent(actor, "question.clarification", f"Published information given {source}: “{heading[:200]}”",
                 intent, question_id=question.id)
    notify.answer_published(question)
    return question


def _set_wording(question: IntentQuestion, text: str) -> None:
    text = plain_text(text, name="public_text", required=_("The question needs a wording."),
                      max_length=MAX_QUESTION)
    if text != question.public_text:
        question.public_text = text
        question.wording_edited_at = utcnow()


def edit_wording(question: IntentQuestion, actor: User, text: str) -> None:
    """Reword a question for publication (e.g. to remove what identifies the asker); the original is kept."""
    _require_staff(question.intent, actor)
    if question.status == QuestionStatus.MERGED:
        raise Conflict(_("This question was merged into another."))
    before = question.public_text
    _set_wording(question, text)
    if question.public_text != before:
        audit_intent(actor, "question.reword", f"Reworded question #{question.id} for publication", question.intent,
               question_id=question.id)


def merge_question(question: IntentQuestion, target: IntentQuestion, actor: User) -> None:
    """Mark a duplicate: it is answered with ``target``. Its asker follows the intent and hears the answer."""
    _require_staff(question.intent, actor)
    if target.intent_id != question.intent_id:
        raise DialogueError(_("Merge questions of the same planned tender only."), field="target_id")
    if target.id == question.id:
        raise DialogueError(_("Choose another question to merge into."), field="target_id")
    if target.status == QuestionStatus.MERGED:
        raise DialogueError(_("That question was itself merged; choose the one it was merged into."),
                            field="target_id")
    if question.status != QuestionStatus.PENDING:
        raise Conflict(_("Only an unanswered question can be merged into another."))
    question.status = QuestionStatus.MERGED
    question.merged_into_id = target.id
    audit_intent(actor, "question.merge", f"Merged question #{question.id} into question #{target.id} as a duplicate",
           question.intent, question_id=question.id, target_id=target.id)
    for duplicate in list(question.duplicates):
        duplicate.merged_into_id = target.id
    if target.status == QuestionStatus.ANSWERED and question.asker is not None:
        # The answer is already public; the asker of the duplicate hears of it too.
        notify.published_answer_to(target, question.asker)


def published_questions(intent: Intent) -> list[IntentQuestion]:
    """Answered questions, with the wording of duplicates merged into them, newest answer first."""
    return list(db.session.scalars(
        select(IntentQuestion).where(IntentQuestion.intent_id == intent.id,
                                     IntentQuestion.status == QuestionStatus.ANSWERED)
        .options(selectinload(IntentQuestion.asker_organisation), selectinload(IntentQuestion.duplicates))
        .order_by(IntentQuestion.answered_at.desc(), IntentQuestion.id.desc())))


def own_pending_questions(intent: Intent, user: User | None) -> list[IntentQuestion]:
    if user is None or not user.is_authenticated:
        return []
    return list(db.session.scalars(
        select(IntentQuestion).where(IntentQuestion.intent_id == intent.id, IntentQuestion.asker_id == user.id,
                                     IntentQuestion.status != QuestionStatus.ANSWERED)
        .order_by(IntentQuestion.id)))


def all_questions(intent: Intent) -> list[IntentQuestion]:
    """For the buyer's staff: everything, with who asked (the record of communications, Art. 84)."""
    return list(db.session.scalars(
        select(IntentQuestion).where(IntentQuestion.intent_id == intent.id)
        .options(selectinload(IntentQuestion.asker), selectinload(IntentQuestion.asker_organisation),
                 selectinload(IntentQuestion.duplicates))
        .order_by(IntentQuestion.id)))
