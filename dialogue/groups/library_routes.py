"""The library of harmonised criteria: a criterion's page with its versions, adding and editing."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import item_or_404, perform
from dialogue.groups import access, bp, library
from dialogue.groups.forms import CriterionForm
from dialogue.models import BuyerGroup, HarmonisedCriterion


def _input(form: CriterionForm) -> library.CriterionInput:
    return library.CriterionInput(title=form.title.data, text=form.text.data, kind=form.kind.data,
                                  verification=form.verification.data, subject=form.subject.data or None)


@bp.get("/groups/<slug>/criteria/<int:criterion_id>")
def criterion(slug: str, criterion_id: int):
    group = access.get_group_or_404(slug)
    found = item_or_404(group.criteria, criterion_id)
    return render_template("groups/criterion.html", group=group, criterion=found, kind_label=library.kind_label,
                           subjects=library.SUBJECTS, coordinator=access.is_coordinator(group, current_user))


def _coordinator_group(slug: str) -> BuyerGroup:
    group = access.get_group_or_404(slug)
    if not access.is_coordinator(group, current_user):
        abort(403, _("Only the group's coordinators can do this."))
    return group


def _form_page(group: BuyerGroup, form: CriterionForm, criterion: HarmonisedCriterion | None = None):
    return render_template("groups/criterion_form.html", group=group, form=form, criterion=criterion)


@bp.get("/groups/<slug>/criteria/new")
@login_required
def new_criterion(slug: str):
    return _form_page(_coordinator_group(slug), CriterionForm(formdata=None))


@bp.post("/groups/<slug>/criteria/new")
@login_required
def add_criterion(slug: str):
    group = _coordinator_group(slug)
    form = CriterionForm()
    return perform(lambda: library.add_criterion(group, current_user, _input(form)),
                   to=lambda c: url_for("groups.criterion", slug=group.slug, criterion_id=c.id), form=form,
                   page=lambda: _form_page(group, form), success=_("The criterion is added to the library."))


def _edit_form(criterion: HarmonisedCriterion, **kwargs) -> CriterionForm:
    return CriterionForm(data={"title": criterion.title, "text": criterion.text, "kind": criterion.kind.value,
                               "verification": criterion.verification.value, "subject": criterion.subject or ""},
                         **kwargs)


@bp.get("/groups/<slug>/criteria/<int:criterion_id>/edit")
@login_required
def edit_criterion_page(slug: str, criterion_id: int):
    group = _coordinator_group(slug)
    found = item_or_404(group.criteria, criterion_id)
    return _form_page(group, _edit_form(found, formdata=None), found)


@bp.post("/groups/<slug>/criteria/<int:criterion_id>/edit")
@login_required
def edit_criterion(slug: str, criterion_id: int):
    group = _coordinator_group(slug)
    found = item_or_404(group.criteria, criterion_id)
    form = CriterionForm()
    return perform(lambda: library.edit_criterion(found, current_user, _input(form)),
                   to=url_for("groups.criterion", slug=group.slug, criterion_id=found.id), form=form,
                   page=lambda: _form_page(group, form, found),
                   success=lambda c: _("Version %(n)d is saved.", n=c.version))
