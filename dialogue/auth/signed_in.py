"""The signed-in person of each request, without a query while nothing about them changed.

Every signed-in page needs the person, their membership and their organisation (the header shows
the organisation). Their columns are kept in this process's memory, never in a shared cache, and
never the password hash (it is read from the database when a page needs it). A kept person is used
only while the versions it was read under are current: any committed change to their row or
membership moves ``("user", id)``, any change to an organisation moves ``("organisations",)``, and
a bulk update moves ``("all",)`` (``dialogue.core.cache``). So a sign-out, a password change, an
erased account or a new role is seen by the very next request, in every process, as before. A kept
person is read again after KEEP_SECONDS in any case, which bounds the harm of a version move lost to
an unreachable cache.

The kept columns are turned into instances of the request's session as if the database had just
returned them: they are persistent, unchanged, and behave exactly as loaded ones.
"""

from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from dialogue.core import cache
from dialogue.extensions import db
from dialogue.models import Membership, Organisation, User

MAX_KEPT = 4096
KEEP_SECONDS = 60
_LEFT_OUT = frozenset({"password_hash"})


def _scopes(user_id: int) -> list:
    return [("user", user_id), ("organisations",)]


cache.watch(User, lambda user: [("user", user.id)])
cache.watch(Membership, lambda membership: [("user", membership.user_id)])
cache.watch(Organisation, lambda _org: [("organisations",)])

_statement = None


def _columns(model: type, row) -> dict:
    return {column.key: getattr(row, column.key) for column in model.__mapper__.column_attrs
            if column.key not in _LEFT_OUT}


def _read(user_id: int) -> tuple[User, tuple] | None:
    global _statement
    if _statement is None:  # built once: every signed-in request may run it
        _statement = (select(User).options(joinedload(User.membership).joinedload(Membership.organisation))
                      .where(User.id == bindparam("user_id")))
    user = db.session.scalar(_statement, {"user_id": user_id})
    if user is None:
        return None
    membership = user.membership
    return user, (_columns(User, user), _columns(Membership, membership) if membership else None,
                  _columns(Organisation, membership.organisation) if membership else None)


def _instance(session, model: type, columns: dict):
    """An instance of the request's session made from kept columns as if just loaded: persistent,
    unchanged, the password hash left to load when read."""
    instance = model(**columns)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


def _held(session, kept: tuple) -> bool:
    """Whether the session already holds the person, their membership or their organisation."""
    return any((model, (columns["id"],), None) in session.identity_map
               for model, columns in zip((User, Membership, Organisation), kept, strict=True) if columns)


def person(user_id: int) -> User | None:
    """The person with this id, as of the last committed change (None if there is none)."""
    session = db.session()
    versions = cache.versions(_scopes(user_id))
    kept_people = current_app.extensions.setdefault("dialogue_signed_in", {})
    kept = kept_people.get(user_id)
    now = time.monotonic()
    # A session that already holds one of the rows (one shared with the code around it) has them read
    # afresh, as loading would, so what it holds is brought up to date in the same statement.
    if kept is None or kept[0] != versions or now - kept[2] > KEEP_SECONDS or _held(session, kept[1]):
        found = _read(user_id)
        if found is None:
            kept_people.pop(user_id, None)
            return None
        if len(kept_people) >= MAX_KEPT:
            kept_people.clear()
        # Filed under the versions read before the query: a change committed meanwhile moves them.
        kept_people[user_id] = (versions, found[1], now)
        return found[0]
    user_columns, membership_columns, organisation_columns = kept[1]
    user = _instance(session, User, user_columns)
    membership = None
    if membership_columns is not None:
        membership = _instance(session, Membership, membership_columns)
        set_committed_value(membership, "organisation", _instance(session, Organisation, organisation_columns))
        set_committed_value(membership, "user", user)
    set_committed_value(user, "membership", membership)
    return user
