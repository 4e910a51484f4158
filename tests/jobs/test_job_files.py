"""The files long jobs build are kept only a short while; the newest public package stays.

The same journeys run on the S3-compatible store in test_job_files_s3.py (results built by a worker
on one host, downloaded from another).
"""

import datetime as dt
import os

from dialogue.extensions import db
from dialogue.gdpr.retention import purge
from dialogue.jobs.services import create_job, has_result, jobs_dir, result_storage, write_result_file
from dialogue.models import JobStatus, utcnow


def finished_job(kind, *, event=None, days_ago=3, content=None):
    job = create_job(kind, user=None, event=event)
    job.status, job.finished_at = JobStatus.DONE, utcnow() - dt.timedelta(days=days_ago)
    data = content if content is not None else f"personal data of job {job.id}".encode()
    job.result_file = write_result_file(job.id, ".bin", lambda fh: fh.write(data))
    job.result_name = f"job-{job.id}.bin"
    return job


def age_file(path, days):
    old = (utcnow() - dt.timedelta(days=days)).timestamp()
    os.utime(path, (old, old))


def test_old_files_go_the_newest_public_package_stays(app, make_event):
    event = make_event()
    record = finished_job("record.zip", event=event)
    old_package, newest_package = finished_job("intents.ocds_package"), finished_job("intents.ocds_package")
    fresh_record = finished_job("record.zip", event=event, days_ago=0)
    db.session.commit()
    storage = result_storage()
    for job in (record, old_package, newest_package):
        age_file(storage.path(job.result_file), 3)
    gone = [record.result_file, old_package.result_file]
    orphan = jobs_dir() / "999-left-behind.zip"  # an older release's file whose job was deleted
    orphan.write_bytes(b"x")
    age_file(orphan, 5)
    kept_file = storage.path(newest_package.result_file)

    report = dict((rule.key, n) for rule, n in purge(dry_run=False))
    db.session.commit()
    assert report["RETENTION_JOB_FILES_DAYS"] == 3  # the old record, the older package, the orphan
    assert record.result_file is None and old_package.result_file is None and not has_result(record)
    assert not any(storage.exists(name) for name in gone)
    assert kept_file.is_file() and has_result(newest_package)
    assert has_result(fresh_record)
    assert not orphan.exists()


def test_a_file_another_job_still_names_or_just_written_stays(app, make_event):
    """Identical results are stored once: the file of an expired job stays while a newer job names it."""
    event = make_event()
    old = finished_job("record.zip", event=event, content=b"the same record")
    again = finished_job("record.zip", event=event, days_ago=0, content=b"the same record")
    db.session.commit()
    assert old.result_file == again.result_file
    unnamed = write_result_file(0, ".zip", lambda fh: fh.write(b"built, its job not yet committed"))
    purge(dry_run=False)
    db.session.commit()
    assert old.result_file is None and has_result(again)
    assert result_storage().exists(unnamed)  # too young to be taken for an orphan


def test_a_result_downloads_by_its_name_and_only_when_done(app, client, auth, make_user, make_event):
    owner = make_user()
    job = create_job("record.zip", user=owner)
    job.result_file = write_result_file(job.id, ".zip", lambda fh: fh.write(b"PK the record"))
    job.result_name = "consultation-record.zip"
    db.session.commit()
    auth.login(owner)
    assert client.get(f"/jobs/{job.id}/download").status_code == 404  # still queued
    job.status = JobStatus.DONE
    db.session.commit()
    assert client.get(f"/jobs/{job.id}/status.json").json["download_url"] == f"/jobs/{job.id}/download"
    response = client.get(f"/jobs/{job.id}/download")
    assert response.status_code == 200 and response.data == b"PK the record"
    assert 'filename=consultation-record.zip' in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_result_of_an_older_release_in_the_local_folder_still_downloads(app, client, auth, make_user):
    owner = make_user()
    job = create_job("record.zip", user=owner)
    jobs_dir().mkdir(parents=True, exist_ok=True)
    (jobs_dir() / "7-0123abcd.zip").write_bytes(b"PK older")
    job.status, job.result_file, job.finished_at = JobStatus.DONE, "7-0123abcd.zip", utcnow()
    db.session.commit()
    auth.login(owner)
    response = client.get(f"/jobs/{job.id}/download")
    assert response.status_code == 200 and response.data == b"PK older"
    assert "filename=7-0123abcd.zip" in response.headers["Content-Disposition"]
