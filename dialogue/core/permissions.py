"""Small permission checks used by views. Each one aborts with 403 (or 404 where existence is private)."""

from __future__ import annotations

from functools import wraps
from typing import Callable, TypeVar

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select

from dialogue.extensions import db

T = TypeVar("T")


def signed_in(user) -> bool:
    """A signed-in person: neither nobody (None) nor Flask-Login's anonymous visitor."""
    return user is not None and bool(getattr(user, "is_authenticated", False))


def require_admin() -> None:
    if not (current_user.is_authenticated and current_user.is_admin):
        abort(403, _("Only platform administrators can do this."))


def require_verified() -> None:
    if not current_user.is_verified:
        abort(403, _("Confirm your email address first: use the link we sent you, or ask for a new one "
                     "on your account page."))


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        require_admin()
        return view(*args, **kwargs)

    return wrapper


def public_or_404(query: Select, options: tuple, insider: Callable[[T], bool]) -> T:
    """The one row of ``query``, loaded with ``options``; 404 when it is not there or, while it is not
    public (a draft), for anyone but its ``insider`` people: a draft's existence is private."""
    return visible_or_404(db.session.scalar(query.options(*options) if options else query), insider)


def visible_or_404(row: T | None, insider: Callable[[T], bool]) -> T:
    """``row``, unless it is missing or, while it is not public, the reader is not one of its
    ``insider`` people: then the 404 page."""
    if row is None or (not row.is_public and not insider(row)):
        abort(404)
    return row
