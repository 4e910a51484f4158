"""Each long piece of work runs as a job (huey's immediate mode: at once, after the commit that queued it)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from dialogue.extensions import db
from dialogue.intents import notify as intent_notify
from dialogue.jobs import queue
from dialogue.models import IntentStatus, IntentSubscription, Job, JobStatus, OrganisationKind, utcnow


@pytest.fixture
def config_overrides(tmp_path):
    return {"TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'tasks.db'}", "JOBS_BATCH_SIZE": 2}


@pytest.fixture
def draft_with_alerts(make_intent, make_user, make_org, staff):
    intent = make_intent(buyer=staff.organisation, status=IntentStatus.DRAFT, announced_at=None)
    people = [make_user(make_org(kind=OrganisationKind.SUPPLIER)) for _ in range(3)]
    db.session.add_all(IntentSubscription(user_id=p.id, cpv_prefix="302") for p in people)
    db.session.commit()
    return intent, people


def test_announcing_queues_the_alert_mails_and_the_manage_page_shows_how_far_they_are(
        client, auth, staff, draft_with_alerts, outbox):
    intent, people = draft_with_alerts
    auth.login(staff)
    response = client.post(f"/intents/{intent.id}/announce")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/intents/{intent.id}")
    job = db.session.scalar(select(Job).where(Job.kind == "intents.announce"))
    assert job.status == JobStatus.DONE and (job.progress_done, job.progress_total) == (3, 3)
    assert sorted(m.recipients[0] for m in outbox("intents.announced")) == sorted(p.email for p in people)
    page = client.get(f"/intents/{intent.id}/manage").get_data(as_text=True)
    assert "Mail to matching alerts" in page and "3 people with a matching alert are told" in page
    assert client.get(f"/jobs/{job.id}").status_code == 200


def test_an_announcement_taken_up_again_writes_to_the_rest_only(staff, draft_with_alerts, outbox):
    from dialogue.intents import services

    intent, people = draft_with_alerts
    queue.huey.immediate = False  # its worker dies before it starts
    job = services.announce_intent(intent, staff)
    db.session.commit()
    queue.huey.immediate = True
    first = min(people, key=lambda p: p.id)
    with intent_notify._mailer(intent) as mailer:
        subscription = db.session.scalar(select(IntentSubscription).where(IntentSubscription.user_id == first.id))
        mailer.send(intent_notify.Recipient(first, subscription), "Planned tender", "intents/announced",
                    "intents.announced")
    db.session.execute(update(Job).where(Job.id == job.id).values(
        status=JobStatus.RUNNING, attempts=1, progress_done=1, cursor={"after_user": first.id},
        heartbeat_at=utcnow() - dt.timedelta(hours=1)))
    db.session.commit()
    assert queue.reap()["requeued"] == 1
    db.session.expire_all()
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.progress_done == 3
    assert sorted(m.recipients[0] for m in outbox("intents.announced")) == sorted(p.email for p in people)
