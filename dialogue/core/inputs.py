"""Request data the database cannot hold is refused at the door, with a 404 or a 400, never a 500.

Ids are ``integer`` columns on PostgreSQL: a number past 2**31 - 1 in a URL, a query string or a form
makes the database raise, and a NUL character is refused by psycopg in any text. Both are stopped here,
once for every route, instead of in each view.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

# The largest value of a PostgreSQL ``integer`` (ids, counts, numbers of versions and lots).
MAX_INT = 2**31 - 1


def bounded_int(value: Any) -> int:
    """A whole number from 0 to MAX_INT, or ValueError: for ``request.args.get(type=...)`` and ``coerce=``."""
    if isinstance(value, bool):
        raise ValueError("not a whole number")
    number = int(value.strip() if isinstance(value, str) else value)
    if not 0 <= number <= MAX_INT:
        raise ValueError("out of range")
    return number


def parse_id(value: Any) -> int | None:
    """An id sent as text (a hidden field, a query parameter); None when it is not one a row can have."""
    if value is None or value == "":
        return None
    try:
        return bounded_int(value)
    except (TypeError, ValueError):
        return None


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that does not match past MAX_INT, so a huge id is a plain 404."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        bound = MAX_INT if max is None or max > MAX_INT else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=signed)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(item) for item in value)
    return False


def refuse_nul() -> None:
    """NUL cannot be stored in text on PostgreSQL: refuse it in the path, the query, the form and JSON."""
    found = "\x00" in request.path or any(_has_nul(k) or _has_nul(v) for k, v in request.args.items(multi=True))
    if not found and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        # File names are left to the upload checks, which answer next to the file field.
        found = any(_has_nul(k) or _has_nul(v) for k, v in request.form.items(multi=True))
        if not found and request.is_json:
            found = _has_nul(request.get_json(silent=True))
    if found:
        abort(400, _("The text contains a character that cannot be stored (NUL). Remove it and try again."))


def register_input_guards(app: Flask) -> None:
    """Call before the blueprints are registered: their rules take the converter in place at that time."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_nul)
