"""The real worker (`flask --app wsgi jobs worker`) as a process: killed with SIGKILL in the middle of a
bulk send, it leaves the job running; started again, it takes the job up after the last committed batch
and finishes it, and nobody gets the message twice. Out of attempts, the job is marked failed instead."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import Job, JobStatus, OutboxMessage
from dialogue.registrations import notify

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = 120


@pytest.fixture
def config_overrides(tmp_path):
    # This test talks to a real worker through the embedded queue, not in immediate mode.
    return {"TASK_QUEUE_IMMEDIATE": False, "TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'tasks.db'}"}


@pytest.fixture
def start_worker(app, tmp_path, database_url):
    started: list[subprocess.Popen] = []

    def start(**settings) -> subprocess.Popen:
        flask = Path(sys.executable).with_name("flask")
        env = {**os.environ, "DATABASE_URL": database_url, "TASK_QUEUE_URL": app.config["TASK_QUEUE_URL"],
               "SECRET_KEY": "worker-test-key", "UPLOAD_DIR": str(tmp_path / "uploads"), "MAIL_PORT": "9",
               "BASE_URL": "http://dialogue.test", "PYTHONPATH": str(ROOT),
               "JOBS_BATCH_SIZE": "1", "JOBS_HEARTBEAT_SECONDS": "0.2", "JOBS_STALE_SECONDS": "2",
               **{key: str(value) for key, value in settings.items()}}
        with open(tmp_path / f"worker-{len(started)}.log", "wb") as log:
            process = subprocess.Popen([str(flask), "--app", "wsgi", "jobs", "worker", "--workers", "2"], cwd=ROOT,
                                       env=env, stdout=log, stderr=subprocess.STDOUT)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _job(job_id: int) -> Job:
    db.session.rollback()
    return db.session.get(Job, job_id, populate_existing=True)


def _wait_for(condition, what: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"waited {seconds} s for {what}")


def _bulk_job(make_event, make_registration, staff) -> Job:
    event = make_event(organiser=staff)
    for _ in range(RECIPIENTS):
        make_registration(event)
    job = notify.message_registrants(event, staff, subject="Slides", body="The slides are online.")
    db.session.commit()  # on the queue from here
    return job


def _kill_while_running(start_worker, job_id: int) -> Job:
    worker = start_worker()
    _wait_for(lambda: (job := _job(job_id)).status == JobStatus.RUNNING and job.progress_done > 0,
              "the worker to be part-way through the job")
    worker.send_signal(signal.SIGKILL)
    worker.wait(30)
    job = _job(job_id)
    assert job.status == JobStatus.RUNNING and 0 < job.progress_done < RECIPIENTS, (job.status, job.progress_done)
    return job


def _stale(job_id: int) -> bool:
    from dialogue.models import utcnow

    job = _job(job_id)
    return (utcnow() - job.heartbeat_at).total_seconds() > 2.5


def test_a_worker_killed_mid_job_leaves_it_to_the_next_worker_which_finishes_it_once(
        start_worker, make_event, make_registration, staff):
    job = _bulk_job(make_event, make_registration, staff)
    killed = _kill_while_running(start_worker, job.id)
    written = db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.category == "event.message"))
    assert written == killed.progress_done  # each batch committed with its bookmark, nothing more
    _wait_for(lambda: _stale(job.id), "the dead worker's heartbeat to go stale", 30)

    start_worker()  # reaps at start: the job goes back on the queue and runs again
    done = _wait_for(lambda: (j := _job(job.id)).finished and j, "the job to finish")
    assert done.status == JobStatus.DONE and done.attempts == 2, (done.status, done.error)
    assert done.progress_done == RECIPIENTS
    recipients = db.session.scalars(select(OutboxMessage.recipients)
                                    .where(OutboxMessage.category == "event.message")).all()
    assert len(recipients) == RECIPIENTS and len({r[0] for r in recipients}) == RECIPIENTS


def test_a_job_out_of_attempts_is_marked_failed_with_the_reason(start_worker, make_event, make_registration,
                                                                 staff):
    job = _bulk_job(make_event, make_registration, staff)
    _kill_while_running(start_worker, job.id)
    _wait_for(lambda: _stale(job.id), "the dead worker's heartbeat to go stale", 30)

    start_worker(JOBS_MAX_ATTEMPTS=1)
    failed = _wait_for(lambda: (j := _job(job.id)).finished and j, "the job to be marked failed")
    assert failed.status == JobStatus.FAILED and "worker stopped during attempt 1 of 1" in failed.error
    assert failed.attempts == 1
