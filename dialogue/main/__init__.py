from flask import Blueprint

bp = Blueprint("main", __name__)

from dialogue.main import language_routes, routes, templating  # noqa: E402,F401
