"""The organisers' export of an event's meetings as CSV."""

from __future__ import annotations

import csv
import io

from dialogue.audit.services import record_action
from dialogue.core.spreadsheet import neutralise
from dialogue.core.timeutil import to_zone
from dialogue.gdpr.names import person_name
from dialogue.meetings.queries import event_meetings
from dialogue.models import Event, Meeting, MeetingSide, MeetingStatus, User

HEADINGS = ["meeting", "status", "start", "end", "time zone", "place", "supplier organisation", "supplier people",
            "buyer organisations", "buyer people", "planned tender or topic", "did not take place", "reported by",
            "note", "cancelled by", "cancel reason"]


def _cell(value) -> str:
    return neutralise("" if value is None else str(value))


def _names(meeting: Meeting, side: MeetingSide) -> str:
    return "; ".join(person_name(p.user) for p in meeting.participants if p.side == side)


def meetings_csv(event: Event, actor: User | None) -> str:
    """Confirmed and cancelled meetings, times in the event's zone; the export is logged."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    meetings = event_meetings(event, (MeetingStatus.CONFIRMED, MeetingStatus.CANCELLED))
    for m in meetings:
        writer.writerow([_cell(v) for v in (
            m.id, m.status.value, to_zone(m.slot.starts_at, event.timezone).isoformat(),
            to_zone(m.slot.ends_at, event.timezone).isoformat(), event.timezone,
            m.location.label if m.location else (m.virtual_url or ""), m.supplier_org.name,
            _names(m, MeetingSide.SUPPLIER),
            "; ".join(sorted({p.organisation.name for p in m.participants
                              if p.side == MeetingSide.BUYER and p.organisation})),
            _names(m, MeetingSide.BUYER), m.subject, "yes" if m.no_show_at else "no",
            person_name(m.no_show_by) if m.no_show_by_id or m.no_show_at else "", m.no_show_note or "",
            person_name(m.cancelled_by) if m.cancelled_at else "", m.cancel_reason or "")])
    record_action(actor, "meetings.export", f"Exported {len(meetings)} meetings as CSV", event=event,
                  meetings=len(meetings))
    return "\ufeff" + buffer.getvalue()
