"""The survey builder for an event's organisers: the page, its settings, sections and questions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from dialogue.core.actions import form_page, item_or_404, perform, post_views
from dialogue.core.forms import ButtonForm, choices
from dialogue.core.timeutil import local_to_utc, to_zone
from dialogue.extensions import db
from dialogue.models import Event, Survey, SurveyAudience, SurveyQuestion, SurveyQuestionKind, utcnow
from dialogue.surveys import bp, builder, services
from dialogue.surveys.access import load_survey
from dialogue.surveys.forms import QuestionForm, SectionForm, SettingsForm, previous_survey_choices
from dialogue.surveys.queries import survey_stats
from dialogue.surveys.results import KIND_LABELS, yes_no_label


def _local(value, zone: str):
    # Whole minutes: the form's field has no seconds (the service keeps the stored value within a minute).
    return to_zone(value, zone).replace(tzinfo=None, second=0, microsecond=0) if value else None


def _edit_url(slug: str, survey_id: int, anchor: str | None = None) -> str:
    return url_for("surveys.edit", slug=slug, survey_id=survey_id, _anchor=anchor)


# ---------------------------------------------------------------- the builder page and its settings

def _settings_form(event: Event, survey: Survey, formdata=None) -> SettingsForm:
    zone = event.timezone
    form = SettingsForm(formdata=formdata, data={
        "title": survey.title, "intro": survey.intro, "anonymous": survey.anonymous,
        "audience": survey.audience.value, "roles": list(survey.audience_roles or []),
        "previous_survey": str(survey.previous_survey_id or ""),
        "opens_at": _local(survey.opens_at, zone), "closes_at": _local(survey.closes_at, zone),
        "reminder_days": ", ".join(str(d) for d in survey.reminder_days or [])})
    form.previous_survey.choices = previous_survey_choices(event, survey)
    return form


def _builder_page(event: Event, survey: Survey, *, settings_form=None, section_form=None) -> str:
    now = utcnow()
    return render_template(
        "surveys/edit.html", event=event, survey=survey, state=survey.state(now), now=now,
        settings_form=settings_form or _settings_form(event, survey), section_form=section_form or SectionForm(),
        button=ButtonForm(), answered=builder.answer_counts(survey), stats=survey_stats(survey),
        kind_labels=KIND_LABELS, condition_label=_condition_label)


def _condition_label(question: SurveyQuestion) -> str:
    source = question.condition_question
    value = yes_no_label(question.condition_value) if source.kind == SurveyQuestionKind.YES_NO \
        else question.condition_value
    return _("Shown only if \u201c%(q)s\u201d is answered \u201c%(v)s\u201d", q=source.text, v=value)


@bp.get("/events/<slug>/surveys/<int:survey_id>")
@login_required
def edit(slug: str, survey_id: int):
    event, survey = load_survey(slug, survey_id)
    return _builder_page(event, survey)


@bp.post("/events/<slug>/surveys/<int:survey_id>/settings")
@login_required
def settings(slug: str, survey_id: int):
    event, survey = load_survey(slug, survey_id)
    form = _settings_form(event, survey, formdata=request.form)

    def action() -> None:
        previous = db.session.get(Survey, int(form.previous_survey.data)) if form.previous_survey.data else None
        days = [int(d) for d in (form.reminder_days.data or "").replace(" ", "").split(",") if d]
        services.update_settings(
            survey, title=form.title.data, intro=form.intro.data, anonymous=form.anonymous.data,
            audience=SurveyAudience(form.audience.data), audience_roles=form.roles.data or [],
            opens_at=local_to_utc(form.opens_at.data, event.timezone),
            closes_at=local_to_utc(form.closes_at.data, event.timezone), reminder_days=days, previous=previous,
            now=utcnow())

    return perform(action, form=form, page=lambda: _builder_page(event, survey, settings_form=form),
                   to=_edit_url(slug, survey_id), success=_("The settings are saved."))


# ---------------------------------------------------------------- sections

@bp.post("/events/<slug>/surveys/<int:survey_id>/sections")
@login_required
def add_section(slug: str, survey_id: int):
    event, survey = load_survey(slug, survey_id)
    form = SectionForm()
    return perform(lambda: builder.add_section(survey, form.title.data, form.description.data), form=form,
                   page=lambda: _builder_page(event, survey, section_form=form),
                   to=lambda section: _edit_url(slug, survey_id, f"section-{section.id}"),
                   success=_("The section is added."))


@bp.route("/events/<slug>/surveys/<int:survey_id>/sections/<int:section_id>", methods=["GET", "POST"])
@login_required
def edit_section(slug: str, survey_id: int, section_id: int):
    event, survey = load_survey(slug, survey_id)
    section = item_or_404(survey.sections, section_id)
    form = SectionForm(obj=section)
    return form_page(lambda: builder.update_section(section, form.title.data, form.description.data), form=form,
                     page=lambda: render_template("surveys/section.html", event=event, survey=survey,
                                                  section=section, form=form),
                     to=_edit_url(slug, survey_id, f"section-{section_id}"), success=_("The section is saved."))


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


@bp.route("/events/<slug>/surveys/<int:survey_id>/questions/new", methods=["GET", "POST"], endpoint="new_question",
          defaults={"question_id": None})
@bp.route("/events/<slug>/surveys/<int:survey_id>/questions/<int:question_id>", methods=["GET", "POST"],
          endpoint="edit_question")
@login_required
def question_page(slug: str, survey_id: int, question_id: int | None):
    """A new question (added to the section chosen) or one already asked (saved in place)."""
    event, survey = load_survey(slug, survey_id)
    if question_id is None and not survey.sections:
        flash(_("Add a section first: questions are asked section by section."), "error")
        return redirect(_edit_url(slug, survey_id, "add-section"), 303)
    question = item_or_404(survey.questions, question_id) if question_id is not None else None
    form = _question_form(survey, question, formdata=request.form if request.method == "POST" else None)
    answered = builder.answer_counts(survey).get(question.id, 0) if question is not None else 0

    def save():
        section = item_or_404(survey.sections, int(form.section.data))
        if question is None:
            return builder.add_question(section, **_question_values(survey, form))
        return builder.update_question(question, section=section, **_question_values(survey, form))

    return form_page(save, form=form,
                     page=lambda: render_template("surveys/question.html", event=event, survey=survey,
                                                  question=question, form=form, answered=answered),
                     to=lambda saved: _edit_url(slug, survey_id, f"question-{(question or saved).id}"),
                     success=_("The question is added.") if question is None else _("The question is saved."))


# ---------------------------------------------------------------- buttons on the builder page

def _part_button(parts: str, change, message, anchor: str | None = None):
    """One change to a section or a question (``parts``: which list it is in), then back to the page."""
    def view(slug: str, survey_id: int, direction: str | None = None, **part_id: int):
        if direction not in (None, "up", "down"):
            abort(404)
        _event, survey = load_survey(slug, survey_id)
        part = item_or_404(getattr(survey, parts), *part_id.values())
        return perform(lambda: change(part) if direction is None else change(part, direction), form=ButtonForm(),
                       success=message, to=_edit_url(slug, survey_id, anchor and f"{anchor}-{part.id}"))
    return view


post_views(bp, "/events/<slug>/surveys/<int:survey_id>/{path}", {
    "delete_section": ("sections/<int:section_id>/delete", "sections", builder.delete_section,
                       _l("The section is deleted.")),
    "move_section": ("sections/<int:section_id>/move/<direction>", "sections", builder.move_section,
                     _l("The section is moved.")),
    "delete_question": ("questions/<int:question_id>/delete", "questions", builder.delete_question,
                        _l("The question is deleted.")),
    "move_question": ("questions/<int:question_id>/move/<direction>", "questions", builder.move_question,
                      _l("The question is moved."), "question"),
}, _part_button)
