"""The groups' public pages, starting a group, and managing its members."""

from __future__ import annotations

from flask import abort, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from dialogue.core.actions import form_status, item_or_404, page_view, page_views, perform
from dialogue.extensions import db
from dialogue.groups import access, bp, services
from dialogue.groups.forms import CoordinatorForm, GroupForm, MemberForm
from dialogue.models import BuyerGroup, GroupMember, Organisation


@bp.get("/groups")
def index():
    groups = db.session.scalars(select(BuyerGroup).order_by(BuyerGroup.name)).all()
    return render_template("groups/index.html", groups=groups, can_create=access.can_create_group(current_user))


def _require_creator() -> None:
    if not access.can_create_group(current_user):
        abort(403, _("Admins of a public buyer or a network start buyer groups."))


@bp.get("/groups/new")
@login_required
def new():
    _require_creator()
    return render_template("groups/new.html", form=GroupForm(formdata=None))


@bp.post("/groups/new")
@login_required
def create():
    _require_creator()
    form = GroupForm()
    return perform(lambda: services.create_group(current_user, name=form.name.data, slug=form.slug.data or None,
                                                 description=form.description.data or ""),
                   to=lambda group: url_for("groups.manage", slug=group.slug), form=form,
                   page=lambda: render_template("groups/new.html", form=form),
                   success=_("The group is started; add its members."))


@bp.get("/groups/<slug>")
def detail(slug: str):
    group = access.get_group_or_404(slug)
    return render_template("groups/detail.html", group=group, manage=access.can_manage(group, current_user),
                           coordinator=access.is_coordinator(group, current_user))


def _member_form(group: BuyerGroup, **kwargs) -> MemberForm:
    form = MemberForm(**kwargs)
    taken = {m.organisation_id for m in group.members}
    candidates = db.session.scalars(select(Organisation).where(Organisation.kind.in_(access.MEMBER_KINDS))
                                    .order_by(Organisation.name)).all()
    form.organisation.choices = [("", _("Choose an organisation"))] + [
        (o.slug, f"{o.name} ({o.country})") for o in candidates if o.id not in taken]
    return form


def _manage_page(group: BuyerGroup, *, edit_form=None, member_form=None):
    edit_form = edit_form or GroupForm(formdata=None, obj=group)
    member_form = member_form or _member_form(group, formdata=None)
    status = max(form_status(edit_form), form_status(member_form))
    return make_response(render_template("groups/manage.html", group=group, edit_form=edit_form,
                                         member_form=member_form, button=CoordinatorForm(),
                                         coordinator=access.is_coordinator(group, current_user)), status)


def _here(group: BuyerGroup) -> str:
    return url_for("groups.manage", slug=group.slug)


page_view(bp, "/groups/<slug>/manage", "manage", load=access.manager_group_or_404, render=_manage_page)

# The managers' forms and buttons on that page.
# endpoint: (path, where (the page itself), form, the change, message, the form's name there, the row removed)
page_views(bp, "/groups/<slug>/{path}", {
    "edit": ("manage", None, GroupForm,
             lambda group, form, _item: services.edit_group(group, current_user, name=form.name.data,
                                                            description=form.description.data or ""),
             _l("The group is saved."), "edit_form"),
    "remove_member": ("members/<int:member_id>/remove", None, CoordinatorForm,
                      lambda group, _form, member: services.remove_member(group, current_user, member),
                      _l("The organisation is no longer a member."), None, GroupMember),
}, load=access.manager_group_or_404, render=_manage_page, owner="group_id", to=lambda group, _where: _here(group))


@bp.post("/groups/<slug>/members")
@login_required
def add_member(slug: str):
    group = access.manager_group_or_404(slug)
    form = _member_form(group)
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == (form.organisation.data or "")))
    return perform(lambda: services.add_member(group, current_user, organisation), to=_here(group), form=form,
                   page=lambda: _manage_page(group, member_form=form),
                   success=lambda member: _("%(org)s is now a member.", org=member.organisation.name))


@bp.post("/groups/<slug>/members/<int:member_id>/coordinator")
@login_required
def set_coordinator(slug: str, member_id: int):
    group = access.coordinator_group_or_404(slug)
    member = item_or_404(group.members, member_id)
    form = CoordinatorForm()
    flag = request.form.get("coordinator") == "1"
    return perform(lambda: services.set_coordinator(group, current_user, member, flag),
                   to=_here(group) if access.can_manage(group, current_user)
                   else url_for("groups.detail", slug=group.slug), form=form,
                   success=_("The coordinators are saved."))
