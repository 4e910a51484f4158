"""``flask --app wsgi events ...``: cloning an event from the command line."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup
from sqlalchemy import select

from dialogue.core.errors import DialogueError
from dialogue.events.cloning import clone_event
from dialogue.extensions import db
from dialogue.models import Event, EventStaff, StaffRole, User

events_cli = AppGroup("events", help="Events: cloning.")


@events_cli.command("clone")
@click.argument("slug")
@click.option("--starts", "starts", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The day the new event starts (YYYY-MM-DD); it starts at the same local time.")
@click.option("--slug", "new_slug", required=True, help="The web address of the new event.")
@click.option("--as", "email", default=None,
              help="Who organises the copy (an email); default: the event's first organiser.")
def clone(slug: str, starts: dt.datetime, new_slug: str, email: str | None) -> None:
    """Make a draft from SLUG with the same co-hosts, agenda and set-up, moved to the new start."""

    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"no event with the address {slug!r}")
    if email:
        actor = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if actor is None:
            raise click.ClickException(f"no account with the email {email!r}")
    else:
        actor = db.session.scalar(select(User).join(EventStaff, EventStaff.user_id == User.id).where(
            EventStaff.event_id == event.id, EventStaff.role == StaffRole.ORGANISER).order_by(EventStaff.id))
        if actor is None:
            raise click.ClickException("the event has no organiser; name one with --as EMAIL")
    try:
        copy = clone_event(event, actor, starts_on=starts.date(), slug=new_slug)
    except DialogueError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Draft {copy.slug} made from {event.slug}: {len(copy.sessions)} sessions, starts "
               f"{copy.starts_at.isoformat()} (UTC). Organiser: {actor.email}.")


commands = [events_cli]
