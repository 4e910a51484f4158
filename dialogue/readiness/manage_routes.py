"""The buyer's page: set the matrix up, its rows and closing time, every answer, the counts, publishing
and the export."""

from __future__ import annotations

from flask import Response, render_template, send_file, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from dialogue.core.actions import form_status, item_or_404, page_view, page_views, perform
from dialogue.core.forms import ButtonForm
from dialogue.core.spreadsheet import csv_chunks, xlsx_file
from dialogue.core.timeutil import to_zone
from dialogue.extensions import db
from dialogue.intents.access import get_intent_or_404, require_buyer_staff
from dialogue.models import Intent, ReadinessCriterion, ReadinessMatrix
from dialogue.readiness import bp, export, queries, services
from dialogue.readiness.forms import CriterionForm, SettingsForm
from dialogue.readiness.routes import matrix_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _buyer_intent(intent_id: int) -> Intent:
    intent = get_intent_or_404(intent_id, current_user)
    require_buyer_staff(intent, current_user)
    return intent


def _buyer_matrix(intent_id: int) -> ReadinessMatrix:
    return matrix_or_404(_buyer_intent(intent_id))


def _settings_form(matrix: ReadinessMatrix | None, intent: Intent, **kwargs) -> SettingsForm:
    if matrix is None:
        return SettingsForm(**kwargs)
    local = to_zone(matrix.closes_at, intent.timezone).replace(tzinfo=None)
    return SettingsForm(data={"intro": matrix.intro, "closes_at": local}, **kwargs)


def _page(intent: Intent, *, settings=None, new_row=None, row_forms=None):
    matrix = queries.get_matrix(intent.id)
    settings = settings or _settings_form(matrix, intent, formdata=None)
    full = queries.full_matrix(matrix) if matrix is not None else None
    rows = row_forms or {}
    if matrix is not None:
        for criterion in matrix.criteria:
            rows.setdefault(criterion.id, CriterionForm(formdata=None, obj=criterion, prefix=f"row{criterion.id}"))
    forms = [settings, new_row, *rows.values()]
    body = render_template(
        "readiness/manage.html", intent=intent, matrix=matrix, full=full, settings=settings,
        new_row=new_row or CriterionForm(formdata=None, prefix="new"), row_forms=rows, button=ButtonForm(),
        live=queries.aggregate(matrix) if matrix is not None else None)
    return Response(body, status=max(form_status(f) for f in forms if f is not None),
                    headers={"Cache-Control": "private, no-store"})


def _here(intent: Intent) -> str:
    return url_for("readiness.manage", intent_id=intent.id)


page_view(bp, "/intents/<int:intent_id>/readiness/manage", "manage", load=_buyer_intent, render=_page)


@bp.post("/intents/<int:intent_id>/readiness/manage/settings")
@login_required
def settings(intent_id: int):
    intent = _buyer_intent(intent_id)
    form = SettingsForm()
    return perform(lambda: services.set_up_matrix(intent, current_user, intro=form.intro.data,
                                                  closes_local=form.closes_at.data),
                   to=_here(intent), form=form, page=lambda: _page(intent, settings=form),
                   success=_("The readiness questions are saved."))


@bp.post("/intents/<int:intent_id>/readiness/manage/criteria/<int:criterion_id>")
@login_required
def edit_criterion(intent_id: int, criterion_id: int):
    intent = _buyer_intent(intent_id)
    row = item_or_404(matrix_or_404(intent).criteria, criterion_id)
    form = CriterionForm(prefix=f"row{row.id}")
    return perform(lambda: services.edit_criterion(row, current_user, title=form.title.data, text=form.text.data),
                   to=_here(intent), form=form, page=lambda: _page(intent, row_forms={row.id: form}),
                   success=_("The criterion is saved."))


# What the buyer does to a matrix once it is set up.
# endpoint: (path, where (the page itself), form, the change, message[, the form's name there, the row removed])
page_views(bp, "/intents/<int:intent_id>/readiness/manage/{path}", {
    "add_criterion": ("criteria", None, lambda: CriterionForm(prefix="new"),
                      lambda matrix, form, _item: services.add_criterion(matrix, current_user, title=form.title.data,
                                                                         text=form.text.data),
                      _l("The criterion is added."), "new_row"),
    "remove_criterion": ("criteria/<int:criterion_id>/remove", None, ButtonForm,
                         lambda _matrix, _form, row: services.remove_criterion(row, current_user),
                         _l("The criterion is removed."), None, ReadinessCriterion),
    "publish": ("publish", None, ButtonForm,
                lambda matrix, _form, _item: services.publish_aggregate(matrix, current_user),
                _l("The counts are published on the planned tender's page.")),
}, load=_buyer_matrix, render=lambda matrix, **forms: _page(matrix.intent, **forms), owner="matrix_id",
           to=lambda matrix, _where: _here(matrix.intent))


@bp.get("/intents/<int:intent_id>/readiness/export.<any(csv, xlsx):fmt>")
@login_required
def export_file(intent_id: int, fmt: str):
    intent = _buyer_intent(intent_id)
    full = queries.full_matrix(matrix_or_404(intent))
    export.record_export(full, current_user, fmt)
    headings, data = export.headings(intent.timezone), export.rows(full)
    db.session.commit()
    name = export.filename(intent.id, fmt)
    if fmt == "csv":
        response = Response(stream_with_context(csv_chunks(headings, data)), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        response = send_file(xlsx_file(headings, data, _("Readiness")), as_attachment=True, download_name=name,
                             mimetype=XLSX)
    response.headers["Cache-Control"] = "private, no-store"
    return response
