"""Running the auto-scheduler on an event: from the database to the solver and back, and publishing.

A run reads the open requests, availability, caps, tables and the meetings that stay (published or
locked), solves outside any transaction (so progress can be written meanwhile), then replaces the
unlocked draft meetings with the new placements in one transaction. Nothing reaches participants
until the organiser publishes.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict

from flask import Flask, current_app
from dialogue.meetings.i18n import _, _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError
from dialogue.extensions import db
from dialogue.meetings import notify, scheduler
from dialogue.meetings.people import buyer_user_ids, get_settings
from dialogue.meetings.setup import list_locations, list_slots
from dialogue.models import (BusySlot, Event, Meeting, MeetingMode, MeetingParticipant, MeetingRequest,
                             MeetingRequestAttendee,
                             MeetingSide, MeetingStatus, RequestStatus, RunStatus, ScheduleRun, User, utcnow)

REASON_NO_BUYER = "no_buyer"
# Why a request was not placed, for the organisers' page (scheduler.REASONS is the solver's own English).
REASON_LABELS = {
    scheduler.REASON_NO_COMMON_SLOT: _l("no common free slot: the people never have a free slot at the same time"),
    scheduler.REASON_SLOTS_TAKEN: _l("no common free slot left: every shared free slot went to other meetings"),
    scheduler.REASON_SUPPLIER_CAP: _l("cap reached: the supplier organisation has its maximum number of meetings"),
    scheduler.REASON_BUYER_CAP: _l("cap reached: a buyer has the maximum number of meetings"),
    scheduler.REASON_NO_TABLE: _l("no table: every table big enough is taken in the shared free slots"),
    scheduler.REASON_LOWER_PRIORITY: _l("placing it would displace meetings of higher priority"),
    REASON_NO_BUYER: _l("no buyer of the organisation attends the event"),
}

_threads: dict[int, threading.Thread] = {}


def open_requests(event: Event) -> list[MeetingRequest]:
    """Pending requests that have no meeting yet: what the scheduler places."""
    return list(db.session.scalars(
        select(MeetingRequest).options(selectinload(MeetingRequest.attendees),
                                       selectinload(MeetingRequest.preferred_slots),
                                       selectinload(MeetingRequest.meeting))
        .where(MeetingRequest.event_id == event.id, MeetingRequest.status == RequestStatus.PENDING)
        .order_by(MeetingRequest.created_at, MeetingRequest.id)))


def build_instance(event: Event, now: dt.datetime | None = None):
    """The scheduler's view of the event. Returns (instance, requests left out for want of a buyer)."""
    now = now or utcnow()
    settings = get_settings(event)
    blocks: dict[int, list] = defaultdict(list)
    for slot in list_slots(event):
        if slot.starts_at > now:
            blocks[slot.block_id].append(slot)
    slots = [scheduler.Slot(id=s.id, block=b, index=i)
             for b, block_slots in enumerate(blocks.values()) for i, s in enumerate(block_slots)]
    locations = list_locations(event)
    tables = None if settings.virtual or not locations else [
        scheduler.Table(id=loc.id, capacity=loc.capacity) for loc in locations]
    busy: dict[int, set[int]] = defaultdict(set)
    for user_id, slot_id in db.session.execute(select(BusySlot.user_id, BusySlot.slot_id)
                                               .where(BusySlot.event_id == event.id)):
        busy[user_id].add(slot_id)
    fixed = []
    kept = db.session.scalars(select(Meeting).options(selectinload(Meeting.participants)).where(
        Meeting.event_id == event.id, Meeting.status != MeetingStatus.CANCELLED))
    for m in kept:
        if m.status == MeetingStatus.PROPOSED and not m.locked:
            continue  # an unlocked draft is placed again
        fixed.append(scheduler.Fixed(
            slot=m.slot_id, table=m.location_id if tables is not None else None, supplier=m.supplier_org_id,
            buyers=tuple(p.user_id for p in m.participants if p.side == MeetingSide.BUYER and p.user_id),
            suppliers=tuple(p.user_id for p in m.participants if p.side == MeetingSide.SUPPLIER and p.user_id)))
    requests, no_buyer = [], []
    acting_buyers = buyer_user_ids(event)  # who no longer acts as a buyer is not placed in a meeting as one
    for order, r in enumerate(open_requests(event)):
        if r.meeting is not None and r.meeting.status != MeetingStatus.CANCELLED and (
                r.meeting.locked or r.meeting.status == MeetingStatus.CONFIRMED):
            continue
        buyers = tuple(a.user_id for a in r.attendees
                       if a.side == MeetingSide.BUYER and a.user_id in acting_buyers)
        suppliers = tuple(a.user_id for a in r.attendees if a.side == MeetingSide.SUPPLIER)
        if not buyers or not suppliers:
            no_buyer.append(r.id)
            continue
        requests.append(scheduler.Request(
            id=r.id, supplier=r.supplier_org_id, buyers=buyers, suppliers=suppliers,
            weight=4 + r.buyer_priority + r.requester_priority,
            preferred=frozenset(p.slot_id for p in r.preferred_slots), order=order))
    inst = scheduler.Instance(slots=slots, tables=tables, requests=requests, busy=dict(busy), fixed=fixed,
                              cap_supplier=settings.max_meetings_per_supplier,
                              cap_buyer=settings.max_meetings_per_buyer)
    return inst, no_buyer


def start_run(event: Event, user: User | None, time_limit: int) -> ScheduleRun:
    """Queue a run (one at a time per event). The caller commits, then calls ``launch``."""
    settings = get_settings(event)
    if settings is None or settings.mode != MeetingMode.ORGANISER:
        raise DialogueError(_("The auto-scheduler is for events where the organisers schedule the meetings."))
    if not 1 <= time_limit <= 600:
        raise DialogueError(_("Give the scheduler between 1 and 600 seconds."), field="time_limit")
    busy = db.session.scalar(select(ScheduleRun).where(ScheduleRun.event_id == event.id,
                                                      ScheduleRun.status.in_((RunStatus.QUEUED, RunStatus.RUNNING))))
    if busy is not None:
        if busy.created_at < utcnow() - dt.timedelta(seconds=busy.time_limit + 600):
            busy.status = RunStatus.FAILED  # its process went away
            busy.message = _("stopped without finishing")
        else:
            raise Conflict(_("The scheduler is already running for this event."))
    run = ScheduleRun(event_id=event.id, status=RunStatus.QUEUED, time_limit=time_limit, progress=0,
                      message=_("waiting to start"), report={}, created_by_id=user.id if user else None)
    db.session.add(run)
    db.session.flush()
    record_action(user, "meetings.schedule_run", f"Started the auto-scheduler (run {run.id}, at most "
                  f"{time_limit} s)", event=event, run_id=run.id)
    return run


def launch(app: Flask, run_id: int) -> threading.Thread:
    """Run in a background thread of this process; the page follows the progress by reloading."""
    def target():
        with app.app_context():
            try:
                execute_run(run_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=target, name=f"meetings-schedule-{run_id}", daemon=True)
    _threads[run_id] = thread
    thread.start()
    return thread


def wait(run_id: int, timeout: float | None = None) -> None:
    thread = _threads.get(run_id)
    if thread is not None:
        thread.join(timeout)


def _write_progress(run_id: int, fraction: float, message: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(ScheduleRun).where(ScheduleRun.id == run_id).values(
            progress=int(max(0.0, min(fraction, 1.0)) * 100), message=message[:300]))


def execute_run(run_id: int, echo=None) -> ScheduleRun:
    """Solve and write the drafts. ``echo`` gets progress lines (the command line prints them)."""
    run = db.session.get(ScheduleRun, run_id)
    event = db.session.get(Event, run.event_id)
    run.status = RunStatus.RUNNING
    run.started_at = utcnow()
    run.message = _("reading requests")
    db.session.commit()
    last = [0.0]

    def progress(fraction: float, message: str) -> None:
        if echo is not None:
            echo(f"{int(fraction * 100):3d}% {message}")
        if time.monotonic() - last[0] >= 0.5 or fraction >= 1.0:
            last[0] = time.monotonic()
            _write_progress(run_id, fraction, message)

    try:
        inst, no_buyer = build_instance(event)
        db.session.commit()  # no transaction stays open while the solver works
        result = scheduler.solve(inst, run.time_limit, progress=progress,
                                 workers=current_app.config.get("MEETINGS_SOLVER_WORKERS", 0))
        placed = apply_result(event, inst, result)
        run = db.session.get(ScheduleRun, run_id)
        report = result.as_report()
        report["placed"] = placed
        report["unplaced"].update({str(rid): REASON_NO_BUYER for rid in no_buyer})
        report["requests"] = len(inst.requests) + len(no_buyer)
        run.report = report
        run.status = RunStatus.DONE
        run.progress = 100
        run.message = _("%(n)s meetings placed", n=placed)
        run.finished_at = utcnow()
        record_action(None, "meetings.schedule_done", f"The auto-scheduler (run {run.id}) placed {placed} of "
                      f"{report['requests']} requested meetings as drafts", event=event, run_id=run.id,
                      placed=placed, unplaced=len(report["unplaced"]))
        db.session.commit()
    except Exception as exc:  # the page must show that it failed, not spin forever
        db.session.rollback()
        current_app.logger.exception("schedule run %s failed", run_id)
        run = db.session.get(ScheduleRun, run_id)
        run.status = RunStatus.FAILED
        run.message = f"failed: {exc.__class__.__name__}"[:300]
        run.finished_at = utcnow()
        db.session.commit()
    return run


def apply_result(event: Event, inst: scheduler.Instance, result: scheduler.Result) -> int:
    """Replace the unlocked drafts with the new placements. Returns the number of drafts written."""
    drafts = list(db.session.scalars(select(Meeting.id).where(
        Meeting.event_id == event.id, Meeting.status == MeetingStatus.PROPOSED, Meeting.locked.is_(False))))
    if drafts:
        db.session.execute(delete(MeetingParticipant).where(MeetingParticipant.meeting_id.in_(drafts)))
        db.session.execute(delete(Meeting).where(Meeting.id.in_(drafts)))
    db.session.flush()
    db.session.expire_all()
    by_id = {r.id: r for r in db.session.scalars(select(MeetingRequest).options(
        selectinload(MeetingRequest.attendees).joinedload(MeetingRequestAttendee.user))
        .where(MeetingRequest.id.in_([p.request for p in result.placements])))} if result.placements else {}
    count = 0
    for placement in result.placements:
        request = by_id.get(placement.request)
        if request is None or request.status != RequestStatus.PENDING or request.meeting is not None:
            continue  # withdrawn or placed while the solver worked
        orgs = [request.supplier_org_id if a.side == MeetingSide.SUPPLIER else _org_of(a.user)
                for a in request.attendees]
        with db.session.no_autoflush:
            meeting = Meeting(event_id=event.id, request=request, slot_id=placement.slot,
                              location_id=placement.table, supplier_org_id=request.supplier_org_id,
                              intent_id=request.intent_id, topic=request.topic, agenda=request.agenda,
                              status=MeetingStatus.PROPOSED, sequence=0)
            db.session.add(meeting)
            for attendee, org_id in zip(request.attendees, orgs):
                meeting.participants.append(MeetingParticipant(user_id=attendee.user_id, side=attendee.side,
                                                               slot_id=placement.slot, organisation_id=org_id))
        count += 1
    db.session.flush()
    return count


def _org_of(user: User) -> int | None:
    return user.organisation.id if user.organisation else None


def latest_run(event: Event) -> ScheduleRun | None:
    return db.session.scalar(select(ScheduleRun).where(ScheduleRun.event_id == event.id)
                             .order_by(ScheduleRun.id.desc()).limit(1))


def set_locked(meeting: Meeting, locked: bool) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("This meeting is cancelled."))
    meeting.locked = locked
    db.session.flush()


def publish(event: Event, user: User, now: dt.datetime | None = None) -> int:
    """Draft meetings become confirmed and every participant gets the invitation."""
    now = now or utcnow()
    settings = get_settings(event)
    drafts = list(db.session.scalars(select(Meeting).options(selectinload(Meeting.participants))
                                     .where(Meeting.event_id == event.id, Meeting.status == MeetingStatus.PROPOSED)
                                     .with_for_update()))
    if not drafts:
        raise Conflict(_("There are no draft meetings to publish. Run the scheduler first."))
    for meeting in drafts:
        meeting.status = MeetingStatus.CONFIRMED
        meeting.created_by_id = user.id
        if meeting.request is not None:
            meeting.request.status = RequestStatus.ACCEPTED
            meeting.request.decided_at = now
            meeting.request.decided_by_id = user.id
    settings.published_at = now
    db.session.flush()
    record_action(user, "meetings.publish", f"Published {len(drafts)} scheduled meetings; every participant is "
                  "invited", event=event, meetings=len(drafts))
    for meeting in drafts:
        notify.invite(meeting)
    return len(drafts)
