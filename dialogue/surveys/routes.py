"""The survey builder for an event's organisers: settings, sections, questions, scheduling."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from dialogue.core.errors import DialogueError
from dialogue.core.forms import ButtonForm, attach_error, choices
from dialogue.core.timeutil import local_to_utc, to_zone
from dialogue.events.access import get_event_or_404, require_organiser
from dialogue.extensions import db
from dialogue.models import (Survey, SurveyAudience, SurveyInvitation, SurveyQuestion, SurveyQuestionKind,
                             SurveySection, utcnow)
from dialogue.surveys import bp, builder, services
from dialogue.surveys.forms import CreateSurveyForm, QuestionForm, SectionForm, SettingsForm
from dialogue.surveys.results import KIND_LABELS, yes_no_label


def load_survey(slug: str, survey_id: int) -> tuple:
    """The event and its survey for an organiser of that event; 403 for anyone else, 404 if absent."""
    event = get_event_or_404(slug, current_user)
    require_organiser(event, current_user)
    survey = db.session.scalar(select(Survey).where(Survey.id == survey_id, Survey.event_id == event.id).options(
        selectinload(Survey.sections).selectinload(SurveySection.questions), selectinload(Survey.questions)))
    if survey is None:
        abort(404)
    return event, survey


def _local(value, zone: str):
    # Whole minutes: the form's field has no seconds (the service keeps the stored value within a minute).
    return to_zone(value, zone).replace(tzinfo=None, second=0, microsecond=0) if value else None


def _other_surveys(event, survey=None) -> list:
    return [(s.id, s.title) for s in services.list_surveys(event) if survey is None or s.id != survey.id]


def _previous_choices(event, survey=None):
    return choices([("", _("None: this is a first survey"))] + _other_surveys(event, survey))


def _stats(survey: Survey) -> dict:
    invited, responded = db.session.execute(
        select(func.count(), func.count().filter(SurveyInvitation.responded.is_(True)))
        .where(SurveyInvitation.survey_id == survey.id)).one()
    return {"invited": invited, "responded": responded}


# ---------------------------------------------------------------- surveys of an event

@bp.get("/events/<slug>/surveys")
@login_required
def index(slug: str):
    event = get_event_or_404(slug, current_user)
    require_organiser(event, current_user)
    form = CreateSurveyForm()
    form.previous_survey.choices = _previous_choices(event)
    return _index(event, form)


def _index(event, form, status: int = 200):
    surveys = services.list_surveys(event)
    counts = {survey_id: (invited, responded) for survey_id, invited, responded in db.session.execute(
        select(SurveyInvitation.survey_id, func.count(), func.count().filter(SurveyInvitation.responded.is_(True)))
        .join(Survey).where(Survey.event_id == event.id).group_by(SurveyInvitation.survey_id))}
    return render_template("surveys/index.html", event=event, surveys=surveys, counts=counts, form=form,
                           now=utcnow()), status


@bp.post("/events/<slug>/surveys")
@login_required
def create(slug: str):
    event = get_event_or_404(slug, current_user)
    require_organiser(event, current_user)
    form = CreateSurveyForm()
    form.previous_survey.choices = _previous_choices(event)
    if not form.validate_on_submit():
        return _index(event, form, 400)
    previous = None
    if form.previous_survey.data:
        previous = db.session.get(Survey, int(form.previous_survey.data))
    try:
        survey = services.create_survey(event, current_user, form.title.data, starter=form.starter.data or None,
                                        previous=previous, now=utcnow())
    except DialogueError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return _index(event, form, 400)
    db.session.commit()
    flash(_("The survey is created as a draft. Check the questions and the settings, then schedule it."),
          "success")
    return redirect(url_for("surveys.edit", slug=slug, survey_id=survey.id), 303)


# ---------------------------------------------------------------- builder

def _settings_form(event, survey, formdata=None) -> SettingsForm:
    zone = event.timezone
    form = SettingsForm(formdata=formdata, data={
        "title": survey.title, "intro": survey.intro, "anonymous": survey.anonymous,
        "audience": survey.audience.value, "roles": list(survey.audience_roles or []),
        "previous_survey": str(survey.previous_survey_id or ""),
        "opens_at": _local(survey.opens_at, zone), "closes_at": _local(survey.closes_at, zone),
        "reminder_days": ", ".join(str(d) for d in survey.reminder_days or [])})
    form.previous_survey.choices = _previous_choices(event, survey)
    return form


def _builder(event, survey, *, settings_form=None, section_form=None, status: int = 200):
    now = utcnow()
    return render_template(
        "surveys/edit.html", event=event, survey=survey, state=survey.state(now), now=now,
        settings_form=settings_form or _settings_form(event, survey), section_form=section_form or SectionForm(),
        button=ButtonForm(), answered=builder.answer_counts(survey), stats=_stats(survey),
        kind_labels=KIND_LABELS, condition_label=_condition_label), status


def _condition_label(question: SurveyQuestion) -> str:
    source = question.condition_question
    value = yes_no_label(question.condition_value) if source.kind == SurveyQuestionKind.YES_NO \
        else question.condition_value
    return _("Shown only if \u201c%(q)s\u201d is answered \u201c%(v)s\u201d", q=source.text, v=value)


@bp.get("/events/<slug>/surveys/<int:survey_id>")
@login_required
def edit(slug: str, survey_id: int):
    event, survey = load_survey(slug, survey_id)
    return _builder(event, survey)


@bp.post("/events/<slug>/surveys/<int:survey_id>/settings")
@login_required
def settings(slug: str, survey_id: int):
    event, survey = load_survey(slug, survey_id)
    form = _settings_form(event, survey, formdata=request.form)
    if not form.validate_on_submit():
        return _builder(event, survey, settings_form=form, status=400)
    previous = db.session.get(Survey, int(form.previous_survey.data)) if form.previous_survey.data else None
    days = [int(d) for d in (form.reminder_days.data or "").replace(" ", "").split(",") if d]
    try:
        services.update_settings(
            survey, title=form.title.data, intro=form.intro.data, anonymous=form.anonymous.data,
            audience=SurveyAudience(form.audience.data), audience_roles=form.roles.data or [],
            opens_at=local_to_utc(form.opens_at.data, event.timezone),
            closes_at=local_to_utc(form.closes_at.data, event.timezone), reminder_days=days, previous=previous,
            now=utcnow())
    except DialogueError as exc:
        db.session.rollback()
        attach_error(form, exc)
        event, survey = load_survey(slug, survey_id)
        return _builder(event, survey, settings_form=form, status=400)
    db.session.commit()
    flash(_("The settings are saved."), "success")
    return redirect(url_for("surveys.edit", slug=slug, survey_id=survey_id), 303)


def _action(slug: str, survey_id: int, action, message, *, target: str = "surveys.edit"):
    """A button on the builder: one service call, one commit, back to the page with the outcome."""
    event, survey = load_survey(slug, survey_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        result = action(survey)
    except DialogueError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(message(result) if callable(message) else message, "success")
    return redirect(url_for(target, slug=slug, survey_id=survey_id), 303)


@bp.post("/events/<slug>/surveys/<int:survey_id>/publish")
@login_required
def publish(slug: str, survey_id: int):
    return _action(slug, survey_id, lambda s: services.publish_survey(s, utcnow(), actor=current_user),
                   _("The survey is scheduled. Invitations go out when it opens."))


@bp.post("/events/<slug>/surveys/<int:survey_id>/unpublish")
@login_required
def unpublish(slug: str, survey_id: int):
    return _action(slug, survey_id, lambda s: services.unpublish_survey(s, actor=current_user),
                   _("The survey is a draft again."))


@bp.post("/events/<slug>/surveys/<int:survey_id>/close")
@login_required
def close(slug: str, survey_id: int):
    return _action(slug, survey_id, lambda s: services.close_survey(s, utcnow(), actor=current_user),
                   _("The survey is closed."))


@bp.post("/events/<slug>/surveys/<int:survey_id>/delete")
@login_required
def delete(slug: str, survey_id: int):
    event, survey = load_survey(slug, survey_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.delete_survey(survey, actor=current_user)
    except DialogueError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("surveys.edit", slug=slug, survey_id=survey_id), 303)
    db.session.commit()
    flash(_("The survey is deleted."), "success")
    return redirect(url_for("surveys.index", slug=slug), 303)


# ---------------------------------------------------------------- sections

def _load_section(survey: Survey, section_id: int) -> SurveySection:
    section = next((s for s in survey.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    return section


@bp.post("/events/<slug>/surveys/<int:survey_id>/sections")
@login_required
def add_section(slug: str, survey_id: int):
    event, survey = load_survey(slug, survey_id)
    form = SectionForm()
    if form.validate_on_submit():
        try:
            section = builder.add_section(survey, form.title.data, form.description.data)
        except DialogueError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("The section is added."), "success")
            return redirect(url_for("surveys.edit", slug=slug, survey_id=survey_id, _anchor=f"section-{section.id}"),
                            303)
    return _builder(event, survey, section_form=form, status=400)


@bp.route("/events/<slug>/surveys/<int:survey_id>/sections/<int:section_id>", methods=["GET", "POST"])
@login_required
def edit_section(slug: str, survey_id: int, section_id: int):
    event, survey = load_survey(slug, survey_id)
    section = _load_section(survey, section_id)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        try:
            builder.update_section(section, form.title.data, form.description.data)
        except DialogueError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("The section is saved."), "success")
            return redirect(url_for("surveys.edit", slug=slug, survey_id=survey_id, _anchor=f"section-{section_id}"),
                            303)
    status = 400 if request.method == "POST" else 200
    return render_template("surveys/section.html", event=event, survey=survey, section=section, form=form), status


@bp.post("/events/<slug>/surveys/<int:survey_id>/sections/<int:section_id>/delete")
@login_required
def delete_section(slug: str, survey_id: int, section_id: int):
    def action(survey):
        builder.delete_section(_load_section(survey, section_id))

    return _action(slug, survey_id, action, _("The section is deleted."))


@bp.post("/events/<slug>/surveys/<int:survey_id>/sections/<int:section_id>/move/<direction>")
@login_required
def move_section(slug: str, survey_id: int, section_id: int, direction: str):
    if direction not in ("up", "down"):
        abort(404)

    def action(survey):
        builder.move_section(_load_section(survey, section_id), direction)

    return _action(slug, survey_id, action, _("The section is moved."))


# ---------------------------------------------------------------- questions

def _question_form(survey: Survey, question: SurveyQuestion | None, formdata=None) -> QuestionForm:
    data = {}
    if question is not None:
        data = {"section": str(question.section_id), "kind": question.kind.value, "text": question.text,
                "help_text": question.help_text, "required": question.required,
                "options": "\n".join(question.options), "allow_other": question.allow_other,
                "min_value": question.min_value, "max_value": question.max_value,
                "condition": f"{question.condition_question_id}={question.condition_value}"
                if question.condition_question_id else ""}
    elif request.args.get("section"):
        data = {"section": request.args["section"]}
    form = QuestionForm(formdata=formdata, data=data)
    form.section.choices = choices((s.id, s.title) for s in survey.sections)
    pairs = [("", _("Always"))]
    for source in survey.ordered_questions():
        if source is question:
            break  # only earlier questions
        if source.condition_question_id is None and source.condition_choices():
            for value in source.condition_choices():
                label = yes_no_label(value) if source.kind == SurveyQuestionKind.YES_NO else value
                pairs.append((f"{source.id}={value}", f"\u201c{source.text}\u201d = {label}"))
    form.condition.choices = choices(pairs)
    return form


def _question_values(survey: Survey, form: QuestionForm) -> dict:
    source, value = None, None
    if form.condition.data:
        source_id, _sep, value = form.condition.data.partition("=")
        source = next((q for q in survey.questions if str(q.id) == source_id), None)
    return {"kind": SurveyQuestionKind(form.kind.data), "text": form.text.data, "help_text": form.help_text.data,
            "required": form.required.data, "options": (form.options.data or "").splitlines(),
            "allow_other": form.allow_other.data, "min_value": form.min_value.data,
            "max_value": form.max_value.data, "condition_question": source, "condition_value": value}


@bp.route("/events/<slug>/surveys/<int:survey_id>/questions/new", methods=["GET", "POST"])
@login_required
def new_question(slug: str, survey_id: int):
    event, survey = load_survey(slug, survey_id)
    if not survey.sections:
        flash(_("Add a section first: questions are asked section by section."), "error")
        return redirect(url_for("surveys.edit", slug=slug, survey_id=survey_id, _anchor="add-section"), 303)
    form = _question_form(survey, None, formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        section = _load_section(survey, int(form.section.data))
        try:
            question = builder.add_question(section, **_question_values(survey, form))
        except DialogueError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("The question is added."), "success")
            return redirect(url_for("surveys.edit", slug=slug, survey_id=survey_id,
                                    _anchor=f"question-{question.id}"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("surveys/question.html", event=event, survey=survey, question=None, form=form,
                           answered=0), status


@bp.route("/events/<slug>/surveys/<int:survey_id>/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def edit_question(slug: str, survey_id: int, question_id: int):
    event, survey = load_survey(slug, survey_id)
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    form = _question_form(survey, question, formdata=request.form if request.method == "POST" else None)
    answered = builder.answer_counts(survey).get(question.id, 0)
    if form.validate_on_submit():
        section = _load_section(survey, int(form.section.data))
        try:
            builder.update_question(question, section=section, **_question_values(survey, form))
        except DialogueError as exc:
            db.session.rollback()
            attach_error(form, exc)
            event, survey = load_survey(slug, survey_id)
            question = next(q for q in survey.questions if q.id == question_id)
        else:
            db.session.commit()
            flash(_("The question is saved."), "success")
            return redirect(url_for("surveys.edit", slug=slug, survey_id=survey_id,
                                    _anchor=f"question-{question_id}"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("surveys/question.html", event=event, survey=survey, question=question, form=form,
                           answered=answered), status


def _load_question(survey: Survey, question_id: int) -> SurveyQuestion:
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


@bp.post("/events/<slug>/surveys/<int:survey_id>/questions/<int:question_id>/delete")
@login_required
def delete_question(slug: str, survey_id: int, question_id: int):
    def action(survey):
        builder.delete_question(_load_question(survey, question_id))

    return _action(slug, survey_id, action, _("The question is deleted."))


@bp.post("/events/<slug>/surveys/<int:survey_id>/questions/<int:question_id>/move/<direction>")
@login_required
def move_question(slug: str, survey_id: int, question_id: int, direction: str):
    if direction not in ("up", "down"):
        abort(404)

    def action(survey):
        builder.move_question(_load_question(survey, question_id), direction)

    response = _action(slug, survey_id, action, _("The question is moved."))
    response.location = url_for("surveys.edit", slug=slug, survey_id=survey_id, _anchor=f"question-{question_id}")
    return response


from dialogue.surveys import respond_routes, results_routes  # noqa: E402,F401  (the feature's other views)
