"""Translatable messages that also work outside a request (the command line, background runs)."""

from __future__ import annotations

from flask import has_request_context
from flask_babel import gettext


def _(text: str, **variables) -> str:
    # Flask-Babel picks the locale from the request; without one the English text is the answer.
    if has_request_context():
        return gettext(text, **variables)
    return text % variables if variables else text
