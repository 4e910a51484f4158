"""In person or online at a hybrid event: the participant switches from their registration page."""

from __future__ import annotations

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import perform
from dialogue.events.access import active_registration, get_event_or_404
from dialogue.registrations import bp
from dialogue.registrations.attendance import switch_attendance
from dialogue.registrations.forms import AttendanceForm


@bp.post("/events/<slug>/registration/attendance")
@login_required
def attendance(slug: str):
    registration = active_registration(get_event_or_404(slug, current_user), current_user)
    if registration is None:
        abort(404, _("You have no active registration for this event."))
    form = AttendanceForm()

    def switched(_promoted) -> str:
        return _("You now take part %(how)s.", how=str(registration.attendance.label).lower())

    return perform(lambda: switch_attendance(registration, form.attendance.data, current_user), form=form,
                   to=url_for("registrations.mine", slug=slug), success=switched)
