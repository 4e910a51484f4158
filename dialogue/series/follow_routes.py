"""Following a series: "tell me about the next one", by account or by confirmed address; one-click unsubscribe."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import found_or_404, perform
from dialogue.core.forms import ButtonForm
from dialogue.core.permissions import require_verified
from dialogue.extensions import csrf, db
from dialogue.models import SeriesFollower
from dialogue.series import bp, following, queries
from dialogue.series.access import series_or_404
from dialogue.series.following import CONSENT_TEXT
from dialogue.series.forms import SubscribeForm


@bp.post("/series/<slug>/follow")
@login_required
def follow(slug: str):
    series = series_or_404(slug)

    def action():
        require_verified()
        return following.follow(series, current_user)

    return perform(action, form=ButtonForm(), to=url_for("series.detail", slug=slug),
                   success=_("You follow this series: you get a mail when its next event is published."))


@bp.post("/series/<slug>/unfollow")
@login_required
def unfollow(slug: str):
    series = series_or_404(slug)
    if not ButtonForm().validate_on_submit():
        abort(400)
    follower = following.following(series, current_user)
    if follower is None:
        return redirect(url_for("series.detail", slug=slug), 303)
    return perform(lambda: following.unsubscribe(follower), to=url_for("series.detail", slug=slug),
                   success=_("You no longer follow this series."))


@bp.post("/series/<slug>/subscribe")
def subscribe(slug: str):
    """Without an account: an address, confirmed from the mail before anything else is sent to it."""
    series = series_or_404(slug)
    form = SubscribeForm()

    def page():
        upcoming, past = queries.past_and_upcoming(series)
        return render_template("series/detail.html", series=series, upcoming=upcoming, past=past,
                               members=queries.member_count(series), follower=None, manager=False,
                               organisations=queries.member_organisations(series), button=ButtonForm(),
                               subscribe=form, consent_text=CONSENT_TEXT)

    return perform(lambda: following.subscribe_address(series, form.email.data), form=form, page=page,
                   to=url_for("series.detail", slug=slug),
                   success=_("Check your mail: follow the link in it to confirm. Until then you get nothing else."))


def _follower_or_404(token: str) -> SeriesFollower:
    return found_or_404(following.follower_for_token(token), _("This link is not valid."))


@bp.route("/series/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Opening the link changes nothing (mail scanners open links); the button confirms."""
    follower = _follower_or_404(token)
    if request.method == "GET":
        return render_template("series/confirm.html", follower=follower, series=follower.series, token=token,
                               button=ButtonForm(), consent_text=CONSENT_TEXT)
    return perform(lambda: following.confirm(follower), form=ButtonForm(),
                   to=url_for("series.detail", slug=follower.series.slug),
                   success=_("Confirmed: you get a mail when the next event of this series is published."))


@bp.route("/series/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """The link in every mail. As for alerts: a GET shows a button; a ``List-Unsubscribe=One-Click`` POST
    comes from the mail program (RFC 8058) without a CSRF token; any other POST must carry one."""
    one_click = request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click"
    if request.method == "POST" and not one_click and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    follower = _follower_or_404(token)
    if request.method == "GET":
        return render_template("series/unsubscribe.html", follower=follower, series=follower.series, token=token,
                               button=ButtonForm())
    following.unsubscribe(follower)
    db.session.commit()
    if one_click:
        return "", 204
    return redirect(url_for("series.unsubscribe", token=token), 303)
