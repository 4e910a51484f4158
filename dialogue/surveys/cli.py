import click
from flask.cli import AppGroup

from dialogue.extensions import db
from dialogue.models import utcnow
from dialogue.surveys import notify

surveys_cli = AppGroup("surveys", help="Follow-up surveys.")


@surveys_cli.command("send-due")
def send_due() -> None:
    """Send what is due: invitations of surveys that have opened (second stages too) and planned reminders.

    Run it from cron or next to the mail worker, as often as you like: nothing is sent twice.
    """
    sent = notify.send_due(utcnow())
    db.session.commit()
    for problem in sent.problems:
        click.echo(f"skipped {problem}", err=True)
    click.echo(f"surveys: {sent.invitations} invitations, {sent.reminders} reminders queued")


commands = [surveys_cli]
