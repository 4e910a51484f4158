"""What erasure does to a row that stays as the record: the link to the person goes, the row stays."""

from __future__ import annotations

from sqlalchemy import update

from dialogue.extensions import db


def forget_person(user, *columns) -> None:
    """Set each of ``columns`` (``Model.created_by_id``...) to None where it names ``user``."""
    for column in columns:
        db.session.execute(update(column.class_).where(column == user.id).values({column.key: None})
                           .execution_options(synchronize_session="fetch"))
