"""The library of harmonised criteria: a criterion's page with its versions, adding and editing."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import form_page, item_or_404
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


def _criterion_page(group: BuyerGroup, form: CriterionForm, criterion: HarmonisedCriterion | None = None):
    return render_template("groups/criterion_form.html", group=group, form=form, criterion=criterion)


@bp.route("/groups/<slug>/criteria/new", methods=["GET", "POST"])
@login_required
def add_criterion(slug: str):
    group = access.coordinator_group_or_404(slug)
    form = CriterionForm()
    return form_page(lambda: library.add_criterion(group, current_user, _input(form)), form=form,
                     page=lambda: _criterion_page(group, form), success=_("The criterion is added to the library."),
                     to=lambda c: url_for("groups.criterion", slug=group.slug, criterion_id=c.id))


@bp.route("/groups/<slug>/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@login_required
def edit_criterion(slug: str, criterion_id: int):
    group = access.coordinator_group_or_404(slug)
    found = item_or_404(group.criteria, criterion_id)
    form = CriterionForm()

    def fill():
        form.process(data={"title": found.title, "text": found.text, "kind": found.kind.value,
                           "verification": found.verification.value, "subject": found.subject or ""})

    return form_page(lambda: library.edit_criterion(found, current_user, _input(form)), form=form, fill=fill,
                     page=lambda: _criterion_page(group, form, found),
                     to=url_for("groups.criterion", slug=group.slug, criterion_id=found.id),
                     success=lambda c: _("Version %(n)d is saved.", n=c.version))
