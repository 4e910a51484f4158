"""Jobs on the queue: queued on commit, fenced by their attempt, reaped when their worker dies, seen only by
those who may; the queue's storage follows the configuration (SQLite file, or Redis)."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import pytest
from sqlalchemy import update

from dialogue.config import load_config
from dialogue.extensions import db
from dialogue.jobs import queue
from dialogue.models import Job, JobStatus, OutboxMessage, utcnow
from dialogue.registrations import notify


@pytest.fixture
def config_overrides(tmp_path):
    # Tests that switch immediate mode off leave their messages in a queue of their own.
    return {"TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'tasks.db'}"}


def _age_heartbeat(job_id: int, **values) -> None:
    db.session.execute(update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


@pytest.fixture
def bulk(make_event, make_registration, staff):
    event = make_event(organiser=staff)
    people = [make_registration(event) for _ in range(3)]

    def make() -> Job:
        return notify.message_registrants(event, staff, subject="Slides", body="Online now.")

    make.event, make.people = event, people
    return make


def test_a_job_is_queued_only_when_its_transaction_commits(bulk, outbox):
    job = bulk()
    assert outbox("event.message") == [] and job.status == JobStatus.QUEUED
    db.session.rollback()  # the request failed after all: no job, no mail
    assert db.session.get(Job, job.id) is None and outbox("event.message") == []
    job = bulk()
    db.session.commit()
    db.session.expire_all()
    assert job.status == JobStatus.DONE and (job.progress_done, job.progress_total) == (3, 3)
    assert len(outbox("event.message")) == 3 and job.attempts == 1


def test_a_job_whose_worker_died_is_taken_up_again_where_it_stopped(app, bulk, outbox):
    queue.huey.immediate = False  # nobody takes it yet: the worker "died" before it started
    job = bulk()
    db.session.commit()
    queue.huey.immediate = True
    # As a dead worker leaves it: running, two of three written with its bookmark, heartbeat long gone.
    [first, second, _third] = bulk.people
    long_ago = utcnow() - dt.timedelta(minutes=5)
    for registration in (first, second):
        notify.send(bulk.event, registration.user, "[x] Slides", "event_message", category="event.message",
                    registration=registration, sender=None, body="Online now.")
    _age_heartbeat(job.id, status=JobStatus.RUNNING, attempts=1, progress_done=2, cursor={"done": 2},
                   heartbeat_at=long_ago)
    assert queue.reap() == {"requeued": 1, "failed": 0}
    db.session.expire_all()
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.progress_done == 3
    assert sorted(m.recipients[0] for m in outbox("event.message")) == sorted(r.user.email for r in bulk.people)


def test_a_fresh_heartbeat_is_left_alone_and_a_job_out_of_attempts_fails_with_the_reason(app, bulk):
    queue.huey.immediate = False
    job = bulk()
    db.session.commit()
    _age_heartbeat(job.id, status=JobStatus.RUNNING, attempts=1, heartbeat_at=utcnow())
    assert queue.reap() == {"requeued": 0, "failed": 0}
    _age_heartbeat(job.id, attempts=app.config["JOBS_MAX_ATTEMPTS"], heartbeat_at=utcnow() - dt.timedelta(hours=1))
    assert queue.reap() == {"requeued": 0, "failed": 1}
    db.session.expire_all()
    assert job.status == JobStatus.FAILED and "worker stopped during attempt 3 of 3" in job.error


def test_an_attempt_taken_for_dead_cannot_write_progress(bulk, outbox):
    queue.huey.immediate = False
    job = bulk()
    db.session.commit()
    db.session.execute(update(Job).where(Job.id == job.id).values(status=JobStatus.RUNNING, attempts=1))
    db.session.commit()
    run = queue.Run(db.session.get(Job, job.id))
    db.session.execute(update(Job).where(Job.id == job.id).values(attempts=2))  # another attempt has it now
    db.session.commit()
    with pytest.raises(queue.JobLost):
        with run.batch():
            db.session.add(OutboxMessage(recipients=["x@example.org"], subject="s", body_text="b",
                                         message_id="<lost@dialogue.test>"))
            run.advance(1, cursor={"done": 1})
    assert outbox() == []  # the batch rolled back with the refused progress


def test_a_failing_job_is_marked_failed_with_its_error(app, bulk, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(notify, "send", broken)
    job = bulk()
    db.session.commit()
    db.session.expire_all()
    assert job.status == JobStatus.FAILED and "unexpected error" in job.error
    assert "template missing" not in job.error  # an exception's text is for the log, not for the page
    assert job.finished_at is not None


@pytest.mark.parametrize("who, status", [("creator", 200), ("organiser", 200), ("other organiser", 403),
                                          ("participant", 403), ("anonymous", 302)])
def test_only_the_creator_and_the_events_organisers_see_a_job(client, auth, bulk, staff, make_user, make_event,
                                                              who, status):
    job = bulk()
    db.session.commit()
    colleague = make_user(staff.organisation)
    from dialogue.models import EventStaff, StaffRole

    db.session.add(EventStaff(event_id=bulk.event.id, user_id=colleague.id, role=StaffRole.ORGANISER))
    other = make_user()
    make_event(organiser=other)
    people = {"creator": staff, "organiser": colleague, "other organiser": other,
              "participant": bulk.people[0].user, "anonymous": None}
    if people[who] is not None:
        auth.login(people[who])
    page = client.get(f"/jobs/{job.id}")
    status_json = client.get(f"/jobs/{job.id}/status.json")
    assert (page.status_code, status_json.status_code) == (status, status)
    if status == 200:
        html = page.get_data(as_text=True)
        assert "The message is on its way to 3 people." in html and f"/events/{bulk.event.slug}/mail" in html
        assert status_json.json["status"] == "done" and status_json.json["percent"] == 100
    assert client.get("/jobs/999999").status_code in (302, 404)


def test_the_page_of_a_running_job_shows_a_progress_bar_that_works_without_scripts(client, auth, bulk, staff):
    queue.huey.immediate = False
    job = bulk()
    db.session.commit()
    _age_heartbeat(job.id, status=JobStatus.RUNNING, attempts=1, progress_done=1, heartbeat_at=utcnow())
    auth.login(staff)
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<progress id="job-' in html and 'max="100" value="33"' in html and "1 of 3" in html
    assert '<noscript><meta http-equiv="refresh"' in html and "Reload now" in html and "js/jobs.js" in html
    status = client.get(f"/jobs/{job.id}/status.json").json
    assert (status["status"], status["done"], status["total"], status["finished"]) == ("running", 1, 3, False)


def test_the_queue_is_a_sqlite_file_in_instance_unless_redis_is_configured(tmp_path):
    assert load_config(tmp_path, {})["TASK_QUEUE_URL"] == f"sqlite:///{tmp_path / 'tasks.db'}"
    assert load_config(tmp_path, {"REDIS_URL": "redis://r:6379/0"})["TASK_QUEUE_URL"] == "redis://r:6379/0"
    assert load_config(tmp_path, {"REDIS_URL": "redis://r:6379/0", "TASK_QUEUE_URL": "redis://q:6379/1"})[
        "TASK_QUEUE_URL"] == "redis://q:6379/1"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.parametrize("storage", ["sqlite", "redis"])
def test_a_committed_job_waits_in_the_configured_storage_until_a_worker_runs_it(app, bulk, tmp_path, outbox,
                                                                              storage):
    if storage == "redis" and not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    url = f"sqlite:///{tmp_path / 'queue' / 'tasks.db'}" if storage == "sqlite" else "redis://127.0.0.1:6379/15"
    app.config.update(TASK_QUEUE_URL=url, TASK_QUEUE_IMMEDIATE=False)
    queue.init_queue(app)
    try:
        assert type(queue.huey.storage).__name__ == ("SqliteStorage" if storage == "sqlite" else "RedisStorage")
        if storage == "sqlite":
            assert Path(tmp_path / "queue" / "tasks.db").exists()
        if queue.huey.pending_count():
            pytest.skip("the queue in Redis database 15 is in use")
        job = bulk()
        db.session.commit()
        assert queue.huey.pending_count() == 1 and outbox("event.message") == []
        mine = queue.huey.dequeue()
        assert mine.name.endswith("registrations.message") and mine.args == (job.id,)
        queue.huey.execute(mine)  # what a worker thread does with it
        db.session.expire_all()
        assert job.status == JobStatus.DONE and len(outbox("event.message")) == 3
    finally:
        app.config["TASK_QUEUE_IMMEDIATE"] = True
        queue.init_queue(app)
