import click
from flask.cli import AppGroup

from dialogue.i18n import catalogues

translations_cli = AppGroup("translations", help="The Finnish, Swedish, Danish and Norwegian Bokmål catalogues.")


@translations_cli.command("update")
def update() -> None:
    """Extract messages from code and templates and merge them into the catalogues."""
    for locale, missing in catalogues.update().items():
        click.echo(f"{locale}: {missing} message(s) without a translation")


@translations_cli.command("compile")
def compile_catalogues() -> None:
    """Compile the catalogues to the .mo files the app loads."""
    catalogues.compile_all()
    click.echo("compiled " + ", ".join(catalogues.LOCALES))


commands = [translations_cli]
