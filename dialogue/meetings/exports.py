"""The organisers' export of an event's meetings as CSV, and the query behind their overview pages."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.audit.services import record_action
from dialogue.core.spreadsheet import neutralise
from dialogue.core.timeutil import to_zone
from dialogue.extensions import db
from dialogue.gdpr.names import person_name
from dialogue.models import Event, Meeting, MeetingParticipant, MeetingSide, MeetingStatus, User

HEADINGS = ["meeting", "status", "start", "end", "time zone", "place", "supplier organisation", "supplier people",
            "buyer organisations", "buyer people", "planned tender or topic", "did not take place", "reported by",
            "note", "cancelled by", "cancel reason"]


def event_meetings(event: Event, statuses=None) -> list[Meeting]:
    """The event's meetings with what the pages show, in time and table order, in a fixed number of queries."""
    query = (select(Meeting).options(
        joinedload(Meeting.slot), joinedload(Meeting.location), joinedload(Meeting.supplier_org),
        joinedload(Meeting.intent), joinedload(Meeting.no_show_by), joinedload(Meeting.cancelled_by),
        selectinload(Meeting.participants).joinedload(MeetingParticipant.user),
        selectinload(Meeting.participants).joinedload(MeetingParticipant.organisation))
        .where(Meeting.event_id == event.id))
    if statuses:
        query = query.where(Meeting.status.in_(statuses))
    meetings = list(db.session.scalars(query).unique())
    return sorted(meetings, key=lambda m: (m.slot.starts_at, m.location.position if m.location else 0, m.id))


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
