"""Commands on ``flask --app wsgi ...``."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from dialogue.extensions import db


def register_cli(app: Flask) -> None:
    from dialogue import feature_modules
    from dialogue.i18n.cli import commands as translation_commands

    for command in translation_commands:
        app.cli.add_command(command)
    app.cli.add_command(demo)
    app.cli.add_command(create_admin)
    for module in feature_modules("cli"):
        for command in module.commands:
            app.cli.add_command(command)


@click.command("demo")
@click.option("--large", is_flag=True, help="Also build the large data set used by bench/.")
def demo(large: bool) -> None:
    """Create the demo world (idempotent): buyer groups, suppliers, events, one login per role."""
    from dialogue import demo as demo_data

    summary = demo_data.build(large=large)
    db.session.commit()
    click.echo("Demo data ready. Sign in with any of these (password: "
               f"{demo_data.DEMO_PASSWORD}):")
    for role, email in summary["logins"].items():
        click.echo(f"  {role:<12} {email}")


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Platform administrator", show_default=True)
@click.password_option(help="Prompted for when not given.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create a platform administrator, or make an existing account one."""
    from dialogue.auth import services
    from dialogue.core.errors import DialogueError
    from dialogue.models import User, utcnow

    try:
        email = services.normalise_email(email)
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            services.check_password_strength(password, email=email, name=name)
            user = User(email=email, name=name, password_hash=services.hash_password(password),
                        email_verified_at=utcnow())
            db.session.add(user)
        user.is_admin = True
        db.session.commit()
    except DialogueError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{email} is a platform administrator.")
