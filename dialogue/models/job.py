"""Long work done by the task-queue worker, with the progress and result its pages show."""

from __future__ import annotations

__all__ = ["Job", "JobStatus"]

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dialogue.models.base import LabelledEnum, PkModel, UTCDateTime, enum_column, utcnow


class JobStatus(LabelledEnum):
    QUEUED = "queued"    # waiting for a worker (again, after a worker died under it)
    RUNNING = "running"  # a worker holds it and writes its heartbeat
    DONE = "done"
    FAILED = "failed"


class Job(PkModel):
    """One piece of long work. The queue carries only its id; everything it needs and has done is here.

    ``cursor`` is the worker's own bookmark (e.g. the last recipient written), committed with each batch,
    so a job taken up again after its worker died goes on where it was instead of starting over.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_heartbeat", "status", "heartbeat_at"),)

    kind: Mapped[str] = mapped_column(String(60), index=True)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus, "job_status"), default=JobStatus.QUEUED)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    cursor: Mapped[dict | None] = mapped_column(JSON)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    # The message and error as written (the app's default language: the command line, the log) and, for
    # the pages, their source, translated for each reader (core/deferred.py, jobs/templating.py).
    message: Mapped[str] = mapped_column(String(300), default="")
    message_source: Mapped[dict | None] = mapped_column(JSON)
    # Where the result is: a page, or a file built for download (in the file store's "jobs" folder).
    result_url: Mapped[str | None] = mapped_column(String(500))
    result_file: Mapped[str | None] = mapped_column(String(300))
    result_name: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)
    error_source: Mapped[dict | None] = mapped_column(JSON)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
