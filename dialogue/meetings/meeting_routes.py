"""One meeting: its page and calendar file, and the changes participants and organisers make to it."""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from dialogue.core.actions import perform, post_views
from dialogue.core.forms import ButtonForm, choices
from dialogue.events.access import is_organiser
from dialogue.meetings import bp, changes, notify
from dialogue.meetings.forms import AddPersonForm, LinkForm, MoveForm, NoteForm, RescheduleForm
from dialogue.meetings.people import buyer_people, get_settings, supplier_people
from dialogue.meetings.routes import slot_choices
from dialogue.meetings.setup import list_locations, list_slots
from dialogue.models import Meeting, MeetingSide, MeetingStatus, utcnow


def _load_meeting(meeting_id: int) -> Meeting:
    return changes.get_meeting_for(meeting_id, current_user)  # NotFound: the 404 page


@bp.get("/meetings/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    return _render_detail(_load_meeting(meeting_id))


def _render_detail(meeting, *, reschedule_form=None, add_form=None, cancel_form=None, no_show_form=None,
                   move_form=None, link_form=None):
    event = meeting.event
    now = utcnow()
    side = meeting.side_of(current_user.id)
    organiser = is_organiser(event, current_user)
    upcoming = meeting.status != MeetingStatus.CANCELLED and meeting.slot.starts_at > now
    reschedule_form = reschedule_form or RescheduleForm()
    add_form = add_form or AddPersonForm()
    move_form = move_form or MoveForm()
    if upcoming and side is not None:
        reschedule_form.slot.choices = slot_choices(changes.free_slots_for(meeting, now), event)
        present = {p.user_id for p in meeting.participants}
        pool = buyer_people(event) if side == MeetingSide.BUYER else supplier_people(event, meeting.supplier_org_id)
        add_form.person.choices = choices((u.id, f"{u.name}, {u.organisation.name}" if u.organisation else u.name)
                                          for u in pool if u.id not in present)
    if organiser and upcoming:
        move_form.slot.choices = slot_choices([s for s in list_slots(event) if s.starts_at > now], event)
        move_form.location.choices = choices([(0, _("any free"))] + [(loc.id, f"{loc.label} ({loc.capacity})")
                                                                    for loc in list_locations(event)])
        if request.method == "GET":
            move_form.slot.data = meeting.slot_id
            move_form.location.data = meeting.location_id or 0
    can_answer = (meeting.reschedule_slot_id is not None and side is not None
                  and meeting.reschedule_by_id != current_user.id
                  and meeting.side_of(meeting.reschedule_by_id or 0) != side)
    return render_template(
        "meetings/detail.html", meeting=meeting, event=event, side=side, organiser=organiser, now=now,
        upcoming=upcoming, can_answer=can_answer, settings=get_settings(event), reschedule_form=reschedule_form,
        add_form=add_form, cancel_form=cancel_form or NoteForm(), no_show_form=no_show_form or NoteForm(),
        move_form=move_form, link_form=link_form or LinkForm(url=meeting.virtual_url), button=ButtonForm(),
        buyers=meeting.people(MeetingSide.BUYER), suppliers=meeting.people(MeetingSide.SUPPLIER))


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    if meeting.status == MeetingStatus.PROPOSED:
        abort(404)
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    return Response(notify.meeting_ics(meeting, current_user, method=method),
                    content_type=f"text/calendar; charset=utf-8; method={method}",
                    headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'})


def _organiser_meeting(meeting_id: int) -> Meeting:
    meeting = _load_meeting(meeting_id)
    if not is_organiser(meeting.event, current_user):
        abort(403, _("Only the organisers of this event can do this."))
    return meeting


def _change_view(load, form_class, change, success, shown_as: str | None = None):
    """One change to a meeting through perform(). A form shown on the meeting page (``shown_as``: its
    name there) gets its refusal next to it; a plain button's refusal is flashed."""
    def view(meeting_id: int):
        meeting = load(meeting_id)
        form = form_class()
        page = None
        if shown_as is not None:
            page = lambda: _render_detail(_load_meeting(meeting.id), **{shown_as: form})  # noqa: E731
        return perform(lambda: change(meeting, form), to=url_for("meetings.detail", meeting_id=meeting.id),
                       form=form, page=page, success=success)
    return view


# endpoint: (path, who may, form, the change, message, the form's name on the meeting page)
post_views(bp, "/meetings/<int:meeting_id>/{path}", {
    "cancel": ("cancel", _load_meeting, NoteForm,
               lambda m, form: changes.cancel_meeting(m, current_user, form.note.data or ""),
               _l("The meeting is cancelled. Everyone's calendar entry is withdrawn."), "cancel_form"),
    "reschedule": ("reschedule", _load_meeting, RescheduleForm,
                   lambda m, form: changes.ask_reschedule(m, current_user, form.slot.data, form.note.data or ""),
                   _l("Your proposal is sent. The meeting moves when the other side accepts."), "reschedule_form"),
    "reschedule_accept": ("reschedule/accept", _load_meeting, ButtonForm,
                          lambda m, _form: changes.answer_reschedule(m, current_user, True),
                          _l("The meeting is moved. Everyone's calendar entry updates.")),
    "reschedule_decline": ("reschedule/decline", _load_meeting, ButtonForm,
                           lambda m, _form: changes.answer_reschedule(m, current_user, False),
                           _l("The meeting stays at its time.")),
    "add_person": ("people", _load_meeting, AddPersonForm,
                   lambda m, form: changes.add_participant(m, current_user, form.person.data),
                   _l("The person is added and gets the invitation."), "add_form"),
    "no_show": ("no-show", _load_meeting, NoteForm,
                lambda m, form: changes.report_no_show(m, current_user, form.note.data or ""),
                _l("Recorded: the meeting did not take place."), "no_show_form"),
    "no_show_undo": ("no-show/undo", _load_meeting, ButtonForm, lambda m, _form: changes.undo_no_show(m, current_user),
                     _l("The meeting is recorded as taken place again.")),
    # Organisers' changes to one meeting
    "move": ("move", _organiser_meeting, MoveForm,
             lambda m, form: changes.move_meeting(m, form.slot.data, current_user,
                                                  location_id=form.location.data or None),
             _l("The meeting is moved. Everyone's calendar entry updates."), "move_form"),
    "set_link": ("link", _organiser_meeting, LinkForm, lambda m, form: changes.set_virtual_url(m, form.url.data),
                 _l("The room link is saved."), "link_form"),
}, _change_view)
