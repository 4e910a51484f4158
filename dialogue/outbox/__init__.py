from flask import Blueprint

bp = Blueprint("outbox", __name__)

from dialogue.outbox import routes  # noqa: E402,F401
