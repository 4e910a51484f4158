"""Participants' pages: requests, booking, availability, the agenda, one meeting, the calendar feed."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from dialogue.core.errors import DialogueError, NotAllowed, NotFound
from dialogue.core.forms import ButtonForm, attach_error, choices
from dialogue.core.inputs import parse_id
from dialogue.core.timeutil import format_local
from dialogue.events.access import get_event_or_404, is_organiser, require_participant
from dialogue.extensions import db
from dialogue.meetings import agenda, bp, changes, notify, placement, requests
from dialogue.meetings.availability import busy_slot_ids, interest_ids, set_availability, set_interests
from dialogue.meetings.forms import (AcceptForm, AddPersonForm, AvailabilityForm, BookForm, LinkForm, MoveForm,
                                     NoteForm, PriorityForm, RequestForm, RescheduleForm)
from dialogue.meetings.people import (buyer_organisations, buyer_people, confirmed_registration, get_settings,
                                      side_of, supplier_people)
from dialogue.meetings.setup import list_locations, list_slots
from dialogue.models import (BusySlot, Meeting, MeetingMode, MeetingParticipant, MeetingSide, MeetingStatus,
                             Organisation, RequestStatus, User, utcnow)


def refuse(exc: DialogueError) -> None:
    """Roll back; refusals about access become the 403/404 pages."""
    db.session.rollback()
    if isinstance(exc, (NotAllowed, NotFound)):
        raise exc


@bp.app_context_processor
def meeting_helpers():
    def both_times(value, event):
        zone = current_user.timezone if current_user.is_authenticated else None
        return notify.times(value, event.timezone, zone)

    def meetings_section(event):
        """What the event page's meetings section needs, in a fixed handful of queries."""
        settings = get_settings(event)
        if settings is None or not current_user.is_authenticated:
            return {"settings": settings, "side": None, "count": 0}
        side = side_of(confirmed_registration(event, current_user))
        count = len(agenda.my_meetings(current_user, event)) if side else 0
        return {"settings": settings, "side": side, "count": count}

    return {"both_times": both_times, "meetings_section": meetings_section, "meeting_place": notify.place}


def _slot_label(slot, event) -> str:
    return notify.times(slot.starts_at, event.timezone, current_user.timezone)


def _slot_choices(slots, event):
    return choices((s.id, _slot_label(s, event)) for s in slots)


# Agenda and feed ----------------------------------------------------------------------------------

@bp.get("/meetings")
@login_required
def my_agenda():
    meetings = agenda.my_meetings(current_user)
    sent, received = agenda.my_requests(current_user)
    token = agenda.feed_token(current_user)
    now = utcnow()
    upcoming = [m for m in meetings if m.slot.ends_at > now]
    past = [m for m in meetings if m.slot.ends_at <= now]
    return render_template("meetings/my_agenda.html", upcoming=upcoming, past=past, sent=sent, received=received,
                           token=token, now=now, form=ButtonForm())


@bp.post("/meetings/feed/regenerate")
@login_required
def feed_regenerate():
    if not ButtonForm().validate_on_submit():
        abort(400)
    agenda.regenerate_feed_token(current_user)
    db.session.commit()
    flash(_("Your calendar feed has a new address. The old address no longer works."), "success")
    return redirect(url_for("meetings.my_agenda") + "#feed", 303)


@bp.post("/meetings/feed/revoke")
@login_required
def feed_revoke():
    if not ButtonForm().validate_on_submit():
        abort(400)
    agenda.revoke_feed_token(current_user)
    db.session.commit()
    flash(_("Your calendar feed is switched off."), "success")
    return redirect(url_for("meetings.my_agenda") + "#feed", 303)


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    from dialogue.core.ical import calendar_response

    user = agenda.user_for_feed(token)
    if user is None:
        abort(404)
    cal = agenda.feed_calendar(user)
    db.session.commit()  # last_used_at
    response = calendar_response(cal, "dialogue.ics")
    response.headers["Content-Disposition"] = 'inline; filename="dialogue.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


# The event's meetings page --------------------------------------------------------------------------

@bp.get("/events/<slug>/meetings")
@login_required
def event_home(slug: str):
    event = get_event_or_404(slug, current_user)
    require_participant(event, current_user)
    settings = get_settings(event)
    side = side_of(confirmed_registration(event, current_user))
    meetings = agenda.my_meetings(current_user, event)
    sent, received = agenda.my_requests(current_user, event)
    return render_template("meetings/event_home.html", event=event, settings=settings, side=side,
                           meetings=meetings, sent=sent, received=received, now=utcnow(),
                           organiser=is_organiser(event, current_user), slots=list_slots(event) if settings else [])


@bp.get("/events/<slug>/meetings/buyers")
@login_required
def buyers(slug: str):
    event = get_event_or_404(slug, current_user)
    require_participant(event, current_user)
    settings = get_settings(event)
    if settings is None:
        abort(404)
    orgs = buyer_organisations(event)
    own = current_user.organisation.id if current_user.organisation else None
    intents = {org.id: requests.requestable_intents(event, org.id) for org in orgs}
    people = {org.id: buyer_people(event, org.id) for org in orgs}
    return render_template("meetings/buyers.html", event=event, settings=settings, orgs=orgs, intents=intents,
                           people=people, own=own, side=side_of(confirmed_registration(event, current_user)))


@bp.route("/events/<slug>/meetings/request/<int:org_id>", methods=["GET", "POST"])
@login_required
def new_request(slug: str, org_id: int):
    event = get_event_or_404(slug, current_user)
    require_participant(event, current_user)
    settings = get_settings(event)
    org = db.session.get(Organisation, org_id)
    if settings is None or org is None:
        abort(404)
    if side_of(confirmed_registration(event, current_user)) != "supplier":
        abort(403, _("Only suppliers and resellers with a confirmed registration can ask for meetings."))
    form = RequestForm()
    intents = requests.requestable_intents(event, org.id)
    form.intent.choices = choices([("", _("None: a general topic"))] + [(i.id, i.title) for i in intents])
    now = utcnow()
    slots = [s for s in list_slots(event) if s.starts_at > now]
    form.preferred_slots.choices = _slot_choices(slots, event)
    colleagues = [u for u in supplier_people(event, current_user.organisation.id)
                  if u.id != current_user.id] if current_user.organisation else []
    form.colleagues.choices = choices((u.id, u.name) for u in colleagues)
    if request.method == "GET" and request.args.get("intent"):
        form.intent.data = request.args["intent"]
    if form.validate_on_submit():
        try:
            created = requests.create_request(
                event, current_user, buyer_org_id=org.id,
                intent_id=parse_id(form.intent.data),
                topic=form.topic.data or "", agenda=form.agenda.data or "",
                preferred_slot_ids=form.preferred_slots.data or [], priority=form.priority.data,
                colleague_ids=form.colleagues.data or [])
        except DialogueError as exc:
            refuse(exc)
            attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Your request is sent to %(org)s.", org=org.name), "success")
            return redirect(url_for("meetings.request_detail", request_id=created.id), 303)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("meetings/new_request.html", event=event, org=org, form=form, settings=settings,
                           intents=intents), status


def _load_request(request_id: int):
    try:
        return requests.get_request_for(request_id, current_user)
    except NotFound:
        abort(404)


@bp.get("/meetings/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    req = _load_request(request_id)
    return _render_request(req)


def _render_request(req, accept_form=None, decline_form=None, status=200):
    event = req.event
    settings = get_settings(event)
    now = utcnow()
    own_org = current_user.organisation.id if current_user.organisation else None
    registration = confirmed_registration(event, current_user)
    is_buyer = side_of(registration) == "buyer" and registration.organisation_id == req.buyer_org_id
    accept_form = accept_form or AcceptForm()
    free = []
    if is_buyer and req.status == RequestStatus.PENDING:
        free = _common_free_slots(event, [a.user_id for a in req.attendees if a.side == MeetingSide.SUPPLIER]
                                  + [current_user.id], now)
        preferred = {p.slot_id for p in req.preferred_slots}
        free.sort(key=lambda s: (s.id not in preferred, s.starts_at))
        accept_form.slot.choices = choices((s.id, _slot_label(s, event) + (" ★" if s.id in preferred else ""))
                                           for s in free)
        others = [u for u in buyer_people(event) if u.id != current_user.id]
        accept_form.buyers.choices = choices((u.id, f"{u.name}, {u.organisation.name}") for u in others)
        if request.method == "GET":
            accept_form.buyers.data = [a.user_id for a in req.attendees
                                       if a.side == MeetingSide.BUYER and a.user_id != current_user.id]
    priority_form = PriorityForm(priority=req.buyer_priority)
    return render_template("meetings/request_detail.html", req=req, event=event, settings=settings, now=now,
                           is_buyer=is_buyer, is_requester_org=own_org == req.supplier_org_id,
                           accept_form=accept_form, decline_form=decline_form or NoteForm(),
                           priority_form=priority_form, free=free, button=ButtonForm()), status


def _common_free_slots(event, user_ids, now):
    held = set(db.session.scalars(select(MeetingParticipant.slot_id).where(
        MeetingParticipant.user_id.in_(user_ids), MeetingParticipant.slot_id.is_not(None))))
    busy = set(db.session.scalars(select(BusySlot.slot_id).where(BusySlot.event_id == event.id,
                                                                BusySlot.user_id.in_(user_ids))))
    return [s for s in list_slots(event) if s.starts_at > now and s.id not in held and s.id not in busy]


@bp.post("/meetings/requests/<int:request_id>/accept")
@login_required
def accept(request_id: int):
    req = _load_request(request_id)
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            meeting = requests.accept_request(req, current_user, slot_id=form.slot.data,
                                              buyer_ids=form.buyers.data or [])
        except DialogueError as exc:
            refuse(exc)
            attach_error(form, exc)
            req = _load_request(request_id)
            return _render_request(req, accept_form=form, status=exc.status_code)
        db.session.commit()
        flash(_("Meeting confirmed. Everyone gets an invitation for their calendar."), "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id), 303)
    return _render_request(req, accept_form=form, status=400)


@bp.post("/meetings/requests/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    req = _load_request(request_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_request(req, decline_form=form, status=400)
    try:
        requests.decline_request(req, current_user, form.note.data or "")
    except DialogueError as exc:
        refuse(exc)
        flash(exc.message, "error")
        return redirect(url_for("meetings.request_detail", request_id=request_id), 303)
    db.session.commit()
    flash(_("The request is declined; the requester is told."), "success")
    return redirect(url_for("meetings.event_home", slug=req.event.slug), 303)


@bp.post("/meetings/requests/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    req = _load_request(request_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        requests.withdraw_request(req, current_user)
    except DialogueError as exc:
        refuse(exc)
        flash(exc.message, "error")
        return redirect(url_for("meetings.request_detail", request_id=request_id), 303)
    db.session.commit()
    flash(_("Your request is withdrawn."), "success")
    return redirect(url_for("meetings.event_home", slug=req.event.slug), 303)


@bp.post("/meetings/requests/<int:request_id>/priority")
@login_required
def prioritise(request_id: int):
    req = _load_request(request_id)
    form = PriorityForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        requests.prioritise_request(req, current_user, form.priority.data)
    except DialogueError as exc:
        refuse(exc)
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Priority saved; the scheduler uses it."), "success")
    return redirect(url_for("meetings.request_detail", request_id=request_id), 303)


# Self-booking -------------------------------------------------------------------------------------

def _buyer_or_404(event, buyer_id: int) -> User:
    buyer = db.session.get(User, buyer_id)
    if buyer is None or side_of(confirmed_registration(event, buyer)) != "buyer":
        abort(404)
    return buyer


@bp.route("/events/<slug>/meetings/book/<int:buyer_id>", methods=["GET", "POST"])
@login_required
def book(slug: str, buyer_id: int):
    """A buyer's calendar; a supplier picks a free time and books it (self-booking events)."""
    event = get_event_or_404(slug, current_user)
    require_participant(event, current_user)
    settings = get_settings(event)
    if settings is None or settings.mode != MeetingMode.SELF_BOOKING:
        abort(404)
    buyer = _buyer_or_404(event, buyer_id)
    form = BookForm()
    if form.validate_on_submit():
        try:
            meeting = placement.book_slot(event, current_user, buyer, form.slot.data,
                                         intent_id=parse_id(form.intent.data),
                                         topic=form.topic.data or "", agenda=form.agenda.data or "")
        except DialogueError as exc:
            refuse(exc)
            attach_error(form, exc)
            return _render_grid(event, buyer, form, status=exc.status_code)
        db.session.commit()
        flash(_("Meeting booked. You and %(name)s get an invitation for your calendars.", name=buyer.name), "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id), 303)
    return _render_grid(event, buyer, form, status=400 if form.is_submitted() else 200)


def _render_grid(event, buyer, form, status=200):
    now = utcnow()
    slots = list_slots(event)
    busy = busy_slot_ids(event, buyer)
    held = set(db.session.scalars(select(MeetingParticipant.slot_id).where(
        MeetingParticipant.user_id == buyer.id, MeetingParticipant.slot_id.is_not(None))))
    mine = set(db.session.scalars(select(MeetingParticipant.slot_id).where(
        MeetingParticipant.user_id == current_user.id, MeetingParticipant.slot_id.is_not(None))))
    intents = requests.requestable_intents(event, buyer.organisation.id) if buyer.organisation else []
    form.intent.choices = choices([("", _("None: a general topic"))] + [(i.id, i.title) for i in intents])
    rows = []
    for slot in slots:
        if slot.starts_at <= now:
            state = "past"
        elif slot.id in busy:
            state = "unavailable"
        elif slot.id in held:
            state = "taken"
        elif slot.id in mine:
            state = "you_busy"
        else:
            state = "free"
        rows.append((slot, state))
    form.slot.choices = _slot_choices([slot for slot, state in rows if state == "free"], event)
    return render_template("meetings/book_grid.html", event=event, buyer=buyer, rows=rows, form=form,
                           can_book=side_of(confirmed_registration(event, current_user)) == "supplier"), status


# Availability and interests -----------------------------------------------------------------------

@bp.route("/events/<slug>/meetings/availability", methods=["GET", "POST"])
@login_required
def availability(slug: str):
    event = get_event_or_404(slug, current_user)
    require_participant(event, current_user)
    settings = get_settings(event)
    if settings is None:
        abort(404)
    registration = confirmed_registration(event, current_user)
    side = side_of(registration)
    if side is None:
        abort(403, _("Only buyers, suppliers and resellers with a confirmed registration take part in meetings."))
    form = AvailabilityForm()
    slots = list_slots(event)
    form.slots.choices = _slot_choices(slots, event)
    intents = requests.requestable_intents(event, registration.organisation_id) if side == "buyer" else []
    form.intents.choices = choices((i.id, i.title) for i in intents)
    if request.method == "GET":
        busy = busy_slot_ids(event, current_user)
        form.slots.data = [s.id for s in slots if s.id not in busy]
        form.intents.data = sorted(interest_ids(event, current_user))
    if form.validate_on_submit():
        try:
            set_availability(event, current_user, form.slots.data or [])
            if side == "buyer":
                set_interests(event, current_user, form.intents.data or [])
        except DialogueError as exc:
            refuse(exc)
            attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Your availability is saved."), "success")
            return redirect(url_for("meetings.event_home", slug=slug), 303)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("meetings/availability.html", event=event, form=form, side=side, intents=intents), status


# One meeting --------------------------------------------------------------------------------------

def _load_meeting(meeting_id: int) -> Meeting:
    try:
        return changes.get_meeting_for(meeting_id, current_user)
    except NotFound:
        abort(404)


@bp.get("/meetings/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    return _render_detail(_load_meeting(meeting_id))


def _render_detail(meeting, *, reschedule_form=None, add_form=None, cancel_form=None, no_show_form=None,
                   move_form=None, link_form=None, status=200):
    event = meeting.event
    now = utcnow()
    side = meeting.side_of(current_user.id)
    organiser = is_organiser(event, current_user)
    upcoming = meeting.status != MeetingStatus.CANCELLED and meeting.slot.starts_at > now
    reschedule_form = reschedule_form or RescheduleForm()
    add_form = add_form or AddPersonForm()
    move_form = move_form or MoveForm()
    if upcoming and side is not None:
        reschedule_form.slot.choices = _slot_choices(changes.free_slots_for(meeting, now), event)
        present = {p.user_id for p in meeting.participants}
        pool = buyer_people(event) if side == MeetingSide.BUYER else supplier_people(event, meeting.supplier_org_id)
        add_form.person.choices = choices((u.id, f"{u.name}, {u.organisation.name}" if u.organisation else u.name)
                                          for u in pool if u.id not in present)
    if organiser and upcoming:
        move_form.slot.choices = _slot_choices([s for s in list_slots(event) if s.starts_at > now], event)
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
        buyers=meeting.people(MeetingSide.BUYER), suppliers=meeting.people(MeetingSide.SUPPLIER)), status


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


def _meeting_action(meeting_id: int, form, action, success: str, slot: str | None = None):
    """Validate, run one service call, commit, redirect. A refusal shows next to the form named by
    ``slot`` (status 400/409); for plain buttons it is flashed."""
    meeting = _load_meeting(meeting_id)
    if not form.validate_on_submit():
        if slot is None:
            abort(400)
        return _render_detail(meeting, status=400, **{slot: form})
    try:
        action(meeting)
    except DialogueError as exc:
        refuse(exc)
        if slot is None:
            flash(exc.message, "error")
            return redirect(url_for("meetings.detail", meeting_id=meeting_id), 303)
        attach_error(form, exc)
        meeting = _load_meeting(meeting_id)
        return _render_detail(meeting, status=exc.status_code, **{slot: form})
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting_id), 303)


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id: int):
    form = NoteForm()
    return _meeting_action(meeting_id, form, lambda m: changes.cancel_meeting(m, current_user, form.note.data or ""),
                           _("The meeting is cancelled. Everyone's calendar entry is withdrawn."),
                           slot="cancel_form")


@bp.post("/meetings/<int:meeting_id>/reschedule")
@login_required
def reschedule(meeting_id: int):
    form = RescheduleForm()
    return _meeting_action(meeting_id, form,
                           lambda m: changes.ask_reschedule(m, current_user, form.slot.data, form.note.data or ""),
                           _("Your proposal is sent. The meeting moves when the other side accepts."),
                           slot="reschedule_form")


@bp.post("/meetings/<int:meeting_id>/reschedule/accept")
@login_required
def reschedule_accept(meeting_id: int):
    form = ButtonForm()
    return _meeting_action(meeting_id, form, lambda m: changes.answer_reschedule(m, current_user, True),
                           _("The meeting is moved. Everyone's calendar entry updates."))


@bp.post("/meetings/<int:meeting_id>/reschedule/decline")
@login_required
def reschedule_decline(meeting_id: int):
    form = ButtonForm()
    return _meeting_action(meeting_id, form, lambda m: changes.answer_reschedule(m, current_user, False),
                           _("The meeting stays at its time."))


@bp.post("/meetings/<int:meeting_id>/people")
@login_required
def add_person(meeting_id: int):
    form = AddPersonForm()
    return _meeting_action(meeting_id, form, lambda m: changes.add_participant(m, current_user, form.person.data),
                           _("The person is added and gets the invitation."), slot="add_form")


@bp.post("/meetings/<int:meeting_id>/no-show")
@login_required
def no_show(meeting_id: int):
    form = NoteForm()
    return _meeting_action(meeting_id, form, lambda m: changes.report_no_show(m, current_user, form.note.data or ""),
                           _("Recorded: the meeting did not take place."), slot="no_show_form")


@bp.post("/meetings/<int:meeting_id>/no-show/undo")
@login_required
def no_show_undo(meeting_id: int):
    form = ButtonForm()
    return _meeting_action(meeting_id, form, lambda m: changes.undo_no_show(m, current_user),
                           _("The meeting is recorded as taken place again."))


# Organisers' changes to one meeting ---------------------------------------------------------------

def _organiser_meeting(meeting_id: int) -> Meeting:
    meeting = _load_meeting(meeting_id)
    if not is_organiser(meeting.event, current_user):
        abort(403, _("Only the organisers of this event can do this."))
    return meeting


@bp.post("/meetings/<int:meeting_id>/move")
@login_required
def move(meeting_id: int):
    _organiser_meeting(meeting_id)
    form = MoveForm()
    return _meeting_action(meeting_id, form,
                           lambda m: changes.move_meeting(m, form.slot.data, current_user,
                                                           location_id=form.location.data or None),
                           _("The meeting is moved. Everyone's calendar entry updates."), slot="move_form")


@bp.post("/meetings/<int:meeting_id>/link")
@login_required
def set_link(meeting_id: int):
    _organiser_meeting(meeting_id)
    form = LinkForm()
    return _meeting_action(meeting_id, form, lambda m: changes.set_virtual_url(m, form.url.data),
                           _("The room link is saved."), slot="link_form")
