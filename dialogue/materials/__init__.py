from flask import Blueprint

bp = Blueprint("materials", __name__)

from dialogue.materials import routes  # noqa: E402,F401
