"""Answering a survey through the personal link (no sign-in needed), and the organisers' preview."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from dialogue.core.errors import DialogueError
from dialogue.core.forms import ButtonForm
from dialogue.extensions import db
from dialogue.models import SurveyQuestionKind, utcnow
from dialogue.surveys import answers, bp
from dialogue.surveys.access import load_survey
from dialogue.surveys.answers import OTHER, InvalidAnswers, Value
from dialogue.surveys.results import yes_no_label


def _submitted(survey) -> tuple[dict[int, list[str]], dict[int, str]]:
    """The posted form as plain values: question id -> submitted strings, and the "Other" texts."""
    raw = {q.id: request.form.getlist(f"q{q.id}") for q in survey.questions}
    other = {q.id: request.form.get(f"q{q.id}_other", "") for q in survey.questions}
    return raw, other


def _state_from_values(values: dict[int, Value]) -> dict[int, dict]:
    state = {}
    for question_id, value in values.items():
        number = None if value.number is None else (
            str(int(value.number)) if float(value.number).is_integer() else str(value.number))
        selected = set(value.choices or []) | ({number} if number is not None else set())
        choice = value.choices is not None
        state[question_id] = {"selected": selected, "text": number if number is not None else (
            "" if choice else value.text or ""), "other": value.text if choice and value.text else ""}
    return state


def _state_from_form(raw: dict[int, list[str]], other: dict[int, str]) -> dict[int, dict]:
    return {qid: {"selected": set(items), "text": items[0] if items else "", "other": other.get(qid, "")}
            for qid, items in raw.items()}


def _unavailable(title: str, message: str, status: int):
    return render_template("surveys/unavailable.html", title=title, message=message), status


def _render(invitation, survey, *, state, errors=None, preview=False, editing=False, status=200):
    return render_template("surveys/respond.html", survey=survey, event=survey.event, invitation=invitation,
                           state=state, errors=errors or {}, preview=preview, editing=editing, form=ButtonForm(),
                           other_value=OTHER, kinds=SurveyQuestionKind, yes_no_label=yes_no_label), status


@bp.route("/s/<token>", methods=["GET", "POST"])
def respond(token: str):
    invitation = answers.get_invitation(token)
    if invitation is None:
        return _unavailable(_("This link is not valid"),
                            _("Check that you copied the whole link from the invitation email. If it still "
                              "does not work, ask the organisers of the event for a new one."), 404)
    now = utcnow()
    # A closed or used link gets a page that says so, not the error page: the person came from a mail.
    try:
        answers.check_can_answer(invitation, now)
    except DialogueError as exc:
        return _unavailable(invitation.survey.title, exc.message, exc.status_code)
    survey = invitation.survey
    existing = answers.named_response(invitation)
    if request.method == "POST":
        if not ButtonForm().validate_on_submit():
            abort(400)
        raw, other = _submitted(survey)
        # Not the one POST path: wrong answers are shown next to each question of a form that is not a
        # WTForm, and a survey that closed meanwhile gets the "unavailable" page, not a form error.
        try:
            answers.submit_response(invitation, raw, other, now)
        except InvalidAnswers as exc:
            db.session.rollback()
            invitation = answers.get_invitation(token)
            return _render(invitation, invitation.survey, state=_state_from_form(raw, other), errors=exc.errors,
                           editing=existing is not None, status=400)
        except DialogueError as exc:
            db.session.rollback()
            return _unavailable(survey.title, exc.message, exc.status_code)
        db.session.commit()
        return redirect(url_for("surveys.thanks", token=token), 303)
    return _render(invitation, survey, state=_state_from_values(answers.values_from(existing)),
                   editing=existing is not None)


@bp.get("/s/<token>/thanks")
def thanks(token: str):
    invitation = answers.get_invitation(token)
    if invitation is None or not invitation.responded:
        return redirect(url_for("surveys.respond", token=token), 303)
    survey = invitation.survey
    return render_template("surveys/thanks.html", survey=survey, event=survey.event, invitation=invitation,
                           can_edit=not survey.anonymous and survey.is_open(utcnow()))


@bp.get("/events/<slug>/surveys/<int:survey_id>/preview")
@login_required
def preview(slug: str, survey_id: int):
    event, survey = load_survey(slug, survey_id)
    return _render(None, survey, state={}, preview=True)
