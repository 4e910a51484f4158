"""The link in an organisation's invitation: join with an account, or create one and join.

It lives with the accounts because signing up builds on organisations, never the reverse.
"""

from __future__ import annotations

from flask import current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from dialogue.auth import bp, services
from dialogue.auth.forms import InvitedSignupForm
from dialogue.core.actions import perform
from dialogue.core.forms import ButtonForm
from dialogue.models import Invitation
from dialogue.organisations import services as organisations


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    invitation = organisations.get_open_invitation(token)
    if invitation is None:
        return render_template("auth/link_invalid.html",
                               message=_("This invitation has expired or was already used. Ask the "
                                         "organisation's administrator for a new one.")), 404
    if current_user.is_authenticated:
        return _join(invitation)
    return _sign_up_and_join(invitation)


def _join(invitation: Invitation):
    form = ButtonForm()
    if request.method != "POST":
        return render_template("auth/invitation.html", invitation=invitation, form=form)
    return perform(lambda: organisations.accept_invitation(invitation, current_user), form=form,
                   to=url_for("organisations.profile", slug=invitation.organisation.slug),
                   back=url_for("main.home"),
                   success=_("You have joined %(org)s.", org=invitation.organisation.name))


def _sign_up_and_join(invitation: Invitation):
    form = InvitedSignupForm()

    def page():
        return render_template("auth/invitation.html", invitation=invitation, form=form)

    if request.method != "POST":
        return page()

    def signed_up(user):
        if user is None:
            flash(_("This address already has an account. Sign in, then open the invitation link again."), "info")
            return url_for("auth.login", next=request.path)
        login_user(user)
        flash(_("Welcome. You have joined %(org)s.", org=invitation.organisation.name), "success")
        return url_for("organisations.profile", slug=invitation.organisation.slug)

    locale = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    return perform(lambda: services.sign_up(name=form.name.data, email=invitation.email,
                                            password=form.password.data, locale=locale, invitation=invitation),
                   form=form, page=page, to=signed_up)
