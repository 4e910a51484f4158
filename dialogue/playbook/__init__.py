"""The organiser's playbook and the gallery of past events to learn from and clone."""

from flask import Blueprint

bp = Blueprint("playbook", __name__)

from dialogue.playbook import routes  # noqa: E402,F401
