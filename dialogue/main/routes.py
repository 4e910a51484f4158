from flask import current_app, render_template

from dialogue.core.cache import public_page
from dialogue.main import bp


@bp.get("/")
@public_page
def home():
    from flask_login import current_user

    from dialogue.events.queries import list_home_events
    from dialogue.events.services import can_create_events

    upcoming, past = list_home_events()
    return render_template("main/home.html", upcoming=upcoming, past=past,
                           can_create=can_create_events(current_user))


@bp.get("/accessibility")
def accessibility():
    return render_template("main/accessibility.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers and feed readers ask for this address whatever the page's own icon link says."""
    return current_app.send_static_file("favicon.ico")


@bp.get("/healthz")
def healthz():
    from sqlalchemy import text

    from dialogue.extensions import db

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
