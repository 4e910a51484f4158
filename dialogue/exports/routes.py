"""Downloads for organisers: the attendance export."""

from __future__ import annotations

from flask import Response, render_template, request, send_file, stream_with_context
from flask_login import current_user, login_required

from dialogue.core.actions import attempt
from dialogue.core.spreadsheet import csv_chunks, xlsx_file
from dialogue.events.access import organiser_event_or_404
from dialogue.exports import attendance, bp
from dialogue.exports.forms import AttendanceExportForm
from dialogue.extensions import db


@bp.get("/events/<slug>/export")
@login_required
def attendance_form(slug: str):
    event = organiser_event_or_404(slug)
    form = AttendanceExportForm(formdata=None)
    form.columns.data = attendance.default_columns(event)
    form.format.data = "xlsx"
    return render_template("exports/attendance.html", event=event, form=form)


@bp.get("/events/<slug>/export/attendance")
@login_required
def attendance_file(slug: str):
    """The file itself; the query string says which columns, rows and format."""
    event = organiser_event_or_404(slug)
    form = AttendanceExportForm(request.args)
    page = lambda: render_template("exports/attendance.html", event=event, form=form)  # noqa: E731
    if not form.validate():
        return page(), 400
    fmt = form.format.data
    keys, filters = attempt(lambda: (attendance.clean_columns(form.columns.data), attendance.clean_filters(
        form.roles.data, form.states.data, form.checked_in.data or "")), form=form, page=page)
    attendance.record_export(event, current_user, keys, filters, fmt)
    db.session.commit()
    headings, data = attendance.rows(event, keys, filters, text_times=fmt == "csv")
    name = attendance.filename(event, fmt)
    if fmt == "csv":
        response = Response(stream_with_context(csv_chunks(headings, data)),
                            content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        response = send_file(xlsx_file(headings, data, event.title), as_attachment=True,
                             download_name=name,
                             mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Cache-Control"] = "private, no-store"
    return response
