from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import found_or_404, page_view, perform
from dialogue.core.forms import ButtonForm
from dialogue.extensions import db
from dialogue.models import MemberRole, Membership, Organisation
from dialogue.organisations import bp, queries, services
from dialogue.organisations.access import can_see_contact
from dialogue.organisations.forms import InviteForm, RoleForm
from dialogue.organisations.profiles import can_edit, load_profile


def get_organisation_or_404(slug: str) -> Organisation:
    return found_or_404(queries.organisation_with_members(slug))


def _can_see_members(org: Organisation) -> bool:
    return current_user.is_authenticated and (
        current_user.is_admin or (current_user.membership is not None
                                  and current_user.membership.organisation_id == org.id))


def _can_manage(org: Organisation) -> bool:
    return current_user.is_authenticated and (
        current_user.is_admin or (current_user.membership is not None
                                  and current_user.membership.organisation_id == org.id
                                  and current_user.membership.role == MemberRole.ADMIN))


def _detail_page(org: Organisation, invite_form: InviteForm | None = None) -> str:
    profile = load_profile(org.id)
    user = current_user if current_user.is_authenticated else None
    return render_template("organisations/profile.html", org=org, country=services.country_name(org.country),
                           profile=profile, show_contact=can_see_contact(org, profile, user),
                           can_edit=can_edit(org, user),
                           show_members=_can_see_members(org), can_manage=_can_manage(org),
                           invite_form=invite_form or InviteForm(), button=ButtonForm(), role_form=RoleForm())


# The organisation's public profile; members and invitations for its members.
page_view(bp, "/organisations/<slug>", "profile", load=get_organisation_or_404, render=_detail_page, signed_in=False)


@bp.post("/organisations/<slug>/invitations")
@login_required
def invite(slug: str):
    org = get_organisation_or_404(slug)
    if not _can_manage(org):
        abort(403)
    form = InviteForm()
    return perform(lambda: services.invite_member(org, current_user, form.email.data, MemberRole(form.role.data)),
                   form=form, page=lambda: _detail_page(org, form),
                   to=url_for("organisations.profile", slug=slug),
                   success=lambda invitation: _("Invitation sent to %(email)s.", email=invitation.email))


@bp.post("/organisations/<slug>/members/<int:membership_id>/role")
@login_required
def set_role(slug: str, membership_id: int):
    org = get_organisation_or_404(slug)
    membership = db.get_or_404(Membership, membership_id)
    form = RoleForm()
    return perform(lambda: services.set_member_role(org, current_user, membership, MemberRole(form.role.data)),
                   form=form, to=url_for("organisations.profile", slug=slug), success=_("The role is changed."))


@bp.post("/organisations/<slug>/members/<int:membership_id>/remove")
@login_required
def remove(slug: str, membership_id: int):
    org = get_organisation_or_404(slug)
    membership = db.get_or_404(Membership, membership_id)
    return perform(lambda: services.remove_member(org, current_user, membership), form=ButtonForm(),
                   to=url_for("organisations.profile", slug=slug), success=_("The member is removed."))
