"""The release package of every public intent, built by the task-queue worker when it is large.

Up to ``OCDS_INLINE_INTENTS`` intents the package is built in the request, as it always was (a few
hundred releases take a fraction of a second). Beyond that the worker builds it into a file, in chunks
with progress: every ten minutes on its own, or when someone signed in asks for it (the job's page then
shows the progress and the download); ``/intents/ocds.json`` serves the latest file.
"""

from __future__ import annotations

import json

from flask import Response, current_app
from flask_babel import gettext as _
from huey import crontab
from sqlalchemy import select

from dialogue.core.deferred import deferred, ndeferred
from dialogue.core.errors import Conflict
from dialogue.extensions import db
from dialogue.intents import ocds
from dialogue.jobs.queue import Run, app_context, huey, job_task
from dialogue.jobs.services import create_job, send_result, write_result_file
from dialogue.models import Job, JobStatus, User

PACKAGE_JOB = "intents.ocds_package"
INLINE_INTENTS = 1000
CHUNK = 500
FILE_NAME = "dialogue-intents-ocds.json"


def is_large(intent_ids: list[int]) -> bool:
    return len(intent_ids) > current_app.config.get("OCDS_INLINE_INTENTS", INLINE_INTENTS)


def queue_package(user: User | None) -> Job | None:
    """A build of the whole package, queued when the caller commits. One build at a time: while one is
    waiting or running, the person who asked for it gets it again, anyone else is told to wait, and the
    periodic refresh queues nothing."""
    unfinished = db.session.scalar(select(Job).where(Job.kind == PACKAGE_JOB,
                                                     Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)))
                                   .order_by(Job.id).limit(1))
    if unfinished is None:
        return create_job(PACKAGE_JOB, user=user)
    if user is not None and unfinished.created_by_id == user.id:
        return unfinished
    if user is None:
        return None
    raise Conflict(_("The package is being built already; it is served here as soon as it is ready."))


def send_latest_package(**options) -> Response | None:
    """The file of the newest package the worker finished as a response (``options`` as for
    ``flask.send_file``), wherever the worker's host stored it; None while there is none."""
    job = db.session.scalar(select(Job).where(Job.kind == PACKAGE_JOB, Job.status == JobStatus.DONE)
                            .order_by(Job.finished_at.desc(), Job.id.desc()).limit(1))
    return send_result(job, **options)


def merge(parts: list[dict]) -> dict:
    """Packages of consecutive chunks as one package: their releases in order, the newest date, every extension."""
    merged = dict(parts[0])
    merged["releases"] = [release for part in parts for release in part["releases"]]
    merged["publishedDate"] = max(part["publishedDate"] for part in parts)
    extensions = sorted({url for part in parts for url in part.get("extensions", ())})
    if extensions:
        merged["extensions"] = extensions
    return merged


@job_task(PACKAGE_JOB)
def build_package(run: Run) -> None:
    ids = ocds.announced_intent_ids()
    parts = []
    for start in range(0, len(ids), CHUNK):
        parts.append(ocds.package(ocds.load(ids[start:start + CHUNK])))
        db.session.expunge_all()  # a chunk's intents are not needed once written out: memory stays flat
        with run.batch():
            done = min(start + CHUNK, len(ids))
            run.advance(done, total=len(ids),
                        message=ndeferred("%(num)d release written", "%(num)d releases written", done))
    package = merge(parts) if parts else ocds.package([])
    text = json.dumps(package, ensure_ascii=False, separators=(",", ":")).encode()
    run.result_file = write_result_file(run.job_id, ".json", lambda fh: fh.write(text))
    run.result_name = FILE_NAME
    run.message = deferred("The OCDS release package is ready.")


@huey.periodic_task(crontab(minute="*/10"), name="intents.ocds_package_refresh")
def refresh_package() -> None:
    """Keep the served file of a large package at most ten minutes behind."""
    with app_context():
        if is_large(ocds.announced_intent_ids()):
            queue_package(None)
            db.session.commit()
