"""Translatable messages that also work outside a request (the command line, background runs)."""

from __future__ import annotations

from flask import has_app_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l  # noqa: F401  (re-exported for the meetings modules)
from flask_babel import ngettext as _ngettext


def _(text: str, **variables) -> str:
    # In an app context (requests, commands, workers) Flask-Babel answers in the current locale, which
    # force_locale sets for a mail's recipient; with no app at all the English text is the answer.
    if has_app_context():
        return gettext(text, **variables)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The plural-aware ``_``: ``%(num)s`` is the count."""
    if has_app_context():
        return _ngettext(singular, plural, num, **variables)
    return (singular if num == 1 else plural) % {"num": num, **variables}
