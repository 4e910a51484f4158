"""Event series: an interest group's meetings or a working group's workshops, with a public page of past and
upcoming events, followers told of the next one, and invitations to those who came before."""

from flask import Blueprint

bp = Blueprint("series", __name__)

from dialogue.series import event_routes, follow_routes, reactions, routes, templating  # noqa: E402,F401
