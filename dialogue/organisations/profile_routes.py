"""Editing a profile and its labels, its history, and the labels' evidence files."""

from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import form_page, perform
from dialogue.core.countries import country_choices
from dialogue.core.forms import ButtonForm
from dialogue.core.text import without_controls
from dialogue.materials.filetypes import accepted_summary, accepted_types
from dialogue.materials.routes import INLINE_TYPES, file_headers
from dialogue.materials.services import max_upload_bytes, megabytes
from dialogue.models import OrganisationKind
from dialogue.organisations import bp, history, labels, profiles
from dialogue.organisations.access import can_see_contact
from dialogue.organisations.forms import LabelForm, ProfileForm
from dialogue.organisations.routes import get_organisation_or_404


def _editable_organisation(slug: str):
    org = get_organisation_or_404(slug)
    if not profiles.can_edit(org, current_user):
        abort(403, _("Only an administrator of this organisation can change its profile."))
    return org


def _evidence_hint() -> str:
    return _("Accepted: %(types)s, up to %(mb)s MB.", types=accepted_summary(accepted_types(labels.EVIDENCE_TYPES)),
             mb=megabytes(max_upload_bytes()))


def _edit_page(org, form: ProfileForm, label_form: LabelForm | None = None):
    profile = profiles.load_profile(org.id)
    form.countries_served.choices = country_choices()
    form.resold_ids.choices = profiles.maker_choices(org)
    return render_template("organisations/edit_profile.html", org=org, form=form, profile=profile,
                           label_form=label_form or LabelForm(), button=ButtonForm(), evidence_hint=_evidence_hint(),
                           is_buyer=org.kind == OrganisationKind.PUBLIC_BUYER)


def _fill(form: ProfileForm, org) -> ProfileForm:
    """The form with the saved profile's values, when there is one."""
    profile = profiles.load_profile(org.id)
    if profile is not None:
        form.fill(profile)
    return form


@bp.route("/organisations/<slug>/profile", methods=["GET", "POST"])
@login_required
def edit_profile(slug: str):
    org = _editable_organisation(slug)
    form = ProfileForm()
    return form_page(lambda: profiles.save_profile(org, current_user, form.to_input()), form=form,
                     fill=lambda: _fill(form, org), page=lambda: _edit_page(org, form),
                     to=url_for("organisations.profile", slug=org.slug),
                     success=lambda saved: _("The profile is saved (version %(n)s).", n=saved.version))


@bp.post("/organisations/<slug>/labels")
@login_required
def add_label(slug: str):
    org = _editable_organisation(slug)
    form = LabelForm()
    upload = request.files.get("file")
    data = labels.LabelInput(
        scheme=form.scheme.data or "", level=form.level.data or "", name=form.name.data or "",
        scope=form.scope.data or "", valid_until=form.valid_until.data, evidence_url=form.evidence_url.data or "",
        filename=upload.filename if upload is not None and upload.filename else None,
        stream=upload.stream if upload is not None and upload.filename else None)
    return perform(lambda: labels.add_label(org, current_user, data), form=form,
                   page=lambda: _edit_page(org, _fill(ProfileForm(formdata=None), org), form),
                   to=url_for("organisations.edit_profile", slug=org.slug) + "#labels",
                   success=lambda label: _("%(label)s is added to the profile.", label=labels.describe(label)))


@bp.post("/organisations/<slug>/labels/<int:label_id>/remove")
@login_required
def remove_label(slug: str, label_id: int):
    org = _editable_organisation(slug)
    return perform(lambda: labels.remove_label(org, current_user, label_id), form=ButtonForm(),
                   to=url_for("organisations.edit_profile", slug=org.slug) + "#labels",
                   success=lambda label: _("%(label)s is removed from the profile.", label=labels.describe(label)))


@bp.get("/organisations/<slug>/history")
def history_page(slug: str):
    """Every saved version and what it changed; contact details only for those who may see them."""
    org = get_organisation_or_404(slug)
    user = current_user if current_user.is_authenticated else None
    profile = profiles.load_profile(org.id)
    views = history.version_views(profiles.list_versions(org), show_contact=can_see_contact(org, profile, user))
    return render_template("organisations/history.html", org=org, views=views)


@bp.get("/organisations/<slug>/labels/<int:label_id>/evidence")
def evidence(slug: str, label_id: int):
    """A label's evidence file, sent with the same protective headers as materials."""
    org = get_organisation_or_404(slug)
    label = labels.get_label(org, label_id)
    if not label.evidence_sha256:
        abort(404)
    response = labels.evidence_storage().send(
        label.evidence_sha256, mimetype=label.evidence_mimetype, as_attachment=label.evidence_mimetype not in
        INLINE_TYPES, download_name=without_controls(label.evidence_filename or "evidence"),
        conditional=True, etag=label.evidence_sha256, max_age=0)
    if response is None:
        current_app.logger.error("evidence file missing for label %s", label.id)
        abort(404, _("The evidence file is missing."))
    return file_headers(response)
