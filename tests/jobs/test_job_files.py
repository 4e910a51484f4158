"""The files long jobs build are kept only a short while; the newest public package stays."""

import datetime as dt

from dialogue.extensions import db
from dialogue.gdpr.retention import purge
from dialogue.jobs.services import create_job, jobs_dir, result_path, write_result_file
from dialogue.models import JobStatus, utcnow


def _done(kind, *, event=None, days_ago=3):
    job = create_job(kind, user=None, event=event)
    job.status, job.finished_at = JobStatus.DONE, utcnow() - dt.timedelta(days=days_ago)
    job.result_file = write_result_file(job.id, ".bin", lambda fh: fh.write(b"personal data"))
    return job


def test_old_files_go_the_newest_public_package_stays(app, make_event):
    event = make_event()
    record = _done("record.zip", event=event)
    old_package, newest_package = _done("intents.ocds_package"), _done("intents.ocds_package")
    fresh_record = _done("record.zip", event=event, days_ago=0)
    db.session.commit()
    orphan = jobs_dir() / "999-left-behind.zip"
    orphan.write_bytes(b"x")
    old = (utcnow() - dt.timedelta(days=5)).timestamp()
    import os
    os.utime(orphan, (old, old))
    kept_file = jobs_dir() / newest_package.result_file

    report = dict((rule.key, n) for rule, n in purge(dry_run=False))
    db.session.commit()
    assert report["RETENTION_JOB_FILES_DAYS"] == 3  # the old record, the older package, the orphan
    assert record.result_file is None and old_package.result_file is None and result_path(record) is None
    assert kept_file.is_file() and result_path(newest_package) == kept_file
    assert result_path(fresh_record) is not None
    assert not orphan.exists()
