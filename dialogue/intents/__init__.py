from flask import Blueprint

bp = Blueprint("intents", __name__)

from dialogue.intents import routes  # noqa: E402,F401
