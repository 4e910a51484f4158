"""Organisers' pages: set-up, the list of meetings and no-shows, the auto-scheduler, sheets, export."""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from dialogue.core.actions import page_views, perform
from dialogue.core.forms import ButtonForm
from dialogue.events.access import organiser_event_or_404
from dialogue.extensions import db
from dialogue.meetings import bp, exports, notify, queries, scheduling, setup
from dialogue.meetings.forms import BlockForm, LocationForm, ScheduleForm, SettingsForm
from dialogue.meetings.people import get_settings
from dialogue.models import (
    LocationKind,
    Meeting,
    MeetingBlock,
    MeetingLocation,
    MeetingMode,
    MeetingStatus,
    RequestStatus,
    RunStatus,
)


def _render_setup(event, settings_form=None, block_form=None, location_form=None):
    settings = get_settings(event)
    if settings_form is None:
        settings_form = SettingsForm(obj=settings) if settings else SettingsForm(
            mode=MeetingMode.REQUEST.value, slot_minutes=20, break_minutes=5, request_expiry_hours=48,
            max_supplier_staff=2, reminder_minutes=30)
        if settings:
            settings_form.mode.data = settings.mode.value
    return render_template("meetings/setup.html", event=event, settings=settings, settings_form=settings_form,
                           block_form=block_form or BlockForm(), location_form=location_form or LocationForm(),
                           blocks=setup.list_blocks(event), slot_counts=queries.slot_counts(event),
                           locations=setup.list_locations(event), button=ButtonForm())


@bp.route("/events/<slug>/meetings/setup", methods=["GET", "POST"])
@login_required
def setup_page(slug: str):
    event = organiser_event_or_404(slug)
    form = SettingsForm()
    if not form.is_submitted():
        return _render_setup(event)
    return perform(
        lambda: setup.save_settings(
            event, mode=MeetingMode(form.mode.data), slot_minutes=form.slot_minutes.data,
            break_minutes=form.break_minutes.data, request_expiry_hours=form.request_expiry_hours.data,
            max_meetings_per_supplier=form.max_meetings_per_supplier.data,
            max_meetings_per_buyer=form.max_meetings_per_buyer.data,
            max_requests_per_supplier=form.max_requests_per_supplier.data,
            max_supplier_staff=form.max_supplier_staff.data, reminder_minutes=form.reminder_minutes.data,
            virtual=form.virtual.data, virtual_link_template=(form.virtual_link_template.data or "").strip()),
        to=url_for("meetings.setup_page", slug=slug), form=form,
        page=lambda: _render_setup(event, settings_form=form), success=_("Meeting settings saved."))


# endpoint: (path, where on the page, form, the change, message, the form's name there, the row removed)
page_views(bp, "/events/<slug>/meetings/{path}", {
    "add_block": ("blocks", "#blocks", BlockForm,
                  lambda event, form, _item: setup.add_block(event, form.day.data, form.start.data, form.end.data),
                  lambda block: ngettext("Meeting block added with %(num)s slot.",
                                         "Meeting block added with %(num)s slots.", len(block.slots)), "block_form"),
    "delete_block": ("blocks/<int:block_id>/delete", "#blocks", ButtonForm,
                     lambda event, _form, block: setup.delete_block(event, block, actor=current_user),
                     _l("Meeting block removed."), None, MeetingBlock),
    "add_location": ("locations", "#locations", LocationForm,
                     lambda event, form, _item: setup.add_locations(
                         event, label=form.label.data, count=form.count.data, capacity=form.capacity.data,
                         kind=LocationKind(form.kind.data)),
                     lambda created: _("%(n)s meeting place(s) added.", n=len(created)), "location_form"),
    "delete_location": ("locations/<int:location_id>/delete", "#locations", ButtonForm,
                        lambda event, _form, location: setup.delete_location(event, location, actor=current_user),
                        _l("Meeting place removed."), None, MeetingLocation),
}, load=organiser_event_or_404, render=_render_setup,
           to=lambda event, anchor: url_for("meetings.setup_page", slug=event.slug) + anchor)


# Overview, export ---------------------------------------------------------------------------------

@bp.get("/events/<slug>/meetings/manage")
@login_required
def manage(slug: str):
    event = organiser_event_or_404(slug)
    meetings = queries.event_meetings(event)
    return render_template("meetings/manage.html", event=event, settings=get_settings(event), meetings=meetings,
                           request_counts=queries.request_counts(event), statuses=list(RequestStatus),
                           no_shows=[m for m in meetings if m.no_show_at is not None])


@bp.get("/events/<slug>/meetings/export.csv")
@login_required
def export(slug: str):
    event = organiser_event_or_404(slug)
    data = exports.meetings_csv(event, current_user)
    db.session.commit()  # the export is in the audit log
    return Response(data, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{event.slug}-meetings.csv"',
                             "Cache-Control": "private, no-store"})


# Auto-scheduler -----------------------------------------------------------------------------------

@bp.route("/events/<slug>/meetings/schedule", methods=["GET", "POST"])
@login_required
def schedule(slug: str):
    event = organiser_event_or_404(slug)
    form = ScheduleForm()

    def page():
        run = scheduling.latest_run(event)
        # A run whose process stopped sending heartbeats is shown as failed; the next start marks it so.
        stalled = run is not None and scheduling.is_stale(run)
        running = run is not None and run.status in (RunStatus.QUEUED, RunStatus.RUNNING) and not stalled
        return render_template("meetings/schedule.html", event=event, settings=get_settings(event), form=form,
                               run=run, running=running, stalled=stalled,
                               pending=queries.pending_request_count(event), drafts=queries.draft_count(event),
                               unplaced=queries.unplaced_requests(run, scheduling.REASON_LABELS),
                               button=ButtonForm())

    if request.method == "GET":
        return page()
    # The run goes to the task-queue worker once it is committed; this page follows its progress.
    return perform(lambda: scheduling.queue_run(event, current_user, form.time_limit.data), form=form, page=page,
                   to=url_for("meetings.schedule", slug=slug))


@bp.get("/events/<slug>/meetings/preview")
@login_required
def preview(slug: str):
    event = organiser_event_or_404(slug)
    meetings = queries.event_meetings(event, (MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED))
    slots, locations, cells, unseated, people = queries.grid(event, meetings)
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
    event = organiser_event_or_404(slug)
    meeting = db.get_or_404(Meeting, meeting_id)
    if meeting.event_id != event.id:
        abort(404)
    return perform(lambda: scheduling.set_locked(meeting, locked),
                   to=url_for("meetings.preview", slug=slug) + f"#meeting-{meeting_id}", form=ButtonForm(),
                   success=_("Locked: the scheduler keeps this meeting.") if locked else _("Unlocked."))


@bp.post("/events/<slug>/meetings/publish")
@login_required
def publish(slug: str):
    event = organiser_event_or_404(slug)
    return perform(lambda: scheduling.publish(event, current_user),
                   to=url_for("meetings.manage", slug=slug),
                   success=lambda count: ngettext("%(num)s meeting published; its invitations are on their way.",
                                                  "%(num)s meetings published; invitations are on their way.", count),
                   form=ButtonForm(), back=url_for("meetings.preview", slug=slug))


# Printable sheets ---------------------------------------------------------------------------------

@bp.get("/events/<slug>/meetings/sheets/tables")
@login_required
def table_sheets(slug: str):
    event = organiser_event_or_404(slug)
    meetings = queries.event_meetings(event, (MeetingStatus.CONFIRMED,))
    slots, locations, cells, _unseated, _people = queries.grid(event, meetings)
    return render_template("meetings/sheets_tables.html", event=event, slots=slots, locations=locations,
                           cells=cells)


@bp.get("/events/<slug>/meetings/sheets/people")
@login_required
def people_sheets(slug: str):
    event = organiser_event_or_404(slug)
    meetings = queries.event_meetings(event, (MeetingStatus.CONFIRMED,))
    *_rest, people = queries.grid(event, meetings)
    return render_template("meetings/sheets_people.html", event=event, people=people, place=notify.place)
