from flask import Blueprint

bp = Blueprint("intents", __name__)

from dialogue.intents import (  # noqa: E402,F401
    alert_routes,
    manage_routes,
    question_routes,
    routes,
    templating,
    texts_routes,
)
