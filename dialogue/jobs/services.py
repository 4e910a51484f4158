"""Jobs as features create them, who may see them, and the files they build.

A feature asks for long work with ``create_job`` inside its own transaction; the job goes on the
queue when that transaction commits (see ``queue.py``). Only the person who asked and the
organisers of the job's event may see a job and what it made.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from dialogue.core.errors import NotAllowed, NotFound
from dialogue.events.access import is_organiser
from dialogue.extensions import db
from dialogue.models import Event, Job, JobStatus, User


def create_job(kind: str, *, user: User | None, event: Event | None = None, params: dict | None = None,
               message: str = "") -> Job:
    """A job row in the caller's transaction; it is queued when the caller commits."""
    job = Job(kind=kind, status=JobStatus.QUEUED, params=params or {}, created_by_id=user.id if user else None,
              event_id=event.id if event else None, message=message or _("waiting for a worker"))
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


def jobs_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "jobs"


def result_path(job: Job) -> Path | None:
    if job.status != JobStatus.DONE or not job.result_file:
        return None
    path = jobs_dir() / job.result_file
    return path if path.is_file() else None


def write_result_file(job_id: int, suffix: str, write) -> str:
    """Build a result file under UPLOAD_DIR/jobs atomically (``write(fileobj)``); returns its stored name.

    The name is unguessable, and a worker that dies while writing leaves only a ``.part`` file.
    """
    folder = jobs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{job_id}-{uuid.uuid4().hex}{suffix}"
    partial = folder / (name + ".part")
    with open(partial, "wb") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, folder / name)
    return name
