"""A large event's record ZIP is built by the task-queue worker into a file the organisers download.

A record names every registration, meeting, answer and audit entry of the event: for a few hundred
registrations it is built within the request (as before), for more it is a job (``RECORD_ZIP_INLINE_REGISTRATIONS``),
so a big event's ZIP never holds a web worker for seconds.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from dialogue.core.deferred import deferred
from dialogue.extensions import db
from dialogue.jobs.queue import Run, job_task
from dialogue.jobs.services import create_job, write_result_file
from dialogue.models import Event, Job, Registration, User
from dialogue.record import archive, services

ZIP_JOB = "record.event_zip"
INLINE_REGISTRATIONS = 300


def is_large(event: Event) -> bool:
    limit = current_app.config.get("RECORD_ZIP_INLINE_REGISTRATIONS", INLINE_REGISTRATIONS)
    count = db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event.id))
    return count > limit


def queue_event_zip(event: Event, actor: User) -> Job:
    """Taking the record is logged now, when it is asked for; the worker builds the file."""
    services.record_export(event, actor, "ZIP")
    job = create_job(ZIP_JOB, user=actor, event=event, params={"event_id": event.id})
    job.progress_total = 2
    return job


@job_task(ZIP_JOB)
def build_event_zip(run: Run) -> None:
    event = db.session.get(Event, run.params["event_id"])
    viewer = db.session.get(User, run.created_by_id) if run.created_by_id else None
    record = services.build_event_record(event, viewer)
    data = archive.event_zip(record)
    with run.batch():
        run.advance(1, message=deferred("record read; writing the ZIP"))
    run.result_file = write_result_file(run.job_id, ".zip", lambda fh: fh.write(data))
    run.result_name = f"{event.slug}-consultation-record.zip"
    run.message = deferred("The consultation record is ready.")
