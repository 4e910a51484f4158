from flask import Blueprint

bp = Blueprint("gdpr", __name__)

from dialogue.gdpr import routes  # noqa: E402,F401
