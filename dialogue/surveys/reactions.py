"""Survey invitations end with the person's place at the event, and with the event itself."""

from __future__ import annotations

import datetime as dt

from dialogue.core.signals import event_cancelled, registration_ended
from dialogue.models import User
from dialogue.surveys.notify import revoke_invitations


@registration_ended.connect
def on_registration_ended(registration, *, now: dt.datetime, **_extra) -> None:
    if registration.user_id is not None:
        revoke_invitations(registration.event, now, user_id=registration.user_id)


@event_cancelled.connect
def on_event_cancelled(event, *, actor: User | None = None, now: dt.datetime, **_extra) -> None:
    count = revoke_invitations(event, now)
    if count:
        from dialogue.audit.services import record_action

        record_action(actor, "survey.revoke", f"Revoked {count} survey invitations with the event", event=event,
                      revoked=count)
