"""Translatable messages that also work outside a request (the demo, commands, tests).

flask_babel's gettext picks the locale from the request; with no request there is nothing to pick
from, so the English source text is used.
"""

from __future__ import annotations

from flask import has_request_context
from flask_babel import gettext, ngettext


def _(text: str, **variables) -> str:
    if has_request_context():
        return gettext(text, **variables)
    return text % variables if variables else text


def n_(singular: str, plural: str, num: int, **variables) -> str:
    if has_request_context():
        return ngettext(singular, plural, num, **variables)
    return (singular if num == 1 else plural) % {"num": num, **variables}
