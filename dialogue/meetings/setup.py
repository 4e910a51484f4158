"""The organiser's set-up: mode, caps, meeting blocks cut into slots, tables and rooms."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select

from dialogue.core.errors import Conflict, DialogueError
from dialogue.core.timeutil import format_local, local_to_utc
from dialogue.core.urls import clean_http_url
from dialogue.extensions import db
from dialogue.meetings.i18n import _
from dialogue.meetings.people import get_settings
from dialogue.models import (
    Event,
    LocationKind,
    Meeting,
    MeetingBlock,
    MeetingLocation,
    MeetingMode,
    MeetingSettings,
    MeetingSlot,
    MeetingStatus,
    utcnow,
)


def ensure_settings(event: Event) -> MeetingSettings:
    settings = get_settings(event)
    if settings is None:
        settings = MeetingSettings(event_id=event.id, mode=MeetingMode.REQUEST, slot_minutes=20, break_minutes=5,
                                   request_expiry_hours=48, max_supplier_staff=2, reminder_minutes=30,
                                   virtual=False)
        db.session.add(settings)
        db.session.flush()
    return settings


def _meetings_exist(event: Event) -> bool:
    return bool(db.session.scalar(select(func.count(Meeting.id)).where(
        Meeting.event_id == event.id, Meeting.status != MeetingStatus.CANCELLED)))


def save_settings(event: Event, *, mode: MeetingMode, slot_minutes: int, break_minutes: int,
                  request_expiry_hours: int, max_meetings_per_supplier: int | None,
                  max_meetings_per_buyer: int | None, max_requests_per_supplier: int | None,
                  max_supplier_staff: int, reminder_minutes: int, virtual: bool,
                  virtual_link_template: str | None) -> MeetingSettings:
    """Slot length and break shape the slots: they change only while no meeting is booked."""
    settings = ensure_settings(event)
    if not 5 <= slot_minutes <= 240:
        raise DialogueError(_("A slot lasts between 5 and 240 minutes."), field="slot_minutes")
    if not 0 <= break_minutes <= 120:
        raise DialogueError(_("A break lasts between 0 and 120 minutes."), field="break_minutes")
    if request_expiry_hours < 1:
        raise DialogueError(_("Requests must stay open for at least one hour."), field="request_expiry_hours")
    for name, value in (("max_meetings_per_supplier", max_meetings_per_supplier),
                        ("max_meetings_per_buyer", max_meetings_per_buyer),
                        ("max_requests_per_supplier", max_requests_per_supplier)):
        if value is not None and value < 1:
            raise DialogueError(_("A cap is at least 1; leave it empty for no cap."), field=name)
    if max_supplier_staff < 1:
        raise DialogueError(_("At least one person of the supplier attends."), field="max_supplier_staff")
    virtual_link_template = (virtual_link_template or "").strip() or None
    if virtual and virtual_link_template and "{code}" not in virtual_link_template:
        raise DialogueError(_("Put {code} in the link where each meeting's own room code goes."),
                            field="virtual_link_template")
    if virtual_link_template:  # every meeting's room link is made from it, so it must be a safe address
        clean_http_url(virtual_link_template.replace("{code}", "code"), "virtual_link_template", max_length=300,
                       message=_("Enter a full address such as https://meet.example.org/room."))
    reslice = (slot_minutes, break_minutes) != (settings.slot_minutes, settings.break_minutes)
    if reslice and _meetings_exist(event):
        raise Conflict(_("Meetings are already booked, so the slot length and break can no longer change."),
                       field="slot_minutes")
    settings.assign(mode=mode, slot_minutes=slot_minutes, break_minutes=break_minutes,
                    request_expiry_hours=request_expiry_hours, max_meetings_per_supplier=max_meetings_per_supplier,
                    max_meetings_per_buyer=max_meetings_per_buyer, max_requests_per_supplier=max_requests_per_supplier,
                    max_supplier_staff=max_supplier_staff, reminder_minutes=reminder_minutes, virtual=virtual,
                    virtual_link_template=virtual_link_template or None)
    if reslice:
        db.session.flush()
        for block in list_blocks(event):
            _cut_slots(event, settings, block)
    db.session.flush()
    return settings


def list_blocks(event: Event) -> list[MeetingBlock]:
    return list(db.session.scalars(select(MeetingBlock).where(MeetingBlock.event_id == event.id)
                                   .order_by(MeetingBlock.starts_at)))


def list_slots(event: Event) -> list[MeetingSlot]:
    return list(db.session.scalars(select(MeetingSlot).where(MeetingSlot.event_id == event.id)
                                   .order_by(MeetingSlot.starts_at)))


def _cut_slots(event: Event, settings: MeetingSettings, block: MeetingBlock) -> None:
    db.session.execute(delete(MeetingSlot).where(MeetingSlot.block_id == block.id))
    length = dt.timedelta(minutes=settings.slot_minutes)
    step = length + dt.timedelta(minutes=settings.break_minutes)
    start = block.starts_at
    while start + length <= block.ends_at:
        db.session.add(MeetingSlot(event_id=event.id, block_id=block.id, starts_at=start, ends_at=start + length))
        start += step
    db.session.flush()
    db.session.expire(block, ["slots"])


def event_hours(event: Event, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """When the event runs on one of its days (UTC): from its start on the first day, until its end
    on the last, the whole day in between."""
    zone = event.timezone
    midnight = local_to_utc(dt.datetime.combine(day, dt.time()), zone)
    next_midnight = local_to_utc(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), zone)
    return max(event.starts_at, midnight), min(event.ends_at, next_midnight)


def add_block(event: Event, day: dt.date, start: dt.time, end: dt.time,
              now: dt.datetime | None = None) -> MeetingBlock:
    """A block lies within the event's hours, in the future, and overlaps no other block: no slot
    is offered when the event is not on."""
    now = now or utcnow()
    settings = ensure_settings(event)
    zone = event.timezone
    first_day = event.starts_at.astimezone(ZoneInfo(zone)).date()
    last_day = event.ends_at.astimezone(ZoneInfo(zone)).date()
    if not first_day <= day <= last_day:
        raise DialogueError(_("Meetings take place during the event: choose a day from %(first)s to %(last)s.",
                              first=first_day.isoformat(), last=last_day.isoformat()), field="day")
    starts_at = local_to_utc(dt.datetime.combine(day, start), zone)
    ends_at = local_to_utc(dt.datetime.combine(day, end), zone)
    if ends_at <= starts_at:
        raise DialogueError(_("The block must end after it starts."), field="end")
    opens, closes = event_hours(event, day)
    if starts_at < opens or ends_at > closes:
        raise DialogueError(_("On that day the event runs from %(start)s to %(end)s. Put the block within "
                              "these hours.", start=format_local(opens, zone, "%H:%M", named=False),
                              end=format_local(closes, zone, "%H:%M", named=False)),
                            field="start" if starts_at < opens else "end")
    if starts_at < now:
        raise DialogueError(_("That time has passed: meeting blocks must be in the future."), field="start")
    if ends_at - starts_at < dt.timedelta(minutes=settings.slot_minutes):
        raise DialogueError(_("The block is shorter than one %(n)s-minute slot.", n=settings.slot_minutes),
                            field="end")
    for other in list_blocks(event):
        if other.starts_at < ends_at and starts_at < other.ends_at:
            raise Conflict(_("This block overlaps the block %(start)s to %(end)s.",
                             start=format_local(other.starts_at, zone),
                             end=format_local(other.ends_at, zone, "%H:%M")), field="start")
    block = MeetingBlock(event_id=event.id, starts_at=starts_at, ends_at=ends_at)
    db.session.add(block)
    db.session.flush()
    _cut_slots(event, settings, block)
    return block


def delete_block(event: Event, block: MeetingBlock, *, actor=None) -> None:
    """Only a block without meetings can go (requests lose the preferred slots in it)."""
    if block.event_id != event.id:
        raise DialogueError(_("That block belongs to another event."))
    booked = db.session.scalar(select(func.count(Meeting.id)).join(MeetingSlot, Meeting.slot_id == MeetingSlot.id)
                               .where(MeetingSlot.block_id == block.id))
    if booked:
        raise Conflict(_("This block has meetings. Cancel or move them first."))
    from dialogue.audit.services import record_action
    from dialogue.core.timeutil import format_local

    record_action(actor, "meetings.block_delete", f"Removed the meeting block from "
                  f"{format_local(block.starts_at, event.timezone)}", event=event)
    db.session.delete(block)
    db.session.flush()


def list_locations(event: Event) -> list[MeetingLocation]:
    return list(db.session.scalars(select(MeetingLocation).where(MeetingLocation.event_id == event.id)
                                   .order_by(MeetingLocation.position, MeetingLocation.id)))


def add_locations(event: Event, *, label: str, count: int, capacity: int, kind: LocationKind) -> list[MeetingLocation]:
    """Add one location, or ``count`` numbered ones ("Table" and 5 gives Table 1 .. Table 5, after the last)."""
    label = (label or "").strip()
    if not label:
        raise DialogueError(_("Give the table or room a name."), field="label")
    if capacity < 2:
        raise DialogueError(_("A meeting place seats at least two people."), field="capacity")
    if not 1 <= count <= 200:
        raise DialogueError(_("Add between 1 and 200 at a time."), field="count")
    existing = list_locations(event)
    names = {loc.label.lower() for loc in existing}
    position = max((loc.position for loc in existing), default=0)
    if count == 1:
        labels = [label]
    else:
        taken = [int(n.rsplit(" ", 1)[1]) for n in names
                 if n.startswith(label.lower() + " ") and n.rsplit(" ", 1)[1].isdigit()]
        first = max(taken, default=0) + 1
        labels = [f"{label} {n}" for n in range(first, first + count)]
    created = []
    for text in labels:
        if text.lower() in names:
            raise Conflict(_("There is already a place called %(label)s.", label=text), field="label")
        position += 1
        location = MeetingLocation(event_id=event.id, label=text[:100], capacity=capacity, kind=kind,
                                   position=position)
        db.session.add(location)
        created.append(location)
    db.session.flush()
    return created


def delete_location(event: Event, location: MeetingLocation, *, actor=None) -> None:
    if location.event_id != event.id:
        raise DialogueError(_("That place belongs to another event."))
    active = db.session.scalar(select(func.count(Meeting.id)).where(
        Meeting.location_id == location.id, Meeting.status != MeetingStatus.CANCELLED))
    if active:
        raise Conflict(_("%(label)s has meetings. Move them first.", label=location.label))
    from dialogue.audit.services import record_action

    record_action(actor, "meetings.location_delete", f"Removed the meeting place {location.label}", event=event)
    db.session.delete(location)
    db.session.flush()
