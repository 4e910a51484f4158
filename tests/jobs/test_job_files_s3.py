"""Job results in the S3-compatible store (moto): a file a worker built on one host downloads from another,
and the retention rule deletes from the bucket what it deleted from the disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.gdpr.retention import purge
from dialogue.jobs.services import RESULTS_FOLDER, create_job, has_result, result_storage, write_result_file
from dialogue.models import Job, JobStatus, utcnow
from tests.jobs.test_job_files import finished_job
from tests.materials.test_storage_s3 import CREDENTIALS, bucket, objects, s3_endpoint  # noqa: F401  (fixtures)


@pytest.fixture
def config_overrides(s3_endpoint, bucket) -> dict:  # noqa: F811
    return {"STORAGE_URL": f"s3://{bucket[1]}/uploads", "S3_ENDPOINT_URL": s3_endpoint, **CREDENTIALS}


def test_a_result_built_on_the_worker_host_downloads_from_another_host(app, client, auth, make_user, bucket,  # noqa: F811
                                                                        tmp_path):
    owner = make_user()
    job = create_job("record.zip", user=owner)
    job.result_file = write_result_file(job.id, ".zip", lambda fh: fh.write(b"PK the record"))  # the worker
    job.result_name, job.status, job.finished_at = "record.zip", JobStatus.DONE, utcnow()
    db.session.commit()
    assert objects(bucket) == [f"uploads/jobs/{job.result_file}"]
    worker_disk = Path(app.config["UPLOAD_DIR"])
    assert not [p for p in worker_disk.rglob("*") if p.is_file()]  # nothing stays on the worker's disk
    # The web host that serves the download: the same database and bucket, a disk of its own.
    app.config["UPLOAD_DIR"] = str(tmp_path / "web-host" / "uploads")
    app.extensions.pop(f"{RESULTS_FOLDER}_storage")

    auth.login(owner)
    assert client.get(f"/jobs/{job.id}/status.json").json["download_url"] == f"/jobs/{job.id}/download"
    response = client.get(f"/jobs/{job.id}/download")
    assert response.status_code == 200 and response.data == b"PK the record"
    assert "filename=record.zip" in response.headers["Content-Disposition"]


def test_retention_deletes_expired_results_and_orphans_from_the_bucket(app, make_event, bucket):  # noqa: F811
    event = make_event()
    record = finished_job("record.zip", event=event)
    old_package, newest_package = finished_job("intents.ocds_package"), finished_job("intents.ocds_package")
    db.session.commit()
    client, name = bucket
    orphan = "0" * 64
    client.put_object(Bucket=name, Key=f"uploads/jobs/{orphan}", Body=b"its event was deleted")
    client.put_object(Bucket=name, Key="uploads/materials/" + "1" * 64, Body=b"another kind's file")
    newest = newest_package.result_file

    # The objects were written just now: the purge is run as if two more days had passed.
    report = dict((rule.key, n) for rule, n in purge(dry_run=False, now=utcnow() + dt.timedelta(days=2, hours=1)))
    db.session.commit()
    assert report["RETENTION_JOB_FILES_DAYS"] == 3
    assert record.result_file is None and old_package.result_file is None and not has_result(record)
    assert objects(bucket) == ["uploads/jobs/" + newest, "uploads/materials/" + "1" * 64]
    assert has_result(newest_package) and result_storage().exists(newest)
    assert db.session.scalar(select(Job.result_file).where(Job.id == newest_package.id)) == newest
