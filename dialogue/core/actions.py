"""One path for every POST: validate, call the service once, commit once, answer a refusal the same way.

Views hand ``perform`` the service call as a function of no arguments; it is the one place that
commits or rolls back a request's changes (Indico's ``RH.process`` is the model). A refusal gets one
answer in every feature:

- ``NotAllowed`` -> the 403 page, ``NotFound`` -> the 404 page (the error handler rolls back);
- any other ``DialogueError`` -> with a form and a page to show it on: the message next to its field
  (or above the form) on the page re-rendered with the refusal's status (400, or 409 for a
  ``Conflict``); without one: the message flashed as an error and a redirect back.

A form that does not validate is shown again with status 400 (with no page to show it on: a 400).

A refusal that names several fields at once (it carries ``errors``: field name -> messages) puts each
message next to its field.

Views that answer with a file, JSON or a page of their own rather than a redirect use ``attempt``: the
same 403/404 pages, the same message next to the field on a re-rendered page, and with no page the
error pages (JSON when JSON is asked for).

Shapes built on ``perform`` so that views do not write the same steps again: ``form_page`` (a page
with one form, GET shows it, POST performs it), ``child_or_404`` (a row that must belong to the
page's event or intent), ``found_or_404`` (what a lookup found, or the 404 page), ``post_views`` (a
family of POST views that differ only in data, written as a table), ``page_views`` (the forms and
buttons of one page, as such a table) and ``page_view`` (the GET view of such a page).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, TypeVar

from flask import Blueprint, abort, flash, make_response, redirect, request
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from dialogue.core.errors import DialogueError, NotAllowed, NotFound
from dialogue.core.forms import attach_error
from dialogue.extensions import db

T = TypeVar("T")
Target = str | Callable[[Any], str]
Success = str | Callable[[Any], Any]


def form_status(form: FlaskForm) -> int:
    """The status of a page that shows a form: 400 once it carries an error, else 200."""
    return 400 if form.errors or form.form_errors else 200


def attach_errors(form: FlaskForm, errors: Mapping[str, list[str]]) -> None:
    """Put each message next to its field (``items-0-quantity`` is a field of a row), the rest above the form."""
    fields = {}
    for field in form:
        fields[field.name] = field
        for entry in getattr(field, "entries", ()):
            for sub in entry.form:
                fields[sub.name] = sub
    for name, messages in errors.items():
        field = fields.get(name)
        if field is None:
            form.form_errors.extend(messages)
            continue
        field.errors = list(field.errors)
        field.errors.extend(m for m in messages if m not in field.errors)


_WROTE = "dialogue_transaction_wrote"


@sa_event.listens_for(Session, "before_flush")
def _note_flush(session: Session, _context, _instances) -> None:
    session.info[_WROTE] = True


@sa_event.listens_for(Session, "do_orm_execute")
def _note_write(state) -> None:
    if not state.is_select:
        state.session.info[_WROTE] = True


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_writes(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def _wrote(session: Session) -> bool:
    """Whether the transaction wrote or means to write anything: pending or changed rows, a flush,
    an UPDATE/INSERT/DELETE."""
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


def _end_refused(page: Callable[[], Any] | None = None) -> Any:
    """End the transaction of a refused action; with ``page``, give what it renders.

    Anything written is rolled back before the page is rendered. A refusal that wrote nothing has its
    page rendered in the same transaction: the rows it loaded still hold what the database holds, so
    the page reads them without loading them again and what it adds is read without starting a
    transaction anew (a booking refused because the slot was just taken, hundreds of times a minute
    when a calendar opens). The transaction then ends without expiring anything.
    """
    session = db.session()
    if _wrote(session):
        session.rollback()
        return page() if page is not None else None
    shown = page() if page is not None else None
    if _wrote(session):  # the page must not write; if it did, none of it is kept
        session.rollback()
        return shown
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()  # nothing to write: only ends the transaction (and its locks)
    except Exception:  # noqa: BLE001 - a transaction the database has failed: roll it back
        session.rollback()
    finally:
        session.expire_on_commit = keep
    return shown


def _show_refusal(form: FlaskForm, exc: DialogueError) -> None:
    errors = getattr(exc, "errors", None)
    if errors:
        attach_errors(form, errors)
    else:
        attach_error(form, exc)


def attempt(action: Callable[[], T], *, form: FlaskForm | None = None, page: Callable[[], Any] | None = None) -> T:
    """Run ``action`` (a check or one service call) for a view that does not answer with a redirect.

    Gives the action's result; commits nothing. A refusal is answered as ``perform`` answers it: the
    403/404 pages; another refusal is rolled back and shown next to its field on ``page`` (with the
    refusal's status), or without a page given the error page with its status.
    """
    try:
        return action()
    except (NotAllowed, NotFound):
        raise
    except DialogueError as exc:
        db.session.rollback()
        if form is None or page is None:
            raise
        _show_refusal(form, exc)
        abort(make_response(page(), exc.status_code))


def perform(action: Callable[[], T], *, to: Target, form: FlaskForm | None = None,
            page: Callable[[], Any] | None = None, success: Success | None = None,
            back: str | None = None, after: Callable[[T], Any] | None = None,
            invalid: Callable[[], Any] | None = None):
    """Run ``action`` (one service call) and answer as the module's docstring says.

    ``to``: where to go after success (a URL, or a function of the action's result that gives one);
    ``page``: renders the page that holds ``form`` (called again after a refusal, so it shows the
    form's errors); ``success``: flashed after the commit (a text, or a function of the action's result
    when the message tells what it made; the function may give ``(message, category)`` when the
    outcome is not a success to celebrate); ``back``: where a flashed refusal goes
    (default: ``to``, when it is a URL); ``after``: work that must wait for the commit (removing
    files the action let go of), given the action's result; ``invalid``: called before the page is
    shown again for a form that does not validate (to add what the form's own checks cannot say).
    """
    if form is not None and not form.validate_on_submit():
        if page is None:
            abort(400)
        if invalid is not None:
            invalid()
        return page(), 400
    try:
        result = action()
    except (NotAllowed, NotFound):
        raise
    except DialogueError as exc:
        if form is not None and page is not None:
            _show_refusal(form, exc)
            return _end_refused(page), exc.status_code
        _end_refused()
        flash(exc.message, "error")
        return redirect(back or (to if isinstance(to, str) else "/"), 303)
    db.session.commit()
    if after is not None:
        after(result)
    if success:
        message = success(result) if callable(success) else success
        text, category = message if isinstance(message, tuple) else (message, "success")
        flash(str(text), category)
    return redirect(to(result) if callable(to) else to, 303)


def form_page(action: Callable[[], T], *, form: FlaskForm, page: Callable[[], Any],
              fill: Callable[[], Any] | None = None, **answer):
    """A page with one form: a GET shows it (``fill`` first puts the current values in), a POST goes
    through ``perform`` (``answer``: its ``to``, ``success``...)."""
    if request.method != "POST":
        if fill is not None:
            fill()
        return page()
    return perform(action, form=form, page=page, **answer)


def child_or_404(model: type[T], item_id: int, **parent: int) -> T:
    """A row that must belong to the page's parent (``event_id=event.id``): 404 when it is not there or
    belongs to another."""
    item = db.session.get(model, item_id)
    if item is None or any(getattr(item, name) != value for name, value in parent.items()):
        abort(404)
    return item


def found_or_404(value: T | None, message: str | None = None) -> T:
    """What a lookup found (a row for a link's token...), or the 404 page, saying ``message`` when the
    person should be told why (a link that is not valid)."""
    if value is None:
        abort(404, message)
    return value


def item_or_404(items, item_id: int):
    """One of the rows a page has already loaded (a group's members, a survey's sections...), by id: 404
    when it is not among them."""
    item = next((i for i in items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


def post_views(bp: Blueprint, rule: str, table: Mapping[str, tuple], make_view: Callable[..., Callable]) -> None:
    """Register a family of POST views that differ only in data, one row of ``table`` each.

    ``table`` maps an endpoint to ``(path, *spec)``; the view is ``make_view(*spec)`` at ``rule`` with
    ``{path}`` filled in, for signed-in people only. Texts in a row are lazy (``_l``): they are read in
    the language of each request.
    """
    for endpoint, (path, *spec) in table.items():
        view = make_view(*spec)
        view.__name__ = endpoint
        bp.add_url_rule(rule.format(path=path), endpoint, login_required(view), methods=["POST"])


def page_views(bp: Blueprint, rule: str, table: Mapping[str, tuple], *, load: Callable[..., Any],
               render: Callable[..., Any], to: Callable[[Any, str | None], str], owner: str = "event_id") -> None:
    """Register the POST views of one page, whose forms differ only in data, through ``post_views``.

    ``load(**view_args)`` gives the page's subject (an event...) and checks who asks. Each row is
    ``endpoint: (path, where, form, change, success[, shown_as[, model]])``: ``form()`` builds the
    form; ``change(subject, form, item)`` is the one service call, where ``item`` is the ``model`` row
    named by the path's id, which must belong to the subject (its ``owner`` column); a form shown on
    the page (``shown_as``: its keyword to ``render(subject, ...)``) gets its refusal there, a button's
    refusal is flashed. Success and refusal both go to ``to(subject, where)`` (``where``: a section of the
    page, another page...).
    """
    def make_view(path: str, where: str | None, form_class: Callable[[], FlaskForm], change: Callable[..., Any],
                  success: Success, shown_as: str | None = None, model: type | None = None):
        item_arg = re.search(r"<(?:\w+:)?(\w+)>", path).group(1) if model is not None else None

        def view(**args):
            item_id = args.pop(item_arg) if item_arg else None
            subject = load(**args)
            item = child_or_404(model, item_id, **{owner: subject.id}) if model is not None else None
            form = form_class()
            page = (lambda: render(subject, **{shown_as: form})) if shown_as else None
            return perform(lambda: change(subject, form, item), form=form, page=page, success=success,
                           to=to(subject, where))
        return view

    post_views(bp, rule, {endpoint: (row[0], *row) for endpoint, row in table.items()}, make_view)


def page_view(bp: Blueprint, rule: str, endpoint: str, *, load: Callable[..., Any], render: Callable[[Any], Any],
              signed_in: bool = True) -> None:
    """Register the GET view of a page about one subject (an event, a group...): ``render(load(**view_args))``.

    ``load`` gives the subject or the 404/403 page and checks who asks; the page's forms post to views
    of their own (``perform``, ``page_views``)."""
    def view(**args):
        return render(load(**args))

    view.__name__ = endpoint
    bp.add_url_rule(rule, endpoint, login_required(view) if signed_in else view, methods=["GET"])
