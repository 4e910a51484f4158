"""Running the auto-scheduler on an event: from the database to the solver and back, and publishing.

A run reads the open requests, availability, caps, tables and the meetings that stay (published or
locked), solves outside any transaction (so progress can be written meanwhile), then replaces the
unlocked draft meetings with the new placements in one transaction. Nothing reaches participants
until the organiser publishes. A run started from the page is a job on the task queue
(``dialogue/jobs``): the web process only queues it, the worker solves.

One run at a time per event: a partial unique index allows one queued or running run per event,
so two organisers pressing the button at once get one run and a clear refusal. A running run
writes ``heartbeat_at`` when it starts and every few seconds while it solves (a timer thread of
the worker, or of the command); a run whose heartbeat (or, still queued, whose creation) is older
than the staleness window had its process go away: the next start marks it failed and goes ahead.
A run taken for dead that was only slow finds itself no longer running when it finishes and writes
nothing. When the worker dies under a run, the queue's reaper gives the job to a worker again,
which starts the run afresh unless a newer run has replaced it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from dialogue.audit.services import record_action
from dialogue.core.databases import flush_unique, write_transaction
from dialogue.core.deferred import Deferred, deferred, kept, ndeferred, source_of
from dialogue.core.errors import Conflict, DialogueError
from dialogue.core.urls import external_url
from dialogue.extensions import db
from dialogue.jobs.queue import Run, job_task, keep_alive
from dialogue.jobs.services import create_job
from dialogue.matching import priorities
from dialogue.meetings import notify, scheduler
from dialogue.meetings.i18n import _, _l
from dialogue.meetings.people import buyer_user_ids, get_settings, require_event_running
from dialogue.meetings.setup import list_locations, list_slots
from dialogue.models import (
    BusySlot,
    Event,
    Meeting,
    MeetingMode,
    MeetingParticipant,
    MeetingRequest,
    MeetingRequestAttendee,
    MeetingSide,
    MeetingStatus,
    RequestStatus,
    RunStatus,
    ScheduleRun,
    User,
    utcnow,
)

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

ACTIVE_RUN = (RunStatus.QUEUED, RunStatus.RUNNING)
# A run writes its heartbeat this often while it solves, and counts as dead after this long without.
HEARTBEAT_SECONDS = 10
STALE_SECONDS = 60


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
    pending = open_requests(event)
    # With the organisers' consent, a request about a planned tender that fits the supplier weighs a little more.
    fit = priorities.bonuses({(r.intent_id, r.supplier_org_id) for r in pending if r.intent_id}) \
        if settings.use_match_scores else {}
    for order, r in enumerate(pending):
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
            weight=4 + r.buyer_priority + r.requester_priority + fit.get((r.intent_id, r.supplier_org_id), 0),
            preferred=frozenset(p.slot_id for p in r.preferred_slots), order=order))
    inst = scheduler.Instance(slots=slots, tables=tables, requests=requests, busy=dict(busy), fixed=fixed,
                              cap_supplier=settings.max_meetings_per_supplier,
                              cap_buyer=settings.max_meetings_per_buyer)
    return inst, no_buyer


def _stale_cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=current_app.config.get("MEETINGS_RUN_STALE_SECONDS", STALE_SECONDS))


def is_stale(run: ScheduleRun, now: dt.datetime | None = None) -> bool:
    """True when an active run's process has stopped writing its heartbeat (a queued one: never started)."""
    last = run.heartbeat_at or run.started_at or run.created_at
    return run.status in ACTIVE_RUN and last < _stale_cutoff(now or utcnow())


def start_run(event: Event, user: User | None, time_limit: int, now: dt.datetime | None = None) -> ScheduleRun:
    """Create a run (one at a time per event). ``queue_run`` gives it to the worker; the command runs it itself.

    A run that stopped without finishing (no heartbeat for a while) is marked failed and does not
    block; a live one does. The database's unique index settles two starts at the same moment.
    """
    now = now or utcnow()
    require_event_running(event)
    settings = get_settings(event)
    if settings is None or settings.mode != MeetingMode.ORGANISER:
        raise DialogueError(_("The auto-scheduler is for events where the organisers schedule the meetings."))
    if not 1 <= time_limit <= 600:
        raise DialogueError(_("Give the scheduler between 1 and 600 seconds."), field="time_limit")
    active = (ScheduleRun.event_id == event.id) & ScheduleRun.status.in_(ACTIVE_RUN)
    busy = db.session.scalars(select(ScheduleRun).where(active).execution_options(populate_existing=True))
    if any(not is_stale(run, now) for run in busy):
        raise Conflict(_("The scheduler is already running for this event."))
    # Their processes went away. Staleness is checked again in the WHERE: a run that has just
    # written a heartbeat is left alone (and then refuses the new run through the unique index).
    last_sign = func.coalesce(ScheduleRun.heartbeat_at, ScheduleRun.started_at, ScheduleRun.created_at)
    db.session.execute(update(ScheduleRun).where(active, last_sign < _stale_cutoff(now))
                       .values(status=RunStatus.FAILED, finished_at=now,
                               **_texts(deferred("stopped without finishing")))
                       .execution_options(synchronize_session=False))
    run = ScheduleRun(event_id=event.id, status=RunStatus.QUEUED, time_limit=time_limit, progress=0, report={},
                      created_by_id=user.id if user else None, created_at=now, **_texts(deferred("waiting to start")))
    # Another start may have won the race (or the dead run came back to life): one run per event.
    flush_unique(_("The scheduler is already running for this event."), run)
    record_action(user, "meetings.schedule_run", f"Started the auto-scheduler (run {run.id}, at most "
                  f"{time_limit} s)", event=event, run_id=run.id)
    return run


JOB_KIND = "meetings.schedule"


def queue_run(event: Event, user: User, time_limit: int) -> ScheduleRun:
    """Start a run (``start_run``) as a job for the task-queue worker; it is queued when the caller commits."""
    run = start_run(event, user, time_limit)
    create_job(JOB_KIND, user=user, event=event, params={"run_id": run.id},
               message=deferred("waiting to start"))
    return run


@job_task(JOB_KIND)
def run_in_worker(job: Run) -> None:
    run_id = job.params["run_id"]
    if job.attempt > 1:
        # The worker of the earlier attempt died (the reaper took the job back): start the run again,
        # unless it has ended or another start has already marked it failed meanwhile.
        db.session.execute(update(ScheduleRun).where(ScheduleRun.id == run_id, ScheduleRun.status == RunStatus.RUNNING)
                           .values(status=RunStatus.QUEUED, progress=0)
                           .execution_options(synchronize_session=False))
        db.session.commit()
    engine = db.engine

    def progress(fraction: float, message: Deferred) -> None:
        job.report(int(fraction * 100), 100, message, engine)

    run = execute_run(run_id, on_progress=progress)
    job.message = kept(run.message_source, run.message)
    if run.status == RunStatus.FAILED:
        raise DialogueError(job.message)
    job.result_url = external_url("meetings.schedule", slug=db.session.get(Event, run.event_id).slug)


def _texts(message: str | Deferred) -> dict:
    """A run's message as written now (the command line reads it) and its source, shown in each reader's language."""
    return {"message": str(message)[:300], "message_source": source_of(message)}


def _write_progress(run_id: int, fraction: float, message: str | Deferred, engine=None) -> None:
    # The solver may report from its own threads, outside the application context: callers pass the engine.
    with (engine or db.engine).begin() as conn:
        conn.execute(update(ScheduleRun).where(ScheduleRun.id == run_id, ScheduleRun.status == RunStatus.RUNNING)
                     .values(progress=int(max(0.0, min(fraction, 1.0)) * 100), heartbeat_at=utcnow(),
                             **_texts(message)))


def _beat(run_id: int) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(ScheduleRun).where(ScheduleRun.id == run_id, ScheduleRun.status == RunStatus.RUNNING)
                     .values(heartbeat_at=utcnow()))


def execute_run(run_id: int, echo=None, on_progress=None) -> ScheduleRun:
    """Solve and write the drafts. ``echo`` gets progress lines (the command line prints them),
    ``on_progress(fraction, message)`` the same figures (the job's progress bar).

    Starts only a queued run, and writes its drafts only while the run is still its own (not taken
    for dead meanwhile); the drafts are replaced under the write lock.
    """
    now = utcnow()
    started = db.session.execute(
        update(ScheduleRun).where(ScheduleRun.id == run_id, ScheduleRun.status == RunStatus.QUEUED)
        .values(status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, **_texts(deferred("reading requests")))
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    run = db.session.get(ScheduleRun, run_id, populate_existing=True)
    if not started:
        return run
    event = db.session.get(Event, run.event_id)
    time_limit = run.time_limit
    last = [0.0]
    engine = db.engine

    def progress(fraction: float, message: Deferred) -> None:
        if echo is not None:
            echo(f"{int(fraction * 100):3d}% {message}")
        if time.monotonic() - last[0] >= 0.5 or fraction >= 1.0:
            last[0] = time.monotonic()
            _write_progress(run_id, fraction, message, engine)
            if on_progress is not None:
                on_progress(fraction, message)

    try:
        inst, no_buyer = build_instance(event)
        db.session.commit()  # no transaction stays open while the solver works
        every = current_app.config.get("MEETINGS_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS)
        with keep_alive(lambda: _beat(run_id), every, f"meetings-heartbeat-{run_id}"):
            result = scheduler.solve(inst, time_limit, progress=progress,
                                     workers=current_app.config.get("MEETINGS_SOLVER_WORKERS", 0))
        with write_transaction():
            run = db.session.get(ScheduleRun, run_id, populate_existing=True, with_for_update=True)
            if run.status != RunStatus.RUNNING:
                return run  # taken for dead while it solved: another run may be writing drafts
            placed = apply_result(event, inst, result)
            report = result.as_report()
            report["placed"] = placed
            report["unplaced"].update({str(rid): REASON_NO_BUYER for rid in no_buyer})
            report["requests"] = len(inst.requests) + len(no_buyer)
            run.report = report
            run.status = RunStatus.DONE
            run.progress = 100
            run.assign(**_texts(ndeferred("%(num)s meeting placed", "%(num)s meetings placed", placed)))
            run.finished_at = utcnow()
            record_action(None, "meetings.schedule_done", f"The auto-scheduler (run {run.id}) placed {placed} of "
                          f"{report['requests']} requested meetings as drafts", event=event, run_id=run.id,
                          placed=placed, unplaced=len(report["unplaced"]))
    except Exception as exc:  # the page must show that it failed, not spin forever
        db.session.rollback()
        current_app.logger.exception("schedule run %s failed", run_id)
        db.session.execute(update(ScheduleRun).where(ScheduleRun.id == run_id, ScheduleRun.status == RunStatus.RUNNING)
                           .values(status=RunStatus.FAILED, finished_at=utcnow(),
                                   **_texts(deferred("failed: %(error)s", error=exc.__class__.__name__)))
                           .execution_options(synchronize_session=False))
        db.session.commit()
        run = db.session.get(ScheduleRun, run_id, populate_existing=True)
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
            for attendee, org_id in zip(request.attendees, orgs, strict=True):
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
    require_event_running(event)
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
