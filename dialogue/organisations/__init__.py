from flask import Blueprint

bp = Blueprint("organisations", __name__)

from dialogue.organisations import directory_routes, profile_routes, reactions, routes, templating  # noqa: E402,F401
