"""What long jobs keep: their rows, and the files they built (an event's record ZIP holds every
registration and answer of the event). The files go after a short period; the newest public OCDS
package stays, since it is what ``/intents/ocds.json`` serves."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from dialogue.extensions import db
from dialogue.gdpr.retention import RetentionRule
from dialogue.jobs.services import is_stored_name, jobs_dir, result_storage
from dialogue.models import Job, JobStatus, User, utcnow


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


def _named() -> set[str]:
    return set(db.session.scalars(select(Job.result_file).where(Job.result_file.is_not(None))))


def _unnamed_stored() -> list[str]:
    """Stored results no job names any more (the job expired, or the event or the job was deleted)."""
    named = _named()
    return [name for name in result_storage().hashes() if name not in named]


def _old_local_files(cutoff: dt.datetime) -> list:
    """Local files no job names, older than the cut-off: results of older releases (``<job>-<uuid>.zip``)
    and what a worker that died while writing left."""
    folder = jobs_dir()
    if not folder.is_dir():
        return []
    named = _named()
    return [path for path in folder.iterdir() if path.is_file() and not is_stored_name(path.name)
            and path.name not in named
            and dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc) < cutoff]


def _count(cutoff: dt.datetime) -> int:
    # Unnamed stored files are counted whatever their age (the store is asked for ages only when deleting).
    return len(db.session.scalars(_expired(cutoff)).all()) + len(_unnamed_stored()) + len(_old_local_files(cutoff))


def _apply(cutoff: dt.datetime) -> int:
    """Expired jobs forget their file; then every stored file no job names is deleted once it is older
    than the cut-off. Identical files are stored once, so a file another job still names stays, and one
    a worker has just written for a job not yet committed is too young to go."""
    removed, forgotten = 0, set()
    for job in db.session.scalars(_expired(cutoff)).all():
        if is_stored_name(job.result_file):
            forgotten.add(job.result_file)
        else:
            (jobs_dir() / job.result_file).unlink(missing_ok=True)
        job.result_file = None
        removed += 1
    db.session.flush()
    storage, age = result_storage(), max(0.0, (utcnow() - cutoff).total_seconds())
    for name in _unnamed_stored():
        if storage.delete(name, older_than=age) and name not in forgotten:
            removed += 1  # a file whose job or event was deleted
    for path in _old_local_files(cutoff):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


RETENTION = [RetentionRule(
    "RETENTION_JOB_FILES_DAYS", 2,
    _l("Files built by long jobs (an event's record as a ZIP, the OCDS package) are deleted this long after "
       "they were built; they can be built again. The newest public OCDS package stays."),
    _count, _apply)]
