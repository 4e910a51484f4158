"""Dialogue: joint market-dialogue events for public buyers and the ICT market."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False, instance_path=str(ROOT / "instance"),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    from dialogue.config import load_config, persistent_secret_key

    app.config.from_mapping(load_config(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = persistent_secret_key(Path(app.instance_path))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)

    register_extensions(app)
    from dialogue.jobs.queue import init_queue

    init_queue(app)
    from dialogue.core.inputs import register_input_guards

    register_input_guards(app)  # before the blueprints: their <int:> rules take its bounded converter
    register_blueprints(app)
    register_template_helpers(app)
    from dialogue.core.errors import register_error_handlers
    from dialogue.core.security import register_security_headers

    register_error_handlers(app)
    register_security_headers(app)
    from dialogue.cli import register_cli

    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    import dialogue.models  # noqa: F401  (every table registered before anything uses metadata)
    from dialogue.extensions import (
        babel,
        csrf,
        db,
        limiter,
        login_manager,
        mail,
        migrate,
        select_locale,
        select_timezone,
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    from flask_babel import lazy_gettext

    # Flask-Login flashes localize_callback(login_message): str() turns the lazy message into text
    # in the request's language (a lazy object itself could not be stored in the session).
    login_manager.login_message = lazy_gettext("Sign in to see this page.")
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from dialogue.auth.services import load_user

    login_manager.user_loader(load_user)
    from dialogue.core import cache

    cache.init_app(app)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            from dialogue.core.databases import install_sqlite_transactions

            # Check-then-write transactions hold the write lock from their start: see core/databases.py.
            install_sqlite_transactions(db.engine)
        elif not (app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}).get("pool_pre_ping"):
            from dialogue.core.databases import install_idle_ping

            install_idle_ping(db.engine)  # instead of a ping round trip on every checkout


# Feature packages, in the order their pages, commands and demo data build on each other. Each has
# ``bp``; a feature may add ``cli.py`` (``commands``: click commands) and ``demo.py`` (``build(world)``).
FEATURES = ("main", "auth", "organisations", "outbox", "events", "registrations", "intents", "groups", "materials",
            "readiness", "meetings", "matching", "surveys", "invitations", "series", "exports", "audit", "api", "gdpr",
            "record", "playbook", "jobs")


def feature_modules(submodule: str):
    """The features' ``cli`` or ``demo`` modules, for those that have one."""
    import importlib
    import importlib.util

    for name in FEATURES:
        if importlib.util.find_spec(f"dialogue.{name}.{submodule}") is not None:
            yield importlib.import_module(f"dialogue.{name}.{submodule}")


def register_blueprints(app: Flask) -> None:
    import importlib

    for name in FEATURES:
        app.register_blueprint(importlib.import_module(f"dialogue.{name}").bp)


def register_template_helpers(app: Flask) -> None:
    from dialogue.core.text import render_markdown
    from dialogue.core.timeutil import format_local
    from dialogue.i18n.domain import install_gettext
    from dialogue.i18n.texts import localised

    install_gettext(app.jinja_env)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["localised"] = localised  # an event's, session's or tender's text in the reader's language
    @app.context_processor
    def locale_helpers():
        from flask_babel import get_locale

        return {"current_locale": lambda: str(get_locale() or "en")}

    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
