"""The minutes of one meeting: the page, recording them, publishing what was given; the published text."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import perform
from dialogue.core.forms import ButtonForm
from dialogue.events.access import is_participant
from dialogue.meetings import bp, minutes
from dialogue.meetings.forms import MinutesForm
from dialogue.models import utcnow


@bp.app_context_processor
def minutes_helpers():
    def minutes_missing(event=None):
        """The signed-in buyer's meetings that took place and have no minutes yet."""
        if not current_user.is_authenticated:
            return []
        return minutes.missing_minutes(current_user, event_id=event.id if event is not None else None)

    return {"minutes_missing": minutes_missing, "minutes_of": minutes.get_minutes}


def _render(meeting, role, form=None):
    record = minutes.get_minutes(meeting)
    refusal = minutes.takes_minutes(meeting, utcnow())
    if form is None:
        form = MinutesForm(obj=record) if record is not None else MinutesForm()
    return render_template("meetings/minutes.html", meeting=meeting, event=meeting.event, role=role.value,
                           minutes=record, refusal=refusal, form=form, button=ButtonForm(),
                           may_publish=minutes.may_publish(record, meeting, current_user))


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes_page(meeting_id: int):
    meeting, role = minutes.get_meeting(meeting_id, current_user)
    form = MinutesForm()
    if not form.is_submitted():
        return _render(meeting, role)
    return perform(lambda: minutes.record_minutes(meeting, current_user, summary=form.summary.data,
                                                  no_information_given=form.no_information_given.data,
                                                  information_given=form.information_given.data),
                   to=url_for("meetings.minutes_page", meeting_id=meeting_id), form=form,
                   page=lambda: _render(meeting, role, form), success=_("The minutes are saved."))


@bp.post("/meetings/<int:meeting_id>/minutes/publish")
@login_required
def minutes_publish(meeting_id: int):
    meeting, _role = minutes.get_meeting(meeting_id, current_user)
    record = minutes.get_minutes(meeting)
    if record is None:
        abort(404)
    return perform(lambda: minutes.publish_minutes(record, current_user),
                   to=url_for("meetings.minutes_page", meeting_id=meeting_id), form=ButtonForm(),
                   success=_("Published: every bidder can now read the information given."))


@bp.get("/meetings/information/<int:minutes_id>")
@login_required
def published_information(minutes_id: int):
    """What was published to an event's participants from a meeting not about a planned tender."""
    record = minutes.get_published(minutes_id)  # a refusal is the app's 403/404 page
    event = record.meeting.event
    if not is_participant(event, current_user):
        abort(403, _("This is for registered participants of the event."))
    return render_template("meetings/minutes_published.html", minutes=record, event=event)
