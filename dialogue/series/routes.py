"""The public pages of series, and their managers' form."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import form_status, perform
from dialogue.core.errors import NotAllowed
from dialogue.core.forms import ButtonForm
from dialogue.events.services import can_create_events
from dialogue.series import bp, queries, services
from dialogue.series.access import can_manage, managed_series_or_404, series_or_404
from dialogue.series.following import CONSENT_TEXT, following
from dialogue.series.forms import SeriesForm, SubscribeForm


@bp.get("/series")
def index():
    return render_template("series/index.html", series=queries.list_series(),
                           can_create=can_create_events(current_user))


@bp.route("/series/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_create_events(current_user):
        raise NotAllowed(_("Only those who may create events can start a series."))
    form = SeriesForm()
    page = lambda: render_template("series/form.html", form=form, series=None)  # noqa: E731
    if not form.is_submitted():
        return page(), form_status(form)
    return perform(lambda: services.create_series(current_user, form.title.data, form.description.data,
                                                  slug=form.slug.data),
                   form=form, page=page, to=lambda s: url_for("series.detail", slug=s.slug),
                   success=_("The series is ready. Attach events to it from each event's management page."))


@bp.get("/series/<slug>")
def detail(slug: str):
    series = series_or_404(slug)
    upcoming, past = queries.past_and_upcoming(series)
    return render_template("series/detail.html", series=series, upcoming=upcoming, past=past,
                           members=queries.member_count(series), organisations=queries.member_organisations(series),
                           follower=following(series, current_user), manager=can_manage(series, current_user),
                           button=ButtonForm(), subscribe=SubscribeForm(formdata=None), consent_text=CONSENT_TEXT)


@bp.route("/series/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    series = managed_series_or_404(slug)
    form = SeriesForm(obj=series)
    del form.slug
    page = lambda: render_template("series/form.html", form=form, series=series)  # noqa: E731
    if not form.is_submitted():
        return page(), form_status(form)
    return perform(lambda: services.update_series(series, current_user, form.title.data, form.description.data),
                   form=form, page=page, to=url_for("series.detail", slug=series.slug), success=_("Saved."))
