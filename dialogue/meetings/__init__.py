from flask import Blueprint

bp = Blueprint("meetings", __name__)

from dialogue.meetings import manage_routes, meeting_routes, reactions, request_routes, routes  # noqa: E402,F401
