"""What the mail pages read: one page of messages and the count by status, for the whole outbox or one event."""

from __future__ import annotations

from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import OutboxMessage, OutboxStatus


def status_counts(event_id: int | None = None) -> dict[OutboxStatus, int]:
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if event_id is not None:
        query = query.where(OutboxMessage.event_id == event_id)
    return dict(db.session.execute(query).all())


def messages_page(status: str | None, page: int, page_size: int,
                  event_id: int | None = None) -> tuple[list[OutboxMessage], bool]:
    """The newest first, and whether a next page follows."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if event_id is not None:
        query = query.where(OutboxMessage.event_id == event_id)
    if status:
        query = query.where(OutboxMessage.status == status)
    messages = list(db.session.scalars(query.limit(page_size + 1).offset((page - 1) * page_size)))
    return messages[:page_size], len(messages) > page_size
