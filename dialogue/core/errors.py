"""The one exception family services raise, and the error pages."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from dialogue.core.deferred import Deferred


class DialogueError(Exception):
    """A rule was not met; the message is for the person who asked."""

    status_code = 400

    def __init__(self, message: str | Deferred, field: str | None = None):
        # A deferred message (raised where nobody reads it now: a task-queue worker) keeps its source,
        # so the page that shows it later translates it for its reader; ``message`` is the text now.
        self.source = message if isinstance(message, Deferred) else None
        message = str(message)
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotAllowed(DialogueError):
    status_code = 403


class NotFound(DialogueError):
    status_code = 404


class Conflict(DialogueError):
    status_code = 409


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("That action is not allowed here"),
    409: _l("That change conflicts with the current state"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}


def _render(code: int, message: str | None = None):
    from dialogue.extensions import db

    # Nothing half-written: whatever the failed request had added to the session is dropped.
    db.session.rollback()
    title = str(ERROR_TITLES.get(code) or _("Error"))
    if request.accept_mimetypes.best == "application/json":
        return {"error": title, "message": message}, code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _render(400, _("Your form expired or was sent from another site. Go back, reload the page "
                              "and try again."))

    @app.errorhandler(DialogueError)
    def dialogue_error(exc: DialogueError):
        return _render(exc.status_code, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 413:
            limit_mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            return _render(413, _("The request is larger than the limit of %(limit)s MB. "
                                  "Choose a smaller file and try again.", limit=limit_mb))
        if exc.code == 429:
            return _render(429, _("You have tried this too often. Wait a few minutes and try again."))
        description = exc.description if exc.code in (400, 403, 404, 405) and exc.description and \
            not exc.description.startswith(("The requested URL", "The browser (or proxy)",
                                            "You don't have the permission", "The method is not")) else None
        return _render(exc.code or 500, description)

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _render(500, _("The error has been logged. Please try again in a moment."))
