"""Questions on an intent: suppliers ask, the buyer's staff reword, merge and answer (published to all)."""

from __future__ import annotations

from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import perform
from dialogue.core.forms import ButtonForm, choices
from dialogue.extensions import db, limiter
from dialogue.intents import access, bp, questions
from dialogue.intents.forms import AnswerForm, AskForm, MergeForm
from dialogue.intents.routes import detail_options, render_detail
from dialogue.models import Intent, IntentQuestion, QuestionStatus


@bp.post("/intents/<int:intent_id>/questions")
@login_required
@limiter.limit("20 per hour", methods=["POST"])
def ask(intent_id: int):
    intent = access.get_intent_or_404(intent_id, current_user, *detail_options())
    form = AskForm()
    return perform(lambda: questions.ask_question(intent, current_user, form.text.data,
                                                  show_organisation=form.show_organisation.data),
                   form=form, page=lambda: render_detail(intent, ask_form=form),
                   to=url_for("intents.detail", intent_id=intent.id, _anchor="questions"),
                   success=_("Your question is sent. When the buyer answers, the question and the answer are "
                             "published here for everyone, and you get the answer by mail."))


def get_question_or_404(intent: Intent, question_id: int) -> IntentQuestion:
    question = db.session.get(IntentQuestion, question_id)
    if question is None or question.intent_id != intent.id:
        abort(404)
    return question


def _staff_intent(intent_id: int) -> Intent:
    intent = access.get_intent_or_404(intent_id, current_user)
    access.require_buyer_staff(intent, current_user)
    return intent


def _questions_page(intent: Intent, forms: dict | None = None) -> str:
    items = questions.all_questions(intent)
    targets = [q for q in items if q.status != QuestionStatus.MERGED]
    rows = []
    for question in items:
        answer_form = (forms or {}).get(("answer", question.id)) or AnswerForm(formdata=None, prefix=f"q{question.id}")
        if answer_form.public_text.data is None:
            answer_form.public_text.data = question.public_text
        if answer_form.answer.data is None:
            answer_form.answer.data = question.answer or ""
        merge_form = (forms or {}).get(("merge", question.id)) or MergeForm(formdata=None, prefix=f"m{question.id}")
        merge_form.target_id.choices = choices(
            (q.id, f"#{q.id}: {q.public_text[:80]}") for q in targets if q.id != question.id)
        rows.append((question, answer_form, merge_form))
    return render_template("intents/questions.html", intent=intent, rows=rows, button=ButtonForm())


@bp.get("/intents/<int:intent_id>/questions/manage")
@login_required
def questions_page(intent_id: int):
    return _questions_page(_staff_intent(intent_id))


@bp.post("/intents/<int:intent_id>/questions/<int:question_id>/answer")
@login_required
def answer(intent_id: int, question_id: int):
    intent = _staff_intent(intent_id)
    question = get_question_or_404(intent, question_id)
    form = AnswerForm(prefix=f"q{question.id}")

    def published(corrected: bool) -> str:
        flash(_("The corrected answer is published and sent to every follower.") if corrected else
              _("The answer is published with the question and sent to every follower."), "success")
        return url_for("intents.questions_page", intent_id=intent.id)

    return perform(lambda: questions.answer_question(question, current_user, form.answer.data,
                                                     public_text=form.public_text.data),
                   form=form, page=lambda: _questions_page(intent, {("answer", question.id): form}), to=published)


@bp.post("/intents/<int:intent_id>/questions/<int:question_id>/wording")
@login_required
def reword(intent_id: int, question_id: int):
    intent = _staff_intent(intent_id)
    question = get_question_or_404(intent, question_id)
    form = AnswerForm(prefix=f"q{question.id}")
    return perform(lambda: questions.edit_wording(question, current_user, form.public_text.data), form=form,
                   page=lambda: _questions_page(intent, {("answer", question.id): form}),
                   to=url_for("intents.questions_page", intent_id=intent.id),
                   success=_("The wording is saved. It is published with the answer."))


@bp.post("/intents/<int:intent_id>/questions/<int:question_id>/merge")
@login_required
def merge(intent_id: int, question_id: int):
    intent = _staff_intent(intent_id)
    question = get_question_or_404(intent, question_id)
    form = MergeForm(prefix=f"m{question.id}")
    form.target_id.choices = choices((q.id, q.id) for q in questions.all_questions(intent)
                                     if q.id != question.id and q.status != QuestionStatus.MERGED)

    def action() -> IntentQuestion:
        target = get_question_or_404(intent, int(form.target_id.data))
        questions.merge_question(question, target, current_user)
        return target

    def merged(target: IntentQuestion) -> str:
        flash(_("Question #%(a)s is merged into #%(b)s: it is answered with it, and its asker gets the answer.",
                a=question.id, b=target.id), "success")
        return url_for("intents.questions_page", intent_id=intent.id)

    return perform(action, form=form, page=lambda: _questions_page(intent, {("merge", question.id): form}),
                   to=merged)
