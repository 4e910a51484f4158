from flask import current_app, render_template
from flask_babel import lazy_gettext as _l

from dialogue.core.cache import public_page
from dialogue.main import bp
from dialogue.main.language_routes import offered_languages

# Main navigation: (endpoint, label). A feature's entry shows once its blueprint is registered.
NAV_ITEMS = [
    ("main.home", _l("Events")),
    ("events.mine", _l("My events")),
    ("intents.index", _l("Planned tenders")),
    ("groups.index", _l("Buyer groups")),
    ("meetings.my_agenda", _l("My meetings")),
    ("organisations.directory_index", _l("Directory")),
]


@bp.app_context_processor
def navigation():
    def nav_items():
        return [(endpoint, label) for endpoint, label in NAV_ITEMS if endpoint in current_app.view_functions]

    return {"nav_items": nav_items, "offered_languages": offered_languages}


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
