"""The page where a planned tender's buyer adopts criteria from its groups' libraries."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import form_status, perform
from dialogue.groups import adoption, bp
from dialogue.groups.forms import AdoptForm
from dialogue.intents.access import get_intent_or_404, require_buyer_staff
from dialogue.intents.criteria import criterion_title
from dialogue.models import Intent


def _buyer_intent(intent_id: int) -> Intent:
    intent = get_intent_or_404(intent_id, current_user)
    require_buyer_staff(intent, current_user)
    return intent


def _form(groups, **kwargs) -> AdoptForm:
    form = AdoptForm(**kwargs)
    form.criteria.choices = [(c.id, c.title) for g in groups for c in g.criteria]
    return form


def _page(intent: Intent, groups, form: AdoptForm):
    current = {(c.kind, c.subject): c for c in intent.criteria}
    filled = {c.id: current.get(adoption.slot_of(c)[:2]) for g in groups for c in g.criteria}
    return render_template("groups/adopt.html", intent=intent, groups=groups, form=form, filled=filled,
                           criterion_title=criterion_title), form_status(form)


@bp.get("/intents/<int:intent_id>/criteria/adopt")
@login_required
def adopt_page(intent_id: int):
    intent = _buyer_intent(intent_id)
    groups = adoption.groups_of_buyer(intent.buyer_id)
    return _page(intent, groups, _form(groups, formdata=None))


@bp.post("/intents/<int:intent_id>/criteria/adopt")
@login_required
def adopt(intent_id: int):
    intent = _buyer_intent(intent_id)
    groups = adoption.groups_of_buyer(intent.buyer_id)
    form = _form(groups)
    by_id = {c.id: c for g in groups for c in g.criteria}
    chosen = [by_id[i] for i in (form.criteria.data or []) if i in by_id]
    return perform(lambda: adoption.adopt_criteria(intent, current_user, chosen),
                   to=url_for("intents.detail", intent_id=intent.id) + "#criteria", form=form,
                   page=lambda: _page(intent, groups, form)[0],
                   success=lambda rows: _("%(n)d harmonised criteria adopted.", n=len(rows)))
