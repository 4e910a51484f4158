from flask import Blueprint

bp = Blueprint("auth", __name__)

from dialogue.auth import invitation_routes, routes  # noqa: E402,F401
