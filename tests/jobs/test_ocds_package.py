"""Beyond OCDS_INLINE_INTENTS the release package is a file the worker builds, in chunks, and the route serves."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.intents import ocds_package
from dialogue.models import Job, JobStatus


@pytest.fixture
def config_overrides(tmp_path):
    return {"OCDS_INLINE_INTENTS": 2, "TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'tasks.db'}"}


def test_a_large_package_is_built_by_the_worker_and_served_from_its_file(app, client, auth, make_intent, staff,
                                                                       monkeypatch):
    monkeypatch.setattr(ocds_package, "CHUNK", 2)
    intents = [make_intent() for _ in range(5)]
    assert client.get("/intents/ocds.json").status_code == 503  # nothing built yet
    auth.login(staff)
    assert "Build the whole OCDS package" in client.get("/intents").get_data(as_text=True)
    response = client.post("/intents/ocds.json/build")
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    job = db.session.scalar(select(Job).where(Job.kind == "intents.ocds_package"))
    assert job.status == JobStatus.DONE and (job.progress_done, job.progress_total) == (5, 5)
    auth.logout()
    served = json.loads(client.get("/intents/ocds.json").data)
    app.config["OCDS_INLINE_INTENTS"] = 1000
    inline = json.loads(client.get("/intents/ocds.json").data)
    assert [r["ocid"] for r in served["releases"]] == [r["ocid"] for r in inline["releases"]]
    assert len(served["releases"]) == len(intents) and served["version"] == "1.1"
    assert served["publishedDate"] == inline["publishedDate"]
