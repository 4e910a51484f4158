from flask import Blueprint

bp = Blueprint("intents", __name__)

from dialogue.intents import alert_routes, manage_routes, question_routes, routes, templating  # noqa: E402,F401
