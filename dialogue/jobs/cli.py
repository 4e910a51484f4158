"""`flask jobs worker`: the task-queue worker (long jobs and the mail outbox), and job upkeep."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.jobs.queue import huey, reap, watch_stop_flag
from dialogue.models import Job

jobs_cli = AppGroup("jobs", help="Run the task-queue worker and look after long jobs.")


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(min=2), default=None,
              help="Worker threads (one is kept busy delivering mail). Default: JOBS_WORKERS.")
def worker(workers: int | None) -> None:
    """Run the huey consumer inside the app: long jobs, the reaper and the outbox delivery."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    huey.immediate = False
    # Jobs left running by a worker that died are taken up (or failed) before new work starts.
    counts = reap(queued=True)
    db.session.remove()
    click.echo(f"jobs worker on {current_app.config['TASK_QUEUE_URL']}: requeued {counts['requeued']}, "
               f"failed {counts['failed']} jobs left by a stopped worker", err=True)
    consumer = huey.create_consumer(workers=workers or current_app.config["JOBS_WORKERS"], worker_type="thread",
                                    periodic=True, flush_locks=True, check_worker_health=True)
    watch_stop_flag(consumer.stop_flag)
    consumer.run()


@jobs_cli.command("reap")
def reap_command() -> None:
    """Put jobs whose worker stopped back on the queue, or mark them failed."""
    counts = reap()
    click.echo(f"requeued {counts['requeued']}, failed {counts['failed']}")


@jobs_cli.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
def list_jobs(limit: int) -> None:
    """The latest jobs with their state and progress."""
    for job in db.session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)):
        click.echo(f"{job.id:>6} {job.kind:<28} {job.status.value:<8} {job.progress_done}/{job.progress_total} "
                   f"attempts {job.attempts} {job.error or job.message}")


commands = [jobs_cli]
