"""An event's surveys for its organisers: the list, a new survey, and its life (schedule, close, delete).

The builder (settings, sections, questions) is in ``builder_routes``; answering in ``respond_routes``;
what happens once a survey runs in ``results_routes``.
"""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from dialogue.core.actions import perform, post_views
from dialogue.core.forms import ButtonForm
from dialogue.events.access import organiser_event_or_404
from dialogue.extensions import db
from dialogue.models import Event, Survey, utcnow
from dialogue.surveys import bp, services
from dialogue.surveys.access import load_survey
from dialogue.surveys.forms import CreateSurveyForm, previous_survey_choices
from dialogue.surveys.queries import invitation_counts


def _index_page(event: Event, form: CreateSurveyForm) -> str:
    return render_template("surveys/index.html", event=event, surveys=services.list_surveys(event),
                           counts=invitation_counts(event), form=form, now=utcnow())


def _create_form(event: Event) -> CreateSurveyForm:
    form = CreateSurveyForm()
    form.previous_survey.choices = previous_survey_choices(event)
    return form


@bp.get("/events/<slug>/surveys")
@login_required
def index(slug: str):
    event = organiser_event_or_404(slug)
    return _index_page(event, _create_form(event))


@bp.post("/events/<slug>/surveys")
@login_required
def create(slug: str):
    event = organiser_event_or_404(slug)
    form = _create_form(event)

    def action() -> Survey:
        previous = db.session.get(Survey, int(form.previous_survey.data)) if form.previous_survey.data else None
        return services.create_survey(event, current_user, form.title.data, starter=form.starter.data or None,
                                      previous=previous, now=utcnow())

    return perform(action, form=form, page=lambda: _index_page(event, form),
                   to=lambda survey: url_for("surveys.edit", slug=slug, survey_id=survey.id),
                   success=_("The survey is created as a draft. Check the questions and the settings, "
                             "then schedule it."))


def _lifecycle(change, message):
    """A button on the builder page that moves the survey along its life, then back to the page."""
    def view(slug: str, survey_id: int):
        _event, survey = load_survey(slug, survey_id)
        return perform(lambda: change(survey), form=ButtonForm(), success=message,
                       to=url_for("surveys.edit", slug=slug, survey_id=survey_id))
    return view


post_views(bp, "/events/<slug>/surveys/<int:survey_id>/{path}", {
    "publish": ("publish", lambda survey: services.publish_survey(survey, utcnow(), actor=current_user),
                _l("The survey is scheduled. Invitations go out when it opens.")),
    "unpublish": ("unpublish", lambda survey: services.unpublish_survey(survey, actor=current_user),
                  _l("The survey is a draft again.")),
    "close": ("close", lambda survey: services.close_survey(survey, utcnow(), actor=current_user),
              _l("The survey is closed.")),
}, _lifecycle)


@bp.post("/events/<slug>/surveys/<int:survey_id>/delete")
@login_required
def delete(slug: str, survey_id: int):
    _event, survey = load_survey(slug, survey_id)
    return perform(lambda: services.delete_survey(survey, actor=current_user), form=ButtonForm(),
                   to=url_for("surveys.index", slug=slug),
                   back=url_for("surveys.edit", slug=slug, survey_id=survey_id),
                   success=_("The survey is deleted."))


# The feature's other views.
from dialogue.surveys import builder_routes, respond_routes, results_routes  # noqa: E402,F401
