"""Organisers' pages: set-up, the list of meetings and no-shows, the auto-scheduler, sheets, export."""

from __future__ import annotations

from collections import defaultdict

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from dialogue.core.errors import DialogueError
from dialogue.core.forms import ButtonForm, attach_error
from dialogue.events.access import get_event_or_404, require_organiser
from dialogue.extensions import db
from dialogue.meetings import bp, exports, notify, scheduling, setup
from dialogue.meetings.forms import BlockForm, LocationForm, ScheduleForm, SettingsForm
from dialogue.meetings.people import get_settings
from dialogue.meetings.routes import refuse
from dialogue.models import (LocationKind, Meeting, MeetingBlock, MeetingLocation, MeetingMode, MeetingRequest,
                             MeetingStatus, RequestStatus, RunStatus)


def _organiser_event(slug: str):
    event = get_event_or_404(slug, current_user)
    require_organiser(event, current_user)
    return event


def _render_setup(event, settings_form=None, block_form=None, location_form=None, status=200):
    settings = get_settings(event)
    if settings_form is None:
        settings_form = SettingsForm(obj=settings) if settings else SettingsForm(
            mode=MeetingMode.REQUEST.value, slot_minutes=20, break_minutes=5, request_expiry_hours=48,
            max_supplier_staff=2, reminder_minutes=30)
        if settings:
            settings_form.mode.data = settings.mode.value
    blocks = setup.list_blocks(event)
    slot_counts = dict(db.session.execute(select(MeetingBlock.id, func.count()).join(MeetingBlock.slots)
                                          .where(MeetingBlock.event_id == event.id).group_by(MeetingBlock.id)).all())
    return render_template("meetings/setup.html", event=event, settings=settings, settings_form=settings_form,
                           block_form=block_form or BlockForm(), location_form=location_form or LocationForm(),
                           blocks=blocks, slot_counts=slot_counts, locations=setup.list_locations(event),
                           button=ButtonForm()), status


@bp.route("/events/<slug>/meetings/setup", methods=["GET", "POST"])
@login_required
def setup_page(slug: str):
    event = _organiser_event(slug)
    form = SettingsForm()
    if form.validate_on_submit():
        try:
            setup.save_settings(
                event, mode=MeetingMode(form.mode.data), slot_minutes=form.slot_minutes.data,
                break_minutes=form.break_minutes.data, request_expiry_hours=form.request_expiry_hours.data,
                max_meetings_per_supplier=form.max_meetings_per_supplier.data,
                max_meetings_per_buyer=form.max_meetings_per_buyer.data,
                max_requests_per_supplier=form.max_requests_per_supplier.data,
                max_supplier_staff=form.max_supplier_staff.data, reminder_minutes=form.reminder_minutes.data,
                virtual=form.virtual.data, virtual_link_template=(form.virtual_link_template.data or "").strip())
        except DialogueError as exc:
            refuse(exc)
            attach_error(form, exc)
            return _render_setup(event, settings_form=form, status=exc.status_code)
        db.session.commit()
        flash(_("Meeting settings saved."), "success")
        return redirect(url_for("meetings.setup_page", slug=slug), 303)
    if form.is_submitted():
        return _render_setup(event, settings_form=form, status=400)
    return _render_setup(event)


@bp.post("/events/<slug>/meetings/blocks")
@login_required
def add_block(slug: str):
    event = _organiser_event(slug)
    form = BlockForm()
    if form.validate_on_submit():
        try:
            block = setup.add_block(event, form.day.data, form.start.data, form.end.data)
        except DialogueError as exc:
            refuse(exc)
            attach_error(form, exc)
            return _render_setup(event, block_form=form, status=exc.status_code)
        count = len(block.slots)
        db.session.commit()
        flash(_("Meeting block added with %(n)s slots.", n=count), "success")
        return redirect(url_for("meetings.setup_page", slug=slug) + "#blocks", 303)
    return _render_setup(event, block_form=form, status=400)


@bp.post("/events/<slug>/meetings/blocks/<int:block_id>/delete")
@login_required
def delete_block(slug: str, block_id: int):
    event = _organiser_event(slug)
    block = db.get_or_404(MeetingBlock, block_id)
    if block.event_id != event.id or not ButtonForm().validate_on_submit():
        abort(404 if block.event_id != event.id else 400)
    try:
        setup.delete_block(event, block, actor=current_user)
    except DialogueError as exc:
        refuse(exc)
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Meeting block removed."), "success")
    return redirect(url_for("meetings.setup_page", slug=slug) + "#blocks", 303)


@bp.post("/events/<slug>/meetings/locations")
@login_required
def add_location(slug: str):
    event = _organiser_event(slug)
    form = LocationForm()
    if form.validate_on_submit():
        try:
            created = setup.add_locations(event, label=form.label.data, count=form.count.data,
                                          capacity=form.capacity.data, kind=LocationKind(form.kind.data))
        except DialogueError as exc:
            refuse(exc)
            attach_error(form, exc)
            return _render_setup(event, location_form=form, status=exc.status_code)
        db.session.commit()
        flash(_("%(n)s meeting place(s) added.", n=len(created)), "success")
        return redirect(url_for("meetings.setup_page", slug=slug) + "#locations", 303)
    return _render_setup(event, location_form=form, status=400)


@bp.post("/events/<slug>/meetings/locations/<int:location_id>/delete")
@login_required
def delete_location(slug: str, location_id: int):
    event = _organiser_event(slug)
    location = db.get_or_404(MeetingLocation, location_id)
    if location.event_id != event.id:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        setup.delete_location(event, location, actor=current_user)
    except DialogueError as exc:
        refuse(exc)
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Meeting place removed."), "success")
    return redirect(url_for("meetings.setup_page", slug=slug) + "#locations", 303)


# Overview, export ---------------------------------------------------------------------------------

_event_meetings = exports.event_meetings


@bp.get("/events/<slug>/meetings/manage")
@login_required
def manage(slug: str):
    event = _organiser_event(slug)
    settings = get_settings(event)
    meetings = _event_meetings(event)
    request_counts = dict(db.session.execute(select(MeetingRequest.status, func.count()).where(
        MeetingRequest.event_id == event.id).group_by(MeetingRequest.status)).all())
    return render_template("meetings/manage.html", event=event, settings=settings, meetings=meetings,
                           request_counts=request_counts, statuses=list(RequestStatus),
                           no_shows=[m for m in meetings if m.no_show_at is not None])


@bp.get("/events/<slug>/meetings/export.csv")
@login_required
def export(slug: str):
    event = _organiser_event(slug)
    data = exports.meetings_csv(event, current_user)
    db.session.commit()  # the export is in the audit log
    return Response(data, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{event.slug}-meetings.csv"',
                             "Cache-Control": "private, no-store"})


# Auto-scheduler -----------------------------------------------------------------------------------

@bp.route("/events/<slug>/meetings/schedule", methods=["GET", "POST"])
@login_required
def schedule(slug: str):
    event = _organiser_event(slug)
    settings = get_settings(event)
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            run = scheduling.start_run(event, current_user, form.time_limit.data)
        except DialogueError as exc:
            refuse(exc)
            attach_error(form, exc)
        else:
            db.session.commit()
            scheduling.launch(current_app._get_current_object(), run.id)
            return redirect(url_for("meetings.schedule", slug=slug), 303)
    run = scheduling.latest_run(event)
    running = run is not None and run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    pending = db.session.scalar(select(func.count(MeetingRequest.id)).where(
        MeetingRequest.event_id == event.id, MeetingRequest.status == RequestStatus.PENDING)) or 0
    drafts = db.session.scalar(select(func.count(Meeting.id)).where(
        Meeting.event_id == event.id, Meeting.status == MeetingStatus.PROPOSED)) or 0
    unplaced = []
    if run is not None and run.status == RunStatus.DONE and run.report.get("unplaced"):
        ids = [int(k) for k in run.report["unplaced"]]
        reqs = {r.id: r for r in db.session.scalars(select(MeetingRequest).options(
            joinedload(MeetingRequest.supplier_org), joinedload(MeetingRequest.buyer_org),
            joinedload(MeetingRequest.intent)).where(MeetingRequest.id.in_(ids)))}
        unplaced = [(reqs[i], scheduling.REASON_LABELS.get(run.report["unplaced"][str(i)], "")) for i in ids if i in reqs]
    status = 400 if form.errors or form.form_errors else 200
    return render_template("meetings/schedule.html", event=event, settings=settings, form=form, run=run,
                           running=running, pending=pending, drafts=drafts, unplaced=unplaced,
                           button=ButtonForm()), status


def _grid(event, meetings):
    slots = [s for s in setup.list_slots(event)]
    locations = setup.list_locations(event)
    cells = {(m.slot_id, m.location_id): m for m in meetings}
    unseated = defaultdict(list)
    for m in meetings:
        if m.location_id is None:
            unseated[m.slot_id].append(m)
    people = defaultdict(list)
    for m in meetings:
        for p in m.participants:
            if p.user is not None:  # an erased person has no schedule of their own
                people[p.user].append(m)
    people_sorted = sorted(people.items(), key=lambda item: (item[0].name.lower(), item[0].id))
    return slots, locations, cells, unseated, people_sorted


@bp.get("/events/<slug>/meetings/preview")
@login_required
def preview(slug: str):
    event = _organiser_event(slug)
    meetings = _event_meetings(event, (MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED))
    slots, locations, cells, unseated, people = _grid(event, meetings)
    return render_template("meetings/preview.html", event=event, settings=get_settings(event), meetings=meetings,
                           slots=slots, locations=locations, cells=cells, unseated=unseated, people=people,
                           drafts=sum(1 for m in meetings if m.status == MeetingStatus.PROPOSED),
                           button=ButtonForm())


@bp.post("/events/<slug>/meetings/<int:meeting_id>/lock")
@login_required
def lock(slug: str, meeting_id: int):
    return _set_lock(slug, meeting_id, True)


@bp.post("/events/<slug>/meetings/<int:meeting_id>/unlock")
@login_required
def unlock(slug: str, meeting_id: int):
    return _set_lock(slug, meeting_id, False)


def _set_lock(slug: str, meeting_id: int, locked: bool):
    event = _organiser_event(slug)
    meeting = db.get_or_404(Meeting, meeting_id)
    if meeting.event_id != event.id:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        scheduling.set_locked(meeting, locked)
    except DialogueError as exc:
        refuse(exc)
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Locked: the scheduler keeps this meeting.") if locked else _("Unlocked."), "success")
    return redirect(url_for("meetings.preview", slug=slug) + f"#meeting-{meeting_id}", 303)


@bp.post("/events/<slug>/meetings/publish")
@login_required
def publish(slug: str):
    event = _organiser_event(slug)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        count = scheduling.publish(event, current_user)
    except DialogueError as exc:
        refuse(exc)
        flash(exc.message, "error")
        return redirect(url_for("meetings.preview", slug=slug), 303)
    db.session.commit()
    flash(_("%(n)s meetings published; invitations are on their way.", n=count), "success")
    return redirect(url_for("meetings.manage", slug=slug), 303)


# Printable sheets ---------------------------------------------------------------------------------

@bp.get("/events/<slug>/meetings/sheets/tables")
@login_required
def table_sheets(slug: str):
    event = _organiser_event(slug)
    meetings = _event_meetings(event, (MeetingStatus.CONFIRMED,))
    slots, locations, cells, unseated, _people = _grid(event, meetings)
    return render_template("meetings/sheets_tables.html", event=event, slots=slots, locations=locations,
                           cells=cells)


@bp.get("/events/<slug>/meetings/sheets/people")
@login_required
def people_sheets(slug: str):
    event = _organiser_event(slug)
    meetings = _event_meetings(event, (MeetingStatus.CONFIRMED,))
    _slots, _locations, _cells, _unseated, people = _grid(event, meetings)
    return render_template("meetings/sheets_people.html", event=event, people=people, place=notify.place)
