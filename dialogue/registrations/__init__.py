from flask import Blueprint

bp = Blueprint("registrations", __name__)

from dialogue.registrations import door_routes, organiser_routes, reactions, routes, templating  # noqa: E402,F401
