import click
from flask.cli import AppGroup

from dialogue.extensions import db
from dialogue.gdpr import retention

gdpr_cli = AppGroup("gdpr", help="Data protection: retention.")


@gdpr_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Report what would be removed, change nothing.")
def purge(dry_run: bool) -> None:
    """Remove or anonymise records older than their retention period."""
    report = retention.purge(dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would remove or anonymise" if dry_run else "removed or anonymised"
    for rule, count in report:
        days = rule.days()
        period = f"{days} days" if days > 0 else "no limit set"
        click.echo(f"{rule.key} ({period}): {verb} {count} - {rule.description}")


commands = [gdpr_cli]
