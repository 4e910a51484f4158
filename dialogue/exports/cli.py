"""flask --app wsgi export attendance SLUG --format csv|xlsx [--columns ...] -o FILE"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from dialogue.core.errors import DialogueError
from dialogue.core.spreadsheet import csv_chunks, write_xlsx
from dialogue.extensions import db
from dialogue.models import Event

export_cli = AppGroup("export", help="Export an event's records and the open data of planned tenders.")


@export_cli.command("attendance")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--columns", multiple=True,
              help="Comma-separated, or repeated: person, email, organisation, country, role, state, "
                   "registered_at, answers, consent, checked_in_at.")
@click.option("--role", "roles", multiple=True, help="Only this role (repeatable).")
@click.option("--state", "states", multiple=True, help="Only this state (repeatable).")
@click.option("--checked-in", type=click.Choice(["yes", "no", "any"]), default="any", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The file to write.")
def attendance_command(slug: str, fmt: str, columns: tuple[str, ...], roles: tuple[str, ...],
                       states: tuple[str, ...], checked_in: str, output: str) -> None:
    """Write an event's registrations, with the chosen columns and rows, to a CSV or XLSX file."""
    from dialogue.exports import attendance

    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event with the address {slug!r}.")
    try:
        keys = attendance.clean_columns(columns)
        filters = attendance.clean_filters(roles, states, checked_in)
    except DialogueError as exc:
        raise click.ClickException(exc.message) from None
    headings, data = attendance.rows(event, keys, filters, text_times=fmt == "csv")
    count = 0

    def counted(rows):
        nonlocal count
        for row in rows:
            count += 1
            yield row

    try:
        with open(output, "wb") as fh:
            if fmt == "csv":
                for chunk in csv_chunks(headings, counted(data)):
                    fh.write(chunk)
            else:
                write_xlsx(headings, counted(data), fh, event.title)
    except OSError as exc:
        raise click.ClickException(f"Could not write {output}: {exc.strerror or exc}. Nothing was exported.") \
            from None
    # Only an export that exists is in the audit log.
    attendance.record_export(event, None, keys, filters, fmt, via="command line")
    db.session.commit()
    click.echo(f"{count} registrations written to {output}")


commands = [export_cli]
