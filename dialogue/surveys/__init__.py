from flask import Blueprint

bp = Blueprint("surveys", __name__)

from dialogue.surveys import reactions, routes, templating  # noqa: E402,F401
