"""The organisers' switch that lets match scores weigh in the auto-scheduler's priorities."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from dialogue.audit.services import record_action
from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import Event, MeetingSettings, User


def set_use_match_scores(event: Event, on: bool, actor: User | None) -> MeetingSettings:
    """Only an event whose meetings are set up has a scheduler to feed."""
    settings = db.session.scalar(select(MeetingSettings).where(MeetingSettings.event_id == event.id))
    if settings is None:
        raise DialogueError(_("Set up the meetings of this event first."))
    settings.use_match_scores = on
    db.session.flush()
    record_action(actor, "matching.use_match_scores",
                  "Match scores now weigh in the auto-scheduler's priorities" if on else
                  "Match scores no longer weigh in the auto-scheduler's priorities", event=event, on=on)
    return settings
