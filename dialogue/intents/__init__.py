from flask import Blueprint

bp = Blueprint("intents", __name__)

from dialogue.intents import alert_routes, display, event_section, manage_routes, question_routes, routes  # noqa: E402,F401
