"""The task queue: one huey instance, its storage chosen by ``TASK_QUEUE_URL``, and how a job runs.

The queue carries only a job's id. A job is put on the queue once the transaction that wrote its
row has committed (a rolled-back request leaves nothing behind), so services only add a ``Job``
row and never talk to the queue themselves. A task runs inside the application (its own app
context and database session), claims its job (queued -> running, one more attempt), writes a
heartbeat from a small timer thread of the worker while it works, and ends it done or failed.

A worker that is killed leaves its job running with a heartbeat that stops: ``reap`` (a periodic
task, also run when a worker starts) puts such a job back on the queue while it has attempts left,
else marks it failed with the reason. Every write of a job's progress and end is fenced by its
attempt number, so an attempt taken for dead that was only slow finds the job no longer its own
and its writes are rolled back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import time
from pathlib import Path
from typing import Callable

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from dialogue.core.databases import write_transaction
from dialogue.core.deferred import Deferred, deferred, source_of
from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import Job, JobStatus, utcnow
from dialogue.outbox import worker

# Read from the environment when the app is built (defaults in brackets):
SETTINGS = {
    "JOBS_HEARTBEAT_SECONDS": 10.0,  # how often a running job writes its heartbeat
    "JOBS_STALE_SECONDS": 60.0,      # a running job without a heartbeat this long lost its worker
    "JOBS_MAX_ATTEMPTS": 3,          # attempts before a job whose worker died is marked failed
    "JOBS_BATCH_SIZE": 50,           # recipients (or items) per committed batch
    "JOBS_WORKERS": 3,               # worker threads of `flask jobs worker` (one of them delivers mail)
}

huey = Huey("dialogue", results=False, immediate=True)  # storage set by ``init_queue``
_state: dict[str, Flask] = {}
_stop_flag = {"flag": threading.Event()}
WORKS: dict[str, Callable] = {}
TASKS: dict[str, Callable] = {}


class JobLost(Exception):
    """The job is no longer this attempt's own: it was taken for dead and given to another attempt."""


def init_queue(app: Flask) -> None:
    for name, default in SETTINGS.items():
        raw = os.environ.get(name)
        app.config.setdefault(name, type(default)(raw) if raw else default)
    url = app.config["TASK_QUEUE_URL"]
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": url}
    elif url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": str(path)}
    else:
        raise ValueError(f"TASK_QUEUE_URL must be sqlite:///path or redis://..., not {url!r}")
    # Tests run each task at once, in the calling thread, after the commit that queued it.
    huey._immediate = bool(app.config.get("TASK_QUEUE_IMMEDIATE", app.testing))
    huey.storage = huey.create_storage()
    _state["app"] = app
    app.extensions["dialogue.jobs"] = huey


def _note_new_jobs(session: Session, _context) -> None:
    # After a flush the new rows have their ids and ``session.new`` still lists them.
    new = [(obj.id, obj.kind) for obj in session.new if isinstance(obj, Job)]
    if new:
        session.info.setdefault("dialogue.jobs", []).extend(new)


def _send_after_commit(session: Session) -> None:
    for job_id, kind in session.info.pop("dialogue.jobs", []):
        try:
            enqueue(job_id, kind)
        except Exception:  # the change is committed: the job waits for the next worker start (``reap``)
            current_app.logger.exception("job %s could not be put on the queue", job_id)


def _forget_on_rollback(session: Session) -> None:
    session.info.pop("dialogue.jobs", None)


event.listen(Session, "after_flush", _note_new_jobs)
event.listen(Session, "after_commit", _send_after_commit)
event.listen(Session, "after_rollback", _forget_on_rollback)


def enqueue(job_id: int, kind: str) -> None:
    TASKS[kind](job_id)


@contextlib.contextmanager
def app_context():
    if huey.immediate and has_app_context():
        app = current_app._get_current_object()
    else:
        app = _state["app"]
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()


@contextlib.contextmanager
def keep_alive(beat: Callable[[], None], every: float, name: str):
    """Call ``beat`` every ``every`` seconds from a timer thread of this (worker) process while the block runs."""
    app = current_app._get_current_object()
    stopped = threading.Event()

    def loop():
        with app.app_context():
            while not stopped.wait(every):
                try:
                    beat()
                except Exception:  # a missed beat is no reason to stop the work
                    app.logger.exception("%s: heartbeat not written", name)
                finally:
                    db.session.remove()

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join()


class Run:
    """What a job's work sees: its row (read at the start), and the fenced way to record progress."""

    def __init__(self, job: Job):
        self.job_id = job.id
        self.kind = job.kind
        self.attempt = job.attempts
        self.event_id = job.event_id
        self.created_by_id = job.created_by_id
        self.params = dict(job.params or {})
        self.cursor = dict(job.cursor or {})
        self.message: str | Deferred = ""  # the result for the person: deferred("...") is shown in their language
        self.result_url: str | None = None
        self.result_file: str | None = None
        self.result_name: str | None = None

    def _mine(self):
        return (Job.id == self.job_id) & (Job.attempts == self.attempt) & (Job.status == JobStatus.RUNNING)

    @contextlib.contextmanager
    def batch(self):
        """One batch of work in one transaction (under SQLite's write lock), committed with its progress."""
        if db.session().in_transaction():
            db.session.commit()  # ends the reads before it (what they loaded is read again as needed)
        with write_transaction():
            yield

    def advance(self, done: int, *, total: int | None = None, cursor: dict | None = None,
                message: str | None = None) -> None:
        """Record progress in the caller's transaction, so the work of a batch and its bookmark commit
        together. Raises ``JobLost`` (the caller's transaction must roll back) when the job is not ours."""
        values = {"progress_done": done, "heartbeat_at": utcnow()}
        if total is not None:
            values["progress_total"] = total
        if cursor is not None:
            self.cursor = cursor
            values["cursor"] = cursor
        if message is not None:
            values.update(texts("message", message))
        if not db.session.execute(update(Job).where(self._mine()).values(**values)
                                  .execution_options(synchronize_session=False)).rowcount:
            raise JobLost(self.job_id)

    def report(self, done: int, total: int, message: str | Deferred, engine=None) -> None:
        """Progress written on its own (for work that reports from threads of its own, e.g. a solver)."""
        with (engine or db.engine).begin() as conn:
            conn.execute(update(Job).where(self._mine()).values(progress_done=done, progress_total=total,
                                                                heartbeat_at=utcnow(), **texts("message", message)))

    def beat(self) -> None:
        with db.engine.begin() as conn:
            conn.execute(update(Job).where(self._mine()).values(heartbeat_at=utcnow()))


def job_task(kind: str):
    """Register ``work(run)`` as the work of jobs of this kind; it commits its batches with ``run.advance``."""
    def decorate(work: Callable[[Run], None]):
        @huey.task(name=kind)
        def task(job_id: int) -> None:
            with app_context():
                run_job(job_id, work)

        WORKS[kind] = work
        TASKS[kind] = task
        return work
    return decorate


def run_job(job_id: int, work: Callable[[Run], None]) -> Job | None:
    now = utcnow()
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, attempts=Job.attempts + 1, started_at=now, heartbeat_at=now,
                finished_at=None, error=None)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:  # a copy of a message already taken, or a job that no longer exists
        return db.session.get(Job, job_id)
    run = Run(db.session.get(Job, job_id, populate_existing=True))
    db.session.commit()
    try:
        with keep_alive(run.beat, current_app.config["JOBS_HEARTBEAT_SECONDS"], f"job-{job_id}-heartbeat"):
            work(run)
        db.session.commit()
        _finish(run, JobStatus.DONE, error=None)
    except JobLost:
        db.session.rollback()
        current_app.logger.warning("job %s: taken over after attempt %s was taken for dead", job_id, run.attempt)
    except Exception as exc:  # the page must say it failed, not show it running for ever
        db.session.rollback()
        current_app.logger.exception("job %s (%s) failed", job_id, run.kind)
        # What the page shows: a refusal's own message, else a plain reason; the details stay in the log.
        _finish(run, JobStatus.FAILED, error=(exc.source or exc.message) if isinstance(exc, DialogueError) else
                deferred("The work stopped on an unexpected error. The details are in the server's log."))
    return db.session.get(Job, job_id, populate_existing=True)


def texts(column: str, text: str | Deferred | None) -> dict:
    """The values of a job's text column (``message``, ``error``): the text as written now, in the app's
    default language (the command line and the log read it), and its source, translated for each reader."""
    written = None if text is None else str(text)
    if written is not None and column == "message":
        written = written[:300]
    return {column: written, f"{column}_source": source_of(text)}


def _finish(run: Run, status: JobStatus, error: str | Deferred | None) -> None:
    values = {"status": status, "finished_at": utcnow(), "heartbeat_at": utcnow(), **texts("error", error)}
    if status == JobStatus.DONE:
        values.update(result_url=run.result_url, result_file=run.result_file, result_name=run.result_name,
                      **texts("message", run.message))
        # Work that counted nothing (one step) shows as one step done.
        db.session.execute(update(Job).where(run._mine(), Job.progress_total == 0)
                           .values(progress_total=1, progress_done=1).execution_options(synchronize_session=False))
    db.session.execute(update(Job).where(run._mine()).values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def reap(now: dt.datetime | None = None, *, queued: bool = False) -> dict[str, int]:
    """Running jobs whose heartbeat stopped go back on the queue, or fail once out of attempts.

    With ``queued`` (when a worker starts), queued jobs older than the staleness window are put on
    the queue again too: their message may have been lost (a queue emptied, or down when the job
    was committed). A second copy is harmless, only one attempt can claim the job; the periodic
    reaper leaves them alone, so a long queue does not fill up with copies.
    """
    now = now or utcnow()
    config = current_app.config
    cutoff = now - dt.timedelta(seconds=config["JOBS_STALE_SECONDS"])
    lost = (Job.status == JobStatus.RUNNING) & (Job.heartbeat_at < cutoff)
    if queued:
        lost = or_(lost, (Job.status == JobStatus.QUEUED) & (Job.created_at < cutoff))
    stale = list(db.session.execute(select(Job.id, Job.kind, Job.attempts, Job.status).where(lost)))
    counts = {"requeued": 0, "failed": 0}
    again = []
    for job_id, kind, attempts, status in stale:
        same = (Job.id == job_id) & (Job.attempts == attempts) & (Job.status == status)
        if status == JobStatus.QUEUED:
            again.append((job_id, kind))
        elif attempts < config["JOBS_MAX_ATTEMPTS"] and kind in TASKS:
            if db.session.execute(update(Job).where(same, Job.heartbeat_at < cutoff)
                                  .values(status=JobStatus.QUEUED, **texts("message", ""))).rowcount:
                counts["requeued"] += 1
                again.append((job_id, kind))
        else:
            counts["failed"] += db.session.execute(update(Job).where(same, Job.heartbeat_at < cutoff).values(
                status=JobStatus.FAILED, finished_at=now,
                **texts("error", deferred("its worker stopped during attempt %(n)s of %(most)s", n=attempts,
                                          most=config["JOBS_MAX_ATTEMPTS"])))).rowcount
    db.session.commit()
    for job_id, kind in again:
        if kind in TASKS:
            enqueue(job_id, kind)
    return counts


@huey.periodic_task(crontab(), name="jobs.reap")
def reap_task() -> None:
    with app_context():
        counts = reap()
        if any(counts.values()):
            current_app.logger.warning("jobs whose worker stopped: %s", counts)


@huey.periodic_task(crontab(), name="outbox.deliver")
@huey.lock_task("outbox.deliver")
def deliver_mail_task() -> None:
    """The outbox worker's loop, a minute at a time, inside the task worker (``flask outbox send`` still works)."""
    deadline = time.monotonic() + 55
    stop = _stop_flag["flag"]
    with app_context():
        while time.monotonic() < deadline and not stop.is_set():
            while sum(worker.deliver_due().values()) and not stop.is_set():
                pass
            db.session.remove()
            stop.wait(2)  # a worker shutting down does not wait for the rest of the minute


def watch_stop_flag(flag) -> None:
    """The consumer's stop flag, so the mail loop ends as soon as the worker is asked to stop."""
    _stop_flag["flag"] = flag
