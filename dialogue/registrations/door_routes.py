"""The door: for organisers and check-in staff only."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, send_from_directory, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import child_or_404, perform, post_views
from dialogue.core.errors import DialogueError
from dialogue.core.forms import ButtonForm, attach_error
from dialogue.core.inputs import bounded_int
from dialogue.core.timeutil import format_local
from dialogue.events.access import get_event_or_404, require_check_in
from dialogue.extensions import db
from dialogue.models import Event, Registration
from dialogue.registrations import bp, door, queries
from dialogue.registrations.forms import ScanForm
from dialogue.registrations.services import role_label

THEME_COLOUR = "#1d4f91"  # the header's blue
SERVICE_WORKER_SCOPE = "/events/"


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
                           search_error=search_error, button=ButtonForm(),
                           service_worker_scope=SERVICE_WORKER_SCOPE), status


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


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _scan_answer(event: Event, result: door.CheckIn | None = None, error: str | None = None, status: int = 200):
    """What the camera scanner on the check-in page shows and sounds: who it is, or why not."""
    answer: dict = {"outcome": "refused" if result is None else "already" if result.already else "checked_in",
                    "message": error or result.message()}
    if result is not None:
        registration = result.registration
        answer.update(name=registration.user.name if registration.user else "",
                      organisation=registration.organisation.name if registration.organisation else "",
                      role=role_label(registration.role),
                      checked_in_at=format_local(result.checked_in_at, event.timezone, "%H:%M", named=False),
                      counts=door.door_counts(event))
    response = jsonify(answer)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/events/<slug>/check-in/scan")
@login_required
def scan(slug: str):
    """A scanned or typed ticket code: check the person in at once, or say why not. The camera scanner
    asks for a JSON answer and sends, for a scan queued while offline, the time it was made."""
    event = _door_event(slug)
    form = ScanForm()
    if not form.validate_on_submit():
        if _wants_json():
            errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
            return _scan_answer(event, error=" ".join(errors) or _("Scan or type the ticket code."), status=400)
        return _render(event, scan_form=form, status=400)
    # The one door view outside perform(): whatever the refusal (an unknown code is a 404), the staff stay
    # on the scan page with the message next to the code, ready for the next ticket.
    try:
        when = door.scan_time(event, request.form.get("scanned_at"))
        registration = door.find_ticket(event, form.code.data)
        result = door.check_in(event, registration, current_user, now=when)
    except DialogueError as exc:
        db.session.rollback()
        if _wants_json():
            return _scan_answer(event, error=exc.message, status=exc.status_code)
        attach_error(form, exc)
        return _render(event, scan_form=form, status=exc.status_code)
    db.session.commit()
    if _wants_json():
        return _scan_answer(event, result)
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


@bp.get("/events/<slug>/check-in/manifest.webmanifest")
@login_required
def checkin_manifest(slug: str):
    """Door staff install the check-in page of their event as an app on their phone's home screen."""
    event = _door_event(slug)
    start = url_for("registrations.checkin", slug=slug)
    icons = [{"src": url_for("static", filename=f"icons/door-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any maskable"} for size in (192, 512)]
    response = jsonify({"name": _("Check-in: %(event)s", event=event.title), "short_name": _("Check-in"),
                        "id": start, "start_url": start, "scope": start, "display": "standalone",
                        "orientation": "portrait", "theme_color": THEME_COLOUR, "background_color": "#ffffff",
                        "lang": str(get_locale() or "en").replace("_", "-"), "icons": icons})
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/check-in-sw.js")
def checkin_service_worker():
    """The service worker that opens the check-in pages without a connection. It holds nothing personal
    and is public; it is checked for a new version on every visit (no-cache). Served from the root so
    that it may control the check-in pages under /events/."""
    response = send_from_directory(current_app.static_folder, "js/checkin-sw.js", mimetype="text/javascript",
                                   max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = SERVICE_WORKER_SCOPE
    return response


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
