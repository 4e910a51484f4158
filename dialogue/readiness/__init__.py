"""The market-readiness matrix of a planned tender: which suppliers can meet which criterion, today or by
when, answered criterion by criterion, seen in full by the buyer and published to everyone as anonymised
counts."""

from flask import Blueprint

bp = Blueprint("readiness", __name__)

from dialogue.readiness import manage_routes, routes, templating  # noqa: E402,F401
