"""Response headers that hold on every page.

Personal data is never kept by a browser or a proxy cache: every response to a signed-in person,
every page whose address carries a secret token (tickets, calendar feeds, survey and unsubscribe
links, sign-in and reset links) and every view marked ``@personal_page`` (it shows something of
the visitor's session) gets ``Cache-Control: private, no-store``, whatever the view set. Public
pages seen signed out keep their own caching (``dialogue.core.cache``, the API's max-age).
"""

from functools import wraps

from flask import Flask, Response, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "media-src 'self'",      # the check-in page's camera picture is a local stream, not a fetched file
    "worker-src 'self'",     # the check-in service worker
    "manifest-src 'self'",   # the door app's manifest
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


NO_STORE = "private, no-store"

# A URL argument by one of these names is a secret that stands for a person.
SECRET_URL_ARGUMENTS = frozenset({"token"})


def personal_page(view):
    """Mark a view whose page shows what belongs to the visitor (from their session, say)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    wrapper.personal_page = True
    return wrapper


def is_personal_response(app: Flask) -> bool:
    if request.endpoint is None or request.endpoint == "static" or request.endpoint.endswith(".static"):
        return False
    if SECRET_URL_ARGUMENTS.intersection(request.view_args or ()):
        return True
    if getattr(app.view_functions.get(request.endpoint), "personal_page", False):
        return True
    return bool(current_user) and current_user.is_authenticated


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if is_personal_response(app):
            headers["Cache-Control"] = NO_STORE
            headers.pop("Expires", None)
        return response
