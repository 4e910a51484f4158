"""The invitation list in the consultation record: who was told of the consultation, by organisation.

The record names no invitee (they never agreed to be named); it keeps the organisation, how they came on
the list, when they were invited and reminded, and their answer.
"""

from __future__ import annotations

from flask_babel import gettext as _

from dialogue.core.timeutil import to_zone
from dialogue.models import EventInvitee, InviteeStatus


def record_rows(invitees: list[tuple[EventInvitee, InviteeStatus]], zone: str) -> list[list]:
    def local(value):
        return to_zone(value, zone).replace(tzinfo=None) if value else None

    return [[i.organisation or "", str(i.source.label), local(i.invited_at), i.reminders_sent,
             str(status.label), local(i.declined_at)] for i, status in invitees]


def record_table(invitees: list[tuple[EventInvitee, InviteeStatus]], zone: str) -> tuple[str, list, list]:
    return ("invitations.csv", [_("Organisation"), _("On the list from"), _("Invited (%(zone)s)", zone=zone),
                                _("Reminders"), _("Answer"), _("Declined (%(zone)s)", zone=zone)],
            record_rows(invitees, zone))
