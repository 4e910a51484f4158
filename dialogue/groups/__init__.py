"""Buyer groups and networks: members and coordinators, a joint statement of demand that members sign, and a
library of harmonised criteria that the members' planned tenders adopt."""

from flask import Blueprint

bp = Blueprint("groups", __name__)

from dialogue.groups import (  # noqa: E402,F401
    adoption_routes,
    library_routes,
    routes,
    statement_routes,
    templating,
)
