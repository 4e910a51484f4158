from flask import Blueprint

bp = Blueprint("intents", __name__)

from dialogue.intents import routes, manage_routes, question_routes, alert_routes, event_section, display  # noqa: E402,F401
