"""Jobs as features create them, who may see them, and the files they build.

A feature asks for long work with ``create_job`` inside its own transaction; the job goes on the
queue when that transaction commits (see ``queue.py``). Only the person who asked and the
organisers of the job's event may see a job and what it made.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Response, current_app, send_file
from flask_babel import gettext as _

from dialogue.core.deferred import Deferred, deferred
from dialogue.core.errors import NotAllowed, NotFound
from dialogue.events.access import is_organiser
from dialogue.extensions import db
from dialogue.jobs.queue import texts
from dialogue.materials.storage import Storage, check_hash, get_storage
from dialogue.models import Event, Job, JobStatus, User

RESULTS_FOLDER = "jobs"


def create_job(kind: str, *, user: User | None, event: Event | None = None, params: dict | None = None,
               message: str | Deferred = "") -> Job:
    """A job row in the caller's transaction; it is queued when the caller commits."""
    job = Job(kind=kind, status=JobStatus.QUEUED, params=params or {}, created_by_id=user.id if user else None,
              event_id=event.id if event else None, **texts("message", message or deferred("waiting for a worker")))
    db.session.add(job)
    db.session.flush()
    return job


def may_see(job: Job, user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if job.created_by_id is not None and job.created_by_id == user.id:
        return True
    if job.event_id is not None:
        event = db.session.get(Event, job.event_id)
        return event is not None and is_organiser(event, user)
    return bool(user.is_admin)


def get_job_for(job_id: int, user: User | None) -> Job:
    """The job, for someone who may see it (else NotAllowed; a job that does not exist: NotFound)."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound(_("There is no such job."))
    if not may_see(job, user):
        raise NotAllowed(_("Only the person who started this job and the event's organisers may see it."))
    return job


def result_storage() -> Storage:
    """Where job results live: the shared store (``STORAGE_URL``) when there is one, so that a file a
    worker built on one host downloads from any other, else ``UPLOAD_DIR/jobs`` (one host)."""
    return get_storage(RESULTS_FOLDER)


def jobs_dir() -> Path:
    """The local folder of job results (files of older releases, named ``<job>-<uuid><suffix>``, stay here)."""
    return Path(current_app.config["UPLOAD_DIR"]) / RESULTS_FOLDER


def is_stored_name(name: str) -> bool:
    """A result in the store (named by its content's SHA-256), not an older release's local file."""
    try:
        check_hash(name)
    except ValueError:
        return False
    return True


def has_result(job: Job) -> bool:
    if job.status != JobStatus.DONE or not job.result_file:
        return False
    if is_stored_name(job.result_file):
        return result_storage().exists(job.result_file)
    return (jobs_dir() / job.result_file).is_file()


def send_result(job: Job | None, **options) -> Response | None:
    """The job's file as a response (``options`` as for ``flask.send_file``); None when there is none."""
    if job is None or job.status != JobStatus.DONE or not job.result_file:
        return None
    if is_stored_name(job.result_file):
        options.setdefault("download_name", job.result_name or f"job-{job.id}")
        return result_storage().send(job.result_file, **options)
    path = jobs_dir() / job.result_file
    options.setdefault("download_name", job.result_name or path.name)
    return send_file(path, **options) if path.is_file() else None


def write_result_file(job_id: int, suffix: str, write) -> str:
    """Build a result file (``write(fileobj)``) and put it in the result store; returns its stored name.

    The file is written to a temporary file first and enters the store whole (an atomic rename on
    disk, one PUT to a bucket), so a worker that dies while writing leaves nothing under a name.
    """
    with tempfile.TemporaryFile(prefix=f"job-{job_id}-", suffix=suffix) as fh:
        write(fh)
        size = fh.tell()
        fh.seek(0)
        staged = result_storage().receive(fh, max_bytes=size)
    try:
        staged.keep()
    finally:
        staged.discard()
    return staged.sha256
