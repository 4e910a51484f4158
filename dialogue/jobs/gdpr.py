"""What long jobs keep: their rows, and the files they built (an event's record ZIP holds every
registration and answer of the event). The files go after a short period; the newest public OCDS
package stays, since it is what ``/intents/ocds.json`` serves."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from dialogue.extensions import db
from dialogue.gdpr.retention import RetentionRule
from dialogue.jobs.services import jobs_dir
from dialogue.models import Job, JobStatus, User


def export(user: User) -> dict[str, list[dict]]:
    jobs = db.session.scalars(select(Job).where(Job.created_by_id == user.id).order_by(Job.id))
    return {"jobs_started": [{"kind": job.kind, "status": job.status.value, "created_at": job.created_at,
                              "finished_at": job.finished_at} for job in jobs]}


def erase(user: User) -> None:
    # A job stays with its event (a bulk message sent is part of the record); who started it goes.
    db.session.execute(update(Job).where(Job.created_by_id == user.id).values(created_by_id=None)
                       .execution_options(synchronize_session=False))


def _expired(cutoff: dt.datetime):
    newest_public = select(func.max(Job.id)).where(Job.status == JobStatus.DONE, Job.event_id.is_(None),
                                                   Job.result_file.is_not(None)).group_by(Job.kind)
    return select(Job).where(Job.status == JobStatus.DONE, Job.result_file.is_not(None), Job.finished_at < cutoff,
                             Job.id.not_in(newest_public))


def _orphans(cutoff: dt.datetime) -> list:
    """Files no job names any more (the event or the job was deleted), older than the cut-off."""
    folder = jobs_dir()
    if not folder.is_dir():
        return []
    named = set(db.session.scalars(select(Job.result_file).where(Job.result_file.is_not(None))))
    return [path for path in folder.iterdir() if path.is_file() and path.name not in named
            and dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc) < cutoff]


def _count(cutoff: dt.datetime) -> int:
    return len(db.session.scalars(_expired(cutoff)).all()) + len(_orphans(cutoff))


def _apply(cutoff: dt.datetime) -> int:
    removed = 0
    for job in db.session.scalars(_expired(cutoff)).all():
        (jobs_dir() / job.result_file).unlink(missing_ok=True)
        job.result_file = None
        removed += 1
    for path in _orphans(cutoff):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


RETENTION = [RetentionRule(
    "RETENTION_JOB_FILES_DAYS", 2,
    _l("Files built by long jobs (an event's record as a ZIP, the OCDS package) are deleted this long after "
       "they were built; they can be built again. The newest public OCDS package stays."),
    _count, _apply)]
