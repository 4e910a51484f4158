from flask import Blueprint

bp = Blueprint("events", __name__)

from dialogue.events import agenda_routes, routes  # noqa: E402,F401
