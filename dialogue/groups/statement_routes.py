"""The joint statement of demand: its public page (any version, any language), new versions and signing."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import form_page, perform
from dialogue.core.inputs import parse_id
from dialogue.groups import access, bp, statements
from dialogue.groups.forms import LANGUAGE_NAMES, SignForm, StatementForm
from dialogue.models import BuyerGroup


def _page(group: BuyerGroup, sign_form: SignForm | None = None):
    if not group.statements:
        abort(404, _("The group has not published a joint statement yet."))
    wanted = parse_id(request.args.get("version"))
    statement = next((s for s in group.statements if s.version == wanted), group.current_statement)
    language, text = statement.text_for(request.args.get("lang") or str(get_locale() or "en"))
    own = access.own_organisation_id(current_user)
    signed = any(s.organisation_id == own for s in statement.signatures)
    can_sign = (statement is group.current_statement and access.is_member_admin(group, current_user)
                and not signed)
    return render_template("groups/statement.html", group=group, statement=statement, language=language, text=text,
                           language_names=LANGUAGE_NAMES, can_sign=can_sign, signed=signed,
                           sign_form=sign_form or SignForm(formdata=None),
                           coordinator=access.is_coordinator(group, current_user))


@bp.get("/groups/<slug>/statement")
def statement(slug: str):
    return _page(access.get_group_or_404(slug))


@bp.post("/groups/<slug>/statement/sign")
@login_required
def sign(slug: str):
    group = access.get_group_or_404(slug)
    if not access.is_member_admin(group, current_user):
        abort(403, _("An admin of a member organisation signs for that organisation."))
    form = SignForm()
    return perform(lambda: statements.sign_statement(group, current_user, signed_on=form.signed_on.data),
                   to=url_for("groups.statement", slug=group.slug), form=form, page=lambda: _page(group, form),
                   success=lambda s: _("%(org)s signed version %(n)d.", org=s.organisation.name,
                                       n=s.statement.version))


def _write_page(group: BuyerGroup, form: StatementForm):
    return render_template("groups/statement_form.html", group=group, form=form, language_names=LANGUAGE_NAMES)


@bp.route("/groups/<slug>/statement/new", methods=["GET", "POST"])
@login_required
def write_statement(slug: str):
    """The form starts from the current version's texts; publishing makes a new version."""
    group = access.coordinator_group_or_404(slug)
    form = StatementForm()

    def fill():
        current = group.current_statement
        form.process(data={"title": current.title, **{f"text_{code}": text for code, text in current.texts.items()}}
                     if current is not None else {"title": _("Joint statement of demand")})

    return form_page(lambda: statements.publish_statement(group, current_user, title=form.title.data,
                                                          texts=form.texts()),
                     form=form, fill=fill, page=lambda: _write_page(group, form),
                     to=url_for("groups.statement", slug=group.slug),
                     success=lambda v: _("Version %(n)d is published. Members sign it again.", n=v.version))
