from flask import Blueprint

bp = Blueprint("meetings", __name__)

from dialogue.meetings import (  # noqa: E402,F401
    fairness_routes,
    manage_routes,
    meeting_routes,
    minutes_routes,
    reactions,
    request_routes,
    routes,
)
