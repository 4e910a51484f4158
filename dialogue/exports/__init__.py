from flask import Blueprint

bp = Blueprint("exports", __name__)

from dialogue.exports import routes  # noqa: E402,F401
