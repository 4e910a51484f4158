"""A large event's record ZIP is built by the worker; only the organisers (and whoever asked) get the file."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import AuditEntry, Job, JobStatus
from tests.record.test_routes import read_zip


@pytest.fixture
def config_overrides(tmp_path):
    return {"RECORD_ZIP_INLINE_REGISTRATIONS": 2, "TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'tasks.db'}"}


def test_a_large_record_zip_is_built_by_the_worker_and_downloaded_from_the_jobs_page(client, auth, consultation,
                                                                                   make_user):
    c = consultation
    auth.login(c.organiser)
    page = client.get(f"/events/{c.event.slug}/record.zip")
    assert page.status_code == 200 and "Build the ZIP" in page.get_data(as_text=True)
    response = client.post(f"/events/{c.event.slug}/record.zip/build")
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    job = db.session.scalar(select(Job).where(Job.kind == "record.event_zip"))
    assert job.status == JobStatus.DONE, job.error
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/jobs/{job.id}/download" in html and "consultation-record.zip" in html
    tables = read_zip(client.get(f"/jobs/{job.id}/download"))
    assert {"event.csv", "registrations.csv", "meetings.csv", "audit_log.csv"} <= set(tables)
    taken = db.session.scalars(select(AuditEntry.summary).where(AuditEntry.action == "record.export")).all()
    assert any("as ZIP" in summary for summary in taken)
    # Somebody else, even signed in, gets neither the page nor the file.
    auth.logout()
    auth.login(make_user())
    assert client.get(f"/jobs/{job.id}/download").status_code == 403
    assert client.post(f"/events/{c.event.slug}/record.zip/build").status_code in (403, 404)
