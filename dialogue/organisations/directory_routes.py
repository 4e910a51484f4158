"""The directory pages: every organisation on the platform, and those taking part in one event."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from dialogue.core.errors import DialogueError
from dialogue.core.forms import attach_error
from dialogue.core.inputs import bounded_int
from dialogue.events.access import get_event_or_404
from dialogue.models import Event
from dialogue.organisations import bp, directory
from dialogue.organisations.forms import DirectoryForm


def _page(event: Event | None):
    user = current_user if current_user.is_authenticated else None
    form = DirectoryForm(request.args)
    page = max(request.args.get("page", 1, type=bounded_int), 1)
    entries, total, status = [], 0, 200
    try:
        filters = directory.parse_filters(request.args)
    except DialogueError as exc:
        attach_error(form, exc)
        filters, status = directory.Filters(), 400
    else:
        entries, total = directory.list_directory(filters, event=event, page=page)
    targets = directory.meeting_targets(event, user) if event is not None and entries else set()
    return render_template("organisations/directory.html", event=event, form=form, entries=entries, total=total,
                           page=page, has_next=page * directory.PER_PAGE < total,
                           page_args={**filters.active(), **({"slug": event.slug} if event else {})},
                           meeting_targets=targets, failed=status != 200), status


@bp.get("/directory")
def directory_index():
    """Every organisation on the platform, filtered by what its profile says."""
    return _page(None)


@bp.get("/events/<slug>/directory")
def event_directory(slug: str):
    """The organisations with an active registration at the event."""
    return _page(get_event_or_404(slug, current_user if current_user.is_authenticated else None))
