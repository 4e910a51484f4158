"""A person's calendar entry for an event: one UID, and a SEQUENCE that only goes up.

Calendars ignore an invitation whose SEQUENCE is not above the last one they saw for the UID,
so registering again after a cancellation must send a higher one.
"""

from icalendar import Calendar

from dialogue.extensions import db
from dialogue.registrations import notify, services


def _entry(message, filename: str) -> tuple[str, str, int]:
    [attachment] = [a for a in message.attachments if a.filename == filename]
    cal = Calendar.from_ical(attachment.data)
    [vevent] = cal.walk("VEVENT")
    return str(cal["method"]), str(vevent["uid"]), int(vevent["sequence"])


def test_register_cancel_register_sends_ever_higher_sequence(make_event, person, outbox):
    event = make_event()
    someone, other = person(), person()
    sent = []

    def received(category: str, filename: str) -> None:
        sent.append(_entry(outbox(category, to=someone.email)[-1], filename))

    first = services.register(event, someone, "supplier")
    db.session.commit()
    received("registration.confirmed", "invite.ics")
    services.cancel_registration(first, someone)
    db.session.commit()
    received("registration.cancelled", "cancel.ics")
    second = services.register(event, someone, "supplier")
    db.session.commit()
    received("registration.confirmed", "invite.ics")
    # The event moves: the entry is replaced again, still above what the person saw.
    event.sequence += 1
    notify.notify_event_changed(event)
    db.session.commit()
    received("event.changed", "invite.ics")
    services.cancel_registration(second, someone)
    db.session.commit()
    received("registration.cancelled", "cancel.ics")
    services.register(event, someone, "supplier")
    db.session.commit()
    received("registration.confirmed", "invite.ics")

    assert [method for method, _, _ in sent] == ["REQUEST", "CANCEL", "REQUEST", "REQUEST", "CANCEL", "REQUEST"]
    assert {uid for _, uid, _ in sent} == {f"event-{event.id}@dialogue.test"}
    sequences = [sequence for _, _, sequence in sent]
    assert sequences == sorted(set(sequences)), sequences  # strictly rising
    # Someone else's entry follows the event alone: their first invitation is the event's SEQUENCE.
    services.register(event, other, "supplier")
    db.session.commit()
    assert _entry(outbox("registration.confirmed", to=other.email)[-1], "invite.ics")[2] == event.sequence


def test_an_event_cancellation_replaces_the_latest_entry(make_event, person, outbox):
    """The event's own CANCEL is above the person's latest invitation, after their re-registration too."""
    from dialogue.events import lifecycle as event_services

    event = make_event()
    someone = person()
    first = services.register(event, someone, "supplier")
    db.session.commit()
    services.cancel_registration(first, someone)
    services.register(event, someone, "supplier")
    db.session.commit()
    invited = _entry(outbox("registration.confirmed", to=someone.email)[-1], "invite.ics")[2]
    event_services.change_status(event, "cancel", reason="The venue flooded.")
    db.session.commit()
    method, _, cancelled = _entry(outbox("event.cancelled", to=someone.email)[-1], "cancel.ics")
    assert method == "CANCEL" and cancelled > invited
