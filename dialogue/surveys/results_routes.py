"""Organisers' pages once a survey runs: who has not answered, reminders, results and exports."""

from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import perform
from dialogue.core.forms import ButtonForm
from dialogue.extensions import db
from dialogue.models import ParticipantRole, utcnow
from dialogue.models.registration import ROLE_PLURALS as ROLE_LABELS
from dialogue.surveys import bp, exports, notify
from dialogue.surveys.access import load_survey
from dialogue.surveys.charts import bar_chart
from dialogue.surveys.queries import survey_stats
from dialogue.surveys.results import MIN_ANONYMOUS_GROUP, compute_results, role_label


@bp.get("/events/<slug>/surveys/<int:survey_id>/respondents")
@login_required
def respondents(slug: str, survey_id: int):
    event, survey = load_survey(slug, survey_id)
    # In an anonymous survey the page shows counts only: who has not answered tells who has.
    waiting = [] if survey.anonymous else notify.non_respondents(survey)
    now = utcnow()
    return render_template("surveys/respondents.html", event=event, survey=survey, waiting=waiting,
                           stats=survey_stats(survey), state=survey.state(now), button=ButtonForm(),
                           role_label=role_label)


@bp.post("/events/<slug>/surveys/<int:survey_id>/remind")
@login_required
def remind(slug: str, survey_id: int):
    _event, survey = load_survey(slug, survey_id)

    def reminded(count: int) -> str:
        flash(_("A reminder is on its way to %(n)s people who have not answered.", n=count) if count
              else _("Everyone invited has answered; no reminder was needed."), "success")
        return url_for("surveys.respondents", slug=slug, survey_id=survey_id)

    return perform(lambda: notify.remind_non_respondents(survey, utcnow()), form=ButtonForm(), to=reminded,
                   back=url_for("surveys.respondents", slug=slug, survey_id=survey_id))


@bp.post("/events/<slug>/surveys/<int:survey_id>/send-due")
@login_required
def send_now(slug: str, survey_id: int):
    """What ``surveys send-due`` would send for this survey, without waiting for the next run."""
    _event, survey = load_survey(slug, survey_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not survey.is_open(utcnow()):
        flash(_("Invitations go out only while the survey is open."), "error")
        return redirect(url_for("surveys.edit", slug=slug, survey_id=survey_id), 303)
    # The worker writes them in batches; the job's page shows how far it has come.
    return perform(lambda: notify.queue_sending(survey, current_user, utcnow()),
                   to=lambda job: url_for("jobs.show", job_id=job.id),
                   back=url_for("surveys.respondents", slug=slug, survey_id=survey_id))


def _role_filter() -> str | None:
    role = request.args.get("role") or None
    if role is not None and role not in ParticipantRole.__members__.values():
        abort(404)
    return role


def _charts(results) -> dict:
    return {item.question.id: bar_chart(f"chart-{item.question.id}", item.question.text, item.rows)
            for item in results.questions if item.has_chart}


def _results_page(template: str, slug: str, survey_id: int):
    event, survey = load_survey(slug, survey_id)
    role = _role_filter()
    results = compute_results(survey, role)
    return render_template(template, event=event, survey=survey, results=results, charts=_charts(results),
                           role=role, role_labels=ROLE_LABELS, role_label=role_label,
                           min_group=MIN_ANONYMOUS_GROUP, state=survey.state(utcnow()))


@bp.get("/events/<slug>/surveys/<int:survey_id>/results")
@login_required
def results(slug: str, survey_id: int):
    return _results_page("surveys/results.html", slug, survey_id)


@bp.get("/events/<slug>/surveys/<int:survey_id>/results/print")
@login_required
def results_print(slug: str, survey_id: int):
    return _results_page("surveys/print.html", slug, survey_id)


def _filename(survey, what: str, fmt: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", f"{survey.event.slug} {survey.title} {what}".lower()).strip("-")
    return f"{base[:100]}.{fmt}"


def _answers(survey) -> tuple[list, list, str | None]:
    role = _role_filter()
    header, rows = exports.raw_table(survey, survey.ordered_questions(), role)
    return header, rows, role


def _summary(survey) -> tuple[list, list, str | None]:
    results = compute_results(survey, _role_filter())
    if results.suppressed:
        abort(403, _("Fewer than %(n)s people of this role answered this anonymous survey; their answers are "
                     "shown only together with everyone's.", n=MIN_ANONYMOUS_GROUP))
    header, rows = exports.summary_table(results)
    return header, rows, results.role


@bp.get("/events/<slug>/surveys/<int:survey_id>/export/answers.<fmt>", defaults={"what": "answers"})
@bp.get("/events/<slug>/surveys/<int:survey_id>/export/summary.<fmt>", endpoint="export_summary",
        defaults={"what": "summary"})
@login_required
def export_answers(slug: str, survey_id: int, fmt: str, what: str):
    """Every answer, or the summary, as CSV or XLSX; each download is logged."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    _event, survey = load_survey(slug, survey_id)
    header, rows, role = (_answers if what == "answers" else _summary)(survey)
    exports.record_export(survey, current_user, what, fmt, len(rows), role)
    db.session.commit()
    if fmt == "csv":
        data, mimetype = exports.to_csv(header, rows), "text/csv; charset=utf-8"
    else:
        data = exports.to_xlsx(what, header, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(survey, what, fmt)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
