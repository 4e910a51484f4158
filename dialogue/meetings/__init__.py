from flask import Blueprint

bp = Blueprint("meetings", __name__)

from dialogue.meetings import manage_routes, reactions, routes  # noqa: E402,F401
