"""The suppliers' page: the criteria, the organisation's own answers (and nobody else's), the published counts."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from dialogue.core.actions import found_or_404, perform
from dialogue.core.text import without_controls
from dialogue.extensions import db
from dialogue.intents.access import get_intent_or_404, is_buyer_staff
from dialogue.models import Intent, ReadinessAnswer, ReadinessMatrix, utcnow
from dialogue.readiness import bp, queries, services
from dialogue.readiness.evidence import evidence_storage
from dialogue.readiness.forms import filled_answer_form


def matrix_or_404(intent: Intent) -> ReadinessMatrix:
    return found_or_404(queries.get_matrix(intent.id), _("This planned tender has no readiness questions."))


def _own_organisation_id() -> int | None:
    return current_user.membership.organisation_id if current_user.is_authenticated and current_user.membership \
        else None


def _page(intent: Intent, matrix: ReadinessMatrix, form=None):
    org_id = _own_organisation_id()
    answers = queries.own_answers(matrix, org_id) if org_id is not None else {}
    refusal = services.answer_refusal(matrix, current_user, utcnow())
    if form is None and refusal is None:
        form = filled_answer_form(matrix.criteria, answers, formdata=None)
    return render_template("readiness/answer.html", intent=intent, matrix=matrix, answers=answers, form=form,
                           refusal=refusal, staff=is_buyer_staff(intent, current_user),
                           published=queries.published(intent))


@bp.get("/intents/<int:intent_id>/readiness")
def answer_page(intent_id: int):
    intent = get_intent_or_404(intent_id, current_user)
    matrix = queries.get_matrix(intent.id)
    if matrix is None and is_buyer_staff(intent, current_user):
        return redirect(url_for("readiness.manage", intent_id=intent.id), 303)
    if matrix is None:
        abort(404, _("This planned tender has no readiness questions."))
    response = current_app.make_response(_page(intent, matrix))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/intents/<int:intent_id>/readiness")
@login_required
def save_answers(intent_id: int):
    intent = get_intent_or_404(intent_id, current_user)
    matrix = matrix_or_404(intent)
    answers = queries.own_answers(matrix, _own_organisation_id()) if _own_organisation_id() else {}
    form = filled_answer_form(matrix.criteria, answers)
    here = url_for("readiness.answer_page", intent_id=intent.id)
    return perform(lambda: services.save_answers(matrix, current_user, form.rows()), to=here, form=form,
                   page=lambda: _page(intent, matrix, form),
                   success=lambda n: ngettext("%(num)s answer saved.", "%(num)s answers saved.", n) if n
                   else _("Nothing changed."))


@bp.get("/intents/<int:intent_id>/readiness/evidence/<int:answer_id>")
@login_required
def evidence(intent_id: int, answer_id: int):
    """An evidence file, for the organisation that gave it and the buyer's staff only."""
    intent = get_intent_or_404(intent_id, current_user)
    answer = db.session.get(ReadinessAnswer, answer_id)
    if answer is None or answer.criterion.matrix.intent_id != intent.id or answer.evidence_sha256 is None:
        abort(404)
    if not (is_buyer_staff(intent, current_user) or answer.organisation_id == _own_organisation_id()):
        abort(403, _("Only the organisation that answered and the buyer's staff see this file."))
    response = evidence_storage().send(answer.evidence_sha256, mimetype=answer.evidence_mimetype, as_attachment=True,
                                       download_name=without_controls(answer.evidence_filename), max_age=0)
    if response is None:
        current_app.logger.error("evidence file missing for readiness answer %s", answer.id)
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
