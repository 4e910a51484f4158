"""A job's page (progress bar, then its result) and its status as JSON for the page's script."""

from __future__ import annotations

from flask import jsonify, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import attempt
from dialogue.core.errors import NotFound
from dialogue.jobs import bp, services
from dialogue.jobs.templating import job_error, job_message
from dialogue.models import Job


def status_of(job: Job) -> dict:
    download = services.has_result(job)
    return {"id": job.id, "kind": job.kind, "status": job.status.value, "status_label": str(job.status.label),
            "done": job.progress_done, "total": job.progress_total, "percent": job.percent,
            "message": job_message(job), "finished": job.finished,
            "error": job_error(job) if job.finished else None,
            "result_url": job.result_url,
            "download_url": url_for("jobs.download", job_id=job.id) if download else None}


@bp.get("/jobs/<int:job_id>")
@login_required
def show(job_id: int):
    job = attempt(lambda: services.get_job_for(job_id, current_user))
    return render_template("jobs/show.html", job=job, status=status_of(job))


@bp.get("/jobs/<int:job_id>/status.json")
@login_required
def status(job_id: int):
    job = attempt(lambda: services.get_job_for(job_id, current_user))
    response = jsonify(status_of(job))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/jobs/<int:job_id>/download")
@login_required
def download(job_id: int):
    job = attempt(lambda: services.get_job_for(job_id, current_user))
    response = services.send_result(job, as_attachment=True)
    if response is None:
        raise NotFound(_("The file is not ready yet: wait until the job is done."))
    response.headers["Cache-Control"] = "private, no-store"
    return response
