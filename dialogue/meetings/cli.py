"""``flask --app wsgi meetings ...``: the scheduler for long runs, and the reminders for cron or the worker."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import Event

meetings_cli = AppGroup("meetings", help="One-to-one meetings: scheduling and reminders.")


@meetings_cli.command("schedule")
@click.argument("slug")
@click.option("--time-limit", type=int, default=30, show_default=True, help="Seconds the solver may use.")
def schedule(slug: str, time_limit: int) -> None:
    """Place the open meeting requests of an event as drafts; publish them from the preview page."""
    from dialogue.meetings import scheduling

    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"no event with the address {slug!r}")
    try:
        run = scheduling.start_run(event, None, time_limit)
    except DialogueError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    run = scheduling.execute_run(run.id, echo=click.echo)
    if run.status.value != "done":
        raise click.ClickException(run.message)
    report = run.report
    click.echo(f"placed {report['placed']} of {report['requests']} requests (first guess {report['greedy_placed']})")
    click.echo(f"objective {report['objective']}, proven upper bound {report['bound']:.0f}, "
               f"gap {report['gap']:.2%}, {report['status'].lower()}, idle slots {report['idle_slots']}")
    reasons: dict[str, int] = {}
    for reason in report["unplaced"].values():
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        click.echo(f"not placed, {scheduling.REASON_LABELS.get(reason, reason)}: {count}")
    click.echo("Review and publish on the event's meeting preview page.")


@meetings_cli.command("send-reminders")
def send_reminders() -> None:
    """Queue reminders for meetings starting soon and expire unanswered requests. Safe to run often."""
    from dialogue.meetings import agenda, requests

    expired = requests.expire_requests()
    db.session.commit()
    sent = agenda.send_reminders()
    db.session.commit()
    click.echo(f"reminders queued: {sent}; requests expired: {expired}")


commands = [meetings_cli]
