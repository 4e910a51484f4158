"""Sending a survey's invitations from its page is a job for the worker, written in batches."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import AuditEntry, Job, JobStatus, SurveyInvitation


@pytest.fixture
def config_overrides():
    return {"JOBS_BATCH_SIZE": 3}


def test_send_now_invites_in_batches_and_shows_the_job(client, auth, past_event, participants, make_survey):
    event, organiser = past_event
    survey = make_survey(event)
    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/surveys/{survey.id}/send-due")
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    job = db.session.scalar(select(Job).where(Job.kind == "surveys.send"))
    # Four in the audience (the cancelled registration is not), in batches of three: two batches.
    assert job.status == JobStatus.DONE and (job.progress_done, job.progress_total) == (4, 4)
    invitations = db.session.scalars(select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id)).all()
    assert len(invitations) == 4 and len({i.user_id for i in invitations}) == 4
    opened = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "survey.open"))
    assert opened is not None and "4 people invited" in opened.summary
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 invitations and 0 reminders are on their way." in page
    # Sent again: nobody is invited twice.
    client.post(f"/events/{event.slug}/surveys/{survey.id}/send-due")
    assert len(db.session.scalars(select(SurveyInvitation)).all()) == 4
