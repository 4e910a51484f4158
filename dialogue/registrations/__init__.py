from flask import Blueprint

bp = Blueprint("registrations", __name__)

from dialogue.registrations import routes  # noqa: E402,F401
