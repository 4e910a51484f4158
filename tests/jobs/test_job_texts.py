"""What a job writes for people (progress, result, failure) is written by a worker that has no reader:
each reader sees it in their own language, the command line and the log in the default one."""

from __future__ import annotations

from dialogue.core.deferred import deferred, ndeferred, shown
from dialogue.extensions import db
from dialogue.jobs import queue
from dialogue.models import JobStatus
from tests.jobs.test_queue import bulk, config_overrides  # noqa: F401  (fixtures)


def test_a_finished_job_speaks_the_readers_language(client, auth, bulk, staff):  # noqa: F811
    job = bulk()
    db.session.commit()
    assert job.status == JobStatus.DONE and job.message == "The message is on its way to 3 people."
    auth.login(staff)
    assert "The message is on its way to 3 people." in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    staff.locale = "fi"
    db.session.commit()
    finnish = client.get(f"/jobs/{job.id}/status.json").json["message"]
    assert finnish != job.message and "3" in finnish
    assert finnish in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_waiting_and_failure_are_shown_in_the_readers_language(client, auth, bulk, staff):  # noqa: F811
    staff.locale = "fi"
    db.session.commit()
    auth.login(staff)
    queue.huey.immediate = False
    waiting = bulk()
    db.session.commit()
    assert waiting.message == "waiting for a worker"
    assert "odottaa taustaprosessia" in client.get(f"/jobs/{waiting.id}").get_data(as_text=True)

    def broken(run):
        raise RuntimeError("template missing")

    failed = queue.run_job(waiting.id, broken)  # a worker, in the default language
    assert failed.status == JobStatus.FAILED and "unexpected error" in failed.error  # the log's language
    status = client.get(f"/jobs/{failed.id}/status.json").json
    assert status["error"].startswith("Työ pysähtyi odottamattomaan virheeseen")
    assert "Työ pysähtyi odottamattomaan virheeseen" in client.get(f"/jobs/{failed.id}").get_data(as_text=True)


def test_a_deferred_text_keeps_its_source_and_plurals(app):
    one, many = ndeferred("%(num)d release written", "%(num)d releases written", 1), \
        ndeferred("%(num)d release written", "%(num)d releases written", 4)
    assert (str(one), str(many)) == ("1 release written", "4 releases written")
    kept = deferred("its worker stopped during attempt %(n)s of %(most)s", n=2, most=3)
    assert shown(kept.as_data(), "fallback") == "its worker stopped during attempt 2 of 3"
    assert shown(None, "as written") == "as written"


def test_a_refusal_inside_a_job_is_shown_in_the_readers_language(client, auth, bulk, staff):  # noqa: F811
    from dialogue.core.errors import DialogueError

    staff.locale = "sv"
    db.session.commit()
    auth.login(staff)
    queue.huey.immediate = False
    job = bulk()
    db.session.commit()

    def refused(run):
        raise DialogueError(deferred("Reminders go out only while the survey is open."))

    failed = queue.run_job(job.id, refused)
    assert failed.status == JobStatus.FAILED and failed.error == "Reminders go out only while the survey is open."
    swedish = client.get(f"/jobs/{failed.id}/status.json").json["error"]
    assert swedish != failed.error and swedish in client.get(f"/jobs/{failed.id}").get_data(as_text=True)
