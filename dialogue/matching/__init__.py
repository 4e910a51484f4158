from flask import Blueprint

bp = Blueprint("matching", __name__)

from dialogue.matching import routes, templating  # noqa: E402,F401
