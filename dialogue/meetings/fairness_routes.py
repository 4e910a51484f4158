"""Organisers' fairness view of an event's meetings, and its CSV file."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_login import login_required

from dialogue.core.spreadsheet import csv_chunks
from dialogue.events.access import organiser_event_or_404
from dialogue.meetings import bp, fairness


@bp.get("/events/<slug>/meetings/fairness")
@login_required
def fairness_page(slug: str):
    event = organiser_event_or_404(slug)
    by = request.args.get("by", "size")
    if by not in fairness.BREAKDOWNS:
        by = "size"
    table = fairness.fairness(event)
    return render_template("meetings/fairness.html", event=event, table=table, by=by,
                           breakdowns=fairness.BREAKDOWNS)


@bp.get("/events/<slug>/meetings/fairness.csv")
@login_required
def fairness_csv(slug: str):
    event = organiser_event_or_404(slug)
    table = fairness.fairness(event)
    data = b"".join(csv_chunks(fairness.headings(), fairness.rows(table)))
    return Response(data, content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{event.slug}-meetings-fairness.csv"',
        "Cache-Control": "private, no-store"})
