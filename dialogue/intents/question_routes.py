"""Questions on an intent: suppliers ask, the buyer's staff reword, merge and answer (published to all)."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import child_or_404, perform, post_views
from dialogue.core.forms import ButtonForm, choices
from dialogue.extensions import limiter
from dialogue.intents import access, bp, questions
from dialogue.intents.forms import AnswerForm, AskForm, MergeForm
from dialogue.intents.routes import detail_options, render_detail, staff_intent_or_404
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
    return _questions_page(staff_intent_or_404(intent_id))


def _answer_form(_intent: Intent, question: IntentQuestion) -> AnswerForm:
    return AnswerForm(prefix=f"q{question.id}")


def _merge_form(intent: Intent, question: IntentQuestion) -> MergeForm:
    form = MergeForm(prefix=f"m{question.id}")
    form.target_id.choices = choices((q.id, q.id) for q in questions.all_questions(intent)
                                     if q.id != question.id and q.status != QuestionStatus.MERGED)
    return form


def _merge(question: IntentQuestion, form: MergeForm) -> IntentQuestion:
    target = child_or_404(IntentQuestion, int(form.target_id.data), intent_id=question.intent_id)
    questions.merge_question(question, target, current_user)
    return target


def _question_view(make_form, shown_as: str, change, success):
    """The staff's answer to one question, its row on the questions page showing a refusal."""
    def view(intent_id: int, question_id: int):
        intent = staff_intent_or_404(intent_id)
        question = child_or_404(IntentQuestion, question_id, intent_id=intent.id)
        form = make_form(intent, question)
        return perform(lambda: change(question, form), form=form,
                       page=lambda: _questions_page(intent, {(shown_as, question.id): form}),
                       to=url_for("intents.questions_page", intent_id=intent.id),
                       success=lambda result: success(question, result))
    return view


# endpoint: (path, form, the row's form it is shown as, the change, message)
post_views(bp, "/intents/<int:intent_id>/questions/<int:question_id>/{path}", {
    "answer": ("answer", _answer_form, "answer",
               lambda question, form: questions.answer_question(question, current_user, form.answer.data,
                                                                public_text=form.public_text.data),
               lambda _question, corrected: _("The corrected answer is published and sent to every follower.")
               if corrected else _("The answer is published with the question and sent to every follower.")),
    "reword": ("wording", _answer_form, "answer",
               lambda question, form: questions.edit_wording(question, current_user, form.public_text.data),
               lambda _question, _result: _("The wording is saved. It is published with the answer.")),
    "merge": ("merge", _merge_form, "merge", _merge,
              lambda question, target: _("Question #%(a)s is merged into #%(b)s: it is answered with it, and its "
                                          "asker gets the answer.", a=question.id, b=target.id)),
}, _question_view)
