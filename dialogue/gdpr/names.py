"""How pages, mail and exports name a person whose account was erased.

The procurement record keeps the organisation, the role and what happened; the person is shown as
"(erased account)". Templates use the ``person_name`` filter, Python code ``person_name()``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ERASED = _l("(erased account)")


def person_name(user) -> str:
    return user.name if user is not None else str(ERASED)
