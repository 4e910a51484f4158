"""One path for every POST: validate, call the service once, commit once, answer a refusal the same way.

Views hand ``perform`` the service call as a function of no arguments; it is the one place that
commits or rolls back a request's changes (Indico's ``RH.process`` is the model). A refusal gets one
answer in every feature:

- ``NotAllowed`` -> the 403 page, ``NotFound`` -> the 404 page (the error handler rolls back);
- any other ``DialogueError`` -> with a form and a page to show it on: the message next to its field
  (or above the form) on the page re-rendered with the refusal's status (400, or 409 for a
  ``Conflict``); without one: the message flashed as an error and a redirect back.

A form that does not validate is shown again with status 400 (with no page to show it on: a 400).
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from flask import abort, flash, redirect
from flask_wtf import FlaskForm

from dialogue.core.errors import DialogueError, NotAllowed, NotFound
from dialogue.core.forms import attach_error
from dialogue.extensions import db

T = TypeVar("T")
Target = str | Callable[[Any], str]


def form_status(form: FlaskForm) -> int:
    """The status of a page that shows a form: 400 once it carries an error, else 200."""
    return 400 if form.errors or form.form_errors else 200


def perform(action: Callable[[], T], *, to: Target, form: FlaskForm | None = None,
            page: Callable[[], Any] | None = None, success: str | Callable[[T], str] | None = None,
            back: str | None = None):
    """Run ``action`` (one service call) and answer as the module's docstring says.

    ``to``: where to go after success (a URL, or a function of the action's result that gives one);
    ``page``: renders the page that holds ``form`` (called again after a refusal, so it shows the
    form's errors); ``success``: flashed after the commit (a text, or a function of the action's result
    when the message tells what it made); ``back``: where a flashed refusal goes
    (default: ``to``, when it is a URL).
    """
    if form is not None and not form.validate_on_submit():
        if page is None:
            abort(400)
        return page(), 400
    try:
        result = action()
    except (NotAllowed, NotFound):
        raise
    except DialogueError as exc:
        db.session.rollback()
        if form is not None and page is not None:
            attach_error(form, exc)
            return page(), exc.status_code
        flash(exc.message, "error")
        return redirect(back or (to if isinstance(to, str) else "/"), 303)
    db.session.commit()
    if success:
        flash(success(result) if callable(success) else success, "success")
    return redirect(to(result) if callable(to) else to, 303)
