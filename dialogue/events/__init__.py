from flask import Blueprint

bp = Blueprint("events", __name__)

from dialogue.events import agenda_routes, clone_routes, routes, texts_routes  # noqa: E402,F401
