"""A series reacts to its events: when one is published, its followers hear of it."""

from __future__ import annotations

from dialogue.core.signals import event_status_changed
from dialogue.extensions import db
from dialogue.models import EventStatus, Series
from dialogue.series.following import announce


@event_status_changed.connect
def tell_followers(event, *, now, status, **_kwargs) -> None:
    if status != EventStatus.PUBLISHED or event.series_id is None:
        return

    announce(event, db.session.get(Series, event.series_id), now=now)
