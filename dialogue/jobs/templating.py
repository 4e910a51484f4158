"""Template helpers: a job's texts in the reader's language (app-wide, as other features' pages include
``jobs/_progress.html``)."""

from __future__ import annotations

from dialogue.core.deferred import shown
from dialogue.jobs import bp
from dialogue.models import Job


@bp.app_template_global()
def job_message(job: Job) -> str:
    """The job's progress or result message, kept as its source by the worker, in the reader's language."""
    return shown(job.message_source, job.message) or ""


@bp.app_template_global()
def job_error(job: Job) -> str | None:
    """Why the job failed, in the reader's language."""
    return shown(job.error_source, job.error)


@bp.app_template_global()
def shown_text(source: dict | None, fallback: str | None) -> str:
    """Any text a worker kept with its source (a scheduler run's message), in the reader's language."""
    return shown(source, fallback) or ""
