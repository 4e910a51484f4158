import signal
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import OutboxMessage
from dialogue.outbox import worker

outbox_cli = AppGroup("outbox", help="Deliver and inspect the mail outbox.")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running as a worker.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls with --loop.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Messages per batch.")
def send(loop: bool, interval: float, limit: int | None) -> None:
    """Send the messages that are due, with retries and backoff."""
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    if loop:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    while True:
        totals = {"sent": 0, "retry": 0, "failed": 0}
        while True:
            counts = worker.deliver_due(limit)
            for key, value in counts.items():
                totals[key] += value
            if sum(counts.values()) == 0 or stopping:
                break
        db.session.remove()
        if not loop or any(totals.values()):
            click.echo(f"sent {totals['sent']}, retry later {totals['retry']}, failed {totals['failed']}")
        if not loop or stopping:
            return
        for _ in range(int(interval * 10)):
            if stopping:
                return
            time.sleep(0.1)


@outbox_cli.command("status")
def status() -> None:
    """Count messages by status."""
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    if not rows:
        click.echo("outbox is empty")
    for state, count in rows:
        click.echo(f"{state}: {count}")
    current_app.logger.debug("outbox status listed")


commands = [outbox_cli]
