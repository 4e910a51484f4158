"""Long work on the task queue (huey): jobs with progress, their pages and the worker command."""

from flask import Blueprint

bp = Blueprint("jobs", __name__)

from dialogue.jobs import routes, templating  # noqa: E402,F401
