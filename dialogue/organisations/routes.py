from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dialogue.auth import services as auth_services
from dialogue.auth.forms import InvitedSignupForm
from dialogue.core.errors import DialogueError
from dialogue.core.forms import ButtonForm, attach_error
from dialogue.extensions import db
from dialogue.models import Membership, MemberRole, Organisation
from dialogue.organisations import bp, services
from dialogue.organisations.forms import InviteForm, RoleForm


def get_organisation_or_404(slug: str) -> Organisation:
    org = db.session.scalar(select(Organisation).options(
        selectinload(Organisation.memberships).joinedload(Membership.user)).where(Organisation.slug == slug))
    if org is None:
        abort(404)
    return org


def _can_see_members(org: Organisation) -> bool:
    return current_user.is_authenticated and (
        current_user.is_admin or (current_user.membership is not None
                                  and current_user.membership.organisation_id == org.id))


def _can_manage(org: Organisation) -> bool:
    return current_user.is_authenticated and (
        current_user.is_admin or (current_user.membership is not None
                                  and current_user.membership.organisation_id == org.id
                                  and current_user.membership.role == MemberRole.ADMIN))


@bp.get("/organisations/<slug>")
def detail(slug: str):
    org = get_organisation_or_404(slug)
    return render_template("organisations/detail.html", org=org, country=services.country_name(org.country),
                           show_members=_can_see_members(org), can_manage=_can_manage(org),
                           invite_form=InviteForm(), button=ButtonForm(), role_form=RoleForm())


@bp.post("/organisations/<slug>/invitations")
@login_required
def invite(slug: str):
    org = get_organisation_or_404(slug)
    if not _can_manage(org):
        abort(403)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = services.invite_member(org, current_user, form.email.data, MemberRole(form.role.data))
        except DialogueError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("organisations.detail", slug=slug), 303)
    return render_template("organisations/detail.html", org=org, country=services.country_name(org.country),
                           show_members=True, can_manage=True, invite_form=form, button=ButtonForm(),
                           role_form=RoleForm()), 400


@bp.post("/organisations/<slug>/members/<int:membership_id>/role")
@login_required
def set_role(slug: str, membership_id: int):
    org = get_organisation_or_404(slug)
    membership = db.get_or_404(Membership, membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_member_role(org, current_user, membership, MemberRole(form.role.data))
    except DialogueError as exc:
        db.session.rollback()
        if exc.status_code == 403:
            abort(403)
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The role is changed."), "success")
    return redirect(url_for("organisations.detail", slug=slug), 303)


@bp.post("/organisations/<slug>/members/<int:membership_id>/remove")
@login_required
def remove(slug: str, membership_id: int):
    org = get_organisation_or_404(slug)
    membership = db.get_or_404(Membership, membership_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.remove_member(org, current_user, membership)
    except DialogueError as exc:
        db.session.rollback()
        if exc.status_code == 403:
            abort(403)
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The member is removed."), "success")
    return redirect(url_for("organisations.detail", slug=slug), 303)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    invitation = services.get_open_invitation(token)
    if invitation is None:
        return render_template("auth/link_invalid.html",
                               message=_("This invitation has expired or was already used. Ask the "
                                         "organisation's administrator for a new one.")), 404
    if current_user.is_authenticated:
        form = ButtonForm()
        if request.method == "POST" and form.validate_on_submit():
            try:
                services.accept_invitation(invitation, current_user)
            except DialogueError as exc:
                db.session.rollback()
                flash(exc.message, "error")
                return redirect(url_for("main.home"), 303)
            db.session.commit()
            flash(_("You have joined %(org)s.", org=invitation.organisation.name), "success")
            return redirect(url_for("organisations.detail", slug=invitation.organisation.slug), 303)
        return render_template("organisations/invitation.html", invitation=invitation, form=form)
    form = InvitedSignupForm()
    if form.validate_on_submit():
        try:
            user = auth_services.sign_up(name=form.name.data, email=invitation.email, password=form.password.data,
                                         locale=request.accept_languages.best_match(
                                             current_app.config["LANGUAGES"]) or "en",
                                         invitation=invitation)
        except DialogueError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            if user is None:
                db.session.commit()
                flash(_("This address already has an account. Sign in, then open the invitation link again."),
                      "info")
                return redirect(url_for("auth.login", next=request.path), 303)
            db.session.commit()
            login_user(user)
            flash(_("Welcome. You have joined %(org)s.", org=invitation.organisation.name), "success")
            return redirect(url_for("organisations.detail", slug=invitation.organisation.slug), 303)
    return render_template("organisations/invitation.html", invitation=invitation, form=form), \
        400 if form.errors or form.form_errors else 200
