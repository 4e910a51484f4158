from flask import Blueprint

bp = Blueprint("registrations", __name__)

from dialogue.registrations import (  # noqa: E402,F401
    attendance_routes,
    door_routes,
    organiser_routes,
    reactions,
    routes,
    templating,
)
