"""What the event page asks of the series feature, through one included partial."""

from __future__ import annotations

from dialogue.extensions import db
from dialogue.models import Event, Series
from dialogue.series import bp


@bp.app_template_global()
def series_of(event: Event) -> Series | None:
    return db.session.get(Series, event.series_id) if event.series_id else None
