"""Web addresses: the absolute links the app hands out, and the ones people give.

Links the app writes into mail, calendar files, feeds and open data are built on BASE_URL by
``external_url`` / ``on_base_url``, never from the request's Host header: a forged Host must not turn a
password-reset mail into a link to someone else's site, nor change an identifier in a feed.

Addresses people give (room links, websites, contract notices) may only be plain http(s) links. Such
addresses end up in ``href`` attributes, redirects, mail and calendar files, so anything else
(``javascript:``, ``data:``, ``file:``, a user name and password, hidden control characters) is refused
by the service and, for a message next to the field, by the form.
"""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from typing import Callable, Iterator
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from dialogue.core.errors import DialogueError

MAX_URL_LENGTH = 500
# The wording the materials page has always used; features with a more specific sentence pass their own.
URL_MESSAGE = _l("Enter a web address that starts with https:// or http://.")


@contextmanager
def on_base_url() -> Iterator[Callable[..., str]]:
    """Yield ``link(endpoint, **values)`` building absolute links on BASE_URL; one context serves a batch."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"].rstrip("/")):
        yield lambda endpoint, **values: url_for(endpoint, _external=True, **values)


def safe_next(target: str | None) -> str:
    """Only same-site paths: a crafted ?next= must not send people elsewhere.

    Control characters (CR, LF, tab, ...) are refused outright: browsers drop some of them, so
    "/\t/evil.example" would become "//evil.example", and CR/LF have no business in a Location header.
    """
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc \
            and "\\" not in target and not any(unicodedata.category(ch) == "Cc" for ch in target):
        return target
    return url_for("main.home")


def external_url(endpoint: str, **values) -> str:
    """One absolute link on BASE_URL (for a mail, a calendar file, a QR code)."""
    with on_base_url() as link:
        return link(endpoint, **values)


def url_problem(value: str, max_length: int = MAX_URL_LENGTH, message: str | None = None) -> str | None:
    """Why ``value`` is not an http(s) address a page may link to; None when it is one."""
    if len(value) > max_length:
        return _("Use at most %(n)d characters.", n=max_length)
    refused = str(message or URL_MESSAGE)
    if any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value):
        return refused
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return refused
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return refused
    if "@" in parts.netloc:  # user:password@host hides the real host from the reader
        return refused
    return None


def clean_http_url(value: str | None, field: str | None = None, *, max_length: int = MAX_URL_LENGTH,
                   message: str | None = None) -> str | None:
    """The address without surrounding spaces, or None when empty; DialogueError (on ``field``) if unsafe."""
    value = (value or "").strip()
    if not value:
        return None
    problem = url_problem(value, max_length, message)
    if problem:
        raise DialogueError(problem, field=field)
    return value


class HttpUrl:
    """WTForms validator: an empty field passes (pair with DataRequired where one is required)."""

    def __init__(self, max_length: int = MAX_URL_LENGTH, message=None):
        self.max_length = max_length
        self.message = message

    def __call__(self, form, field) -> None:
        value = (field.data or "").strip()
        if value:
            problem = url_problem(value, self.max_length, self.message)
            if problem:
                raise ValidationError(problem)
