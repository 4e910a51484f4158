"""``flask materials ...``: upkeep of the file store."""

from __future__ import annotations

import click
from flask.cli import AppGroup

materials = AppGroup("materials", help="Presentations and materials.")


@materials.command("gc")
@click.option("--partial-age", default=3600, show_default=True,
              help="Remove unfinished uploads older than this many seconds.")
def gc(partial_age: int) -> None:
    """Delete stored files no item uses any more, and leftovers of interrupted uploads (cron, daily)."""
    from dialogue.materials.services import collect_garbage

    files, partials = collect_garbage(partial_age_seconds=partial_age)
    click.echo(f"Removed {files} unused stored file(s) and {partials} unfinished upload(s).")


commands = [materials]
