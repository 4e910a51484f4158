"""The door: for organisers and check-in staff only."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import child_or_404, perform, post_views
from dialogue.core.errors import DialogueError
from dialogue.core.forms import ButtonForm, attach_error
from dialogue.core.inputs import bounded_int
from dialogue.events.access import get_event_or_404, require_check_in
from dialogue.extensions import db
from dialogue.models import Event, Registration
from dialogue.registrations import bp, door, queries
from dialogue.registrations.forms import ScanForm


def _door_event(slug: str) -> Event:
    event = get_event_or_404(slug, current_user)
    require_check_in(event, current_user)
    return event


def _render(event, *, scan_form=None, status: int = 200, results=None, search_error=None):
    last = None
    last_id = request.args.get("r", type=bounded_int)
    if last_id:
        last = queries.registration_with_person(event, last_id)
    q = (request.args.get("q") or "").strip()
    if results is None and q:
        # A search is a GET that changes nothing: a refused query is shown above the empty results.
        try:
            results = door.search(event, q)
        except DialogueError as exc:
            search_error = exc.message
    return render_template("registrations/checkin.html", event=event, scan_form=scan_form or ScanForm(formdata=None),
                           counts=door.door_counts(event), last=last, q=q, results=results,
                           search_error=search_error, button=ButtonForm()), status


@bp.get("/events/<slug>/check-in")
@login_required
def checkin(slug: str):
    return _render(_door_event(slug))


@bp.get("/events/<slug>/check-in/counts")
@login_required
def checkin_counts(slug: str):
    """The live count by role, polled by the check-in page."""
    event = _door_event(slug)
    response = jsonify(door.door_counts(event))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/events/<slug>/check-in/scan")
@login_required
def scan(slug: str):
    """A scanned or typed ticket code: check the person in at once, or say why not."""
    event = _door_event(slug)
    form = ScanForm()
    if not form.validate_on_submit():
        return _render(event, scan_form=form, status=400)
    # The one door view outside perform(): whatever the refusal (an unknown code is a 404), the staff stay
    # on the scan page with the message next to the code, ready for the next ticket.
    try:
        registration = door.find_ticket(event, form.code.data)
        result = door.check_in(event, registration, current_user)
    except DialogueError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return _render(event, scan_form=form, status=exc.status_code)
    db.session.commit()
    flash(result.message(), "warning" if result.already else "success")
    return redirect(url_for("registrations.checkin", slug=slug, r=result.registration.id), 303)


@bp.get("/events/<slug>/check-in/t/<token>")
@login_required
def checkin_ticket(slug: str, token: str):
    """Where the ticket's QR code leads: the staff see the person and check them in with one button."""
    event = _door_event(slug)
    # As at the scan: an unknown or foreign ticket is said on the scan page, ready for the next one.
    try:
        registration = door.find_ticket(event, token)
    except DialogueError as exc:
        form = ScanForm(formdata=None)
        attach_error(form, exc)
        return _render(event, scan_form=form, status=exc.status_code)
    return redirect(url_for("registrations.checkin", slug=slug, r=registration.id))


def _door_view(change, success):
    """A button on the check-in page for one registration of the event."""
    def view(slug: str, registration_id: int):
        event = _door_event(slug)
        registration = child_or_404(Registration, registration_id, event_id=event.id)
        return perform(lambda: change(event, registration), form=ButtonForm(),
                       to=url_for("registrations.checkin", slug=slug, r=registration_id),
                       success=lambda result: success(registration, result))
    return view


def _undone(registration: Registration, _result) -> str:
    return _("The check-in of %(name)s is undone.", name=registration.user.name if registration.user else "—")


post_views(bp, "/events/<slug>/check-in/{path}", {
    "check_in": ("<int:registration_id>",
                 lambda event, registration: door.check_in(event, registration, current_user),
                 lambda _registration, result: (result.message(), "warning" if result.already else "success")),
    "undo_check_in": ("<int:registration_id>/undo",
                      lambda event, registration: door.undo_check_in(event, registration, current_user), _undone),
}, _door_view)
