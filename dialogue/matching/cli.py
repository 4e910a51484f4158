"""``flask --app wsgi matches ...``: the ranked suggestions and their reasons, as the pages show them."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.matching import queries
from dialogue.models import Intent, Organisation

matches_cli = AppGroup("matches", help="Explained match suggestions between planned tenders and suppliers.")


def _echo(rank: int, name: str, match) -> None:
    click.echo(f"{rank:3d}. {match.score:3d}  {name}")
    for reason in match.reasons:
        click.echo(f"       {reason.points:+3d}  {reason.words}")


@matches_cli.command("intent")
@click.argument("intent_id", type=int)
@click.option("--limit", type=int, default=20, show_default=True, help="How many suggestions to print.")
def intent(intent_id: int, limit: int) -> None:
    """Suppliers and resellers ranked for the planned tender INTENT_ID, with their reasons."""

    found = db.session.get(Intent, intent_id)
    if found is None:
        raise click.ClickException(f"no planned tender with the id {intent_id}")
    matches = queries.suggestions_for_intent(found)[:limit]
    click.echo(f"{found.title} ({found.status.value}): {len(matches)} suggestion(s)")
    for rank, match in enumerate(matches, start=1):
        _echo(rank, f"{match.offer.name} [{match.offer.slug}]", match)


@matches_cli.command("organisation")
@click.argument("slug")
@click.option("--limit", type=int, default=20, show_default=True, help="How many suggestions to print.")
def organisation(slug: str, limit: int) -> None:
    """Announced planned tenders ranked for the organisation SLUG, with their reasons."""

    org = _organisation(slug)
    matches = queries.suggestions_for_organisation(org)
    if matches is None:
        raise click.ClickException(f"{org.name} has no profile to match on")
    matches = matches[:limit]
    click.echo(f"{org.name}: {len(matches)} suggestion(s)")
    for rank, match in enumerate(matches, start=1):
        _echo(rank, f"{match.tender.title} [intent {match.tender.id}]", match)


def _organisation(slug: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise click.ClickException(f"no organisation with the address {slug!r}")
    return org


commands = [matches_cli]
