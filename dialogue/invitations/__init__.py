"""An event's invitation list: invitees imported from CSV, sent tracked invitations and reminders, each
with a status worked out from the data (registered, declined, no answer). The list is part of the
consultation record: it shows who was told of the consultation."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)

from dialogue.invitations import routes  # noqa: E402,F401
