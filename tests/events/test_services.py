import datetime as dt

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.events import agenda, lifecycle, queries, services
from dialogue.events import staff as event_staff
from dialogue.extensions import db
from dialogue.models import (
    Event,
    EventStatus,
    MemberRole,
    OrganisationKind,
    ParticipantRole,
    RegistrationState,
    SessionKind,
    StaffRole,
    utcnow,
)


def test_buyer_admin_creates_a_draft_co_hosted_by_their_city_and_organises_it(buyer_admin, make_org, details):
    malmo = make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Malmö")
    event = services.create_event(buyer_admin, details(), cohosts=[malmo])
    db.session.commit()
    assert event.status == EventStatus.DRAFT
    assert event.slug == "nordic-forum"
    assert [c.organisation.name for c in event.cohosts] == ["City of Helsinki", "City of Malmö"]
    assert [(s.user, s.role) for s in event.staff] == [(buyer_admin, StaffRole.ORGANISER)]
    assert event.created_by_id == buyer_admin.id
    # The same title again gets its own address.
    assert services.create_event(buyer_admin, details()).slug == "nordic-forum-2"


def test_platform_admin_creates_with_chosen_co_hosts(make_user, make_org, details):
    admin = make_user(admin=True, with_org=False)
    oslo = make_org(kind=OrganisationKind.PUBLIC_BUYER)
    with pytest.raises(DialogueError, match="at least one public buyer"):
        services.create_event(admin, details(), cohosts=[])
    event = services.create_event(admin, details(), cohosts=[oslo], slug="oslo-day")
    assert [c.organisation for c in event.cohosts] == [oslo] and event.slug == "oslo-day"


@pytest.mark.parametrize("kind, role", [
    (OrganisationKind.PUBLIC_BUYER, MemberRole.MEMBER),
    (OrganisationKind.SUPPLIER, MemberRole.ADMIN),
    (OrganisationKind.CIVIL_SOCIETY, MemberRole.ADMIN),
])
def test_only_buyer_admins_and_platform_admins_create_events(make_user, make_org, details, kind, role):
    user = make_user(make_org(kind=kind), role=role)
    assert not services.can_create_events(user)
    with pytest.raises(NotAllowed):
        services.create_event(user, details())
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


@pytest.mark.parametrize("change, field, message", [
    ({"title": "  "}, "title", "Enter the title"),
    ({"timezone": "Mars/Olympus"}, "timezone", "time zone"),
    ({"ends_at": "start"}, "ends_at", "end after it starts"),
    ({"registration_closes_at": "after_end"}, "registration_closes_at", "before the event ends"),
    ({"registration_opens_at": "after_end"}, "registration_opens_at", "open before it closes"),
    ({"cancellation_deadline": "after_end"}, "cancellation_deadline", "before the event ends"),
    ({"languages": []}, "languages", "at least one language"),
    ({"languages": ["en", "xx"]}, "languages", "at least one language"),
    ({"online_url": "javascript:alert(1)"}, "online_url", "https://"),
    ({"contact_email": "not an address"}, "contact_email", "valid email"),
    ({"format": "carrier-pigeon"}, "format", "in person, online or hybrid"),
])
def test_bad_event_details_are_refused_at_the_field(buyer_admin, details, change, field, message):
    base = details()
    resolved = {k: (base.starts_at if v == "start" else base.ends_at + dt.timedelta(hours=1) if v == "after_end"
                    else v) for k, v in change.items()}
    with pytest.raises(DialogueError, match=message) as exc:
        services.create_event(buyer_admin, details(**resolved))
    assert exc.value.field == field


@pytest.mark.parametrize("slug, message", [("Bad Slug!", "lower-case"), ("new", "reserved"), ("taken", "already uses")])
def test_bad_slugs(buyer_admin, details, make_event, slug, message):
    make_event(slug="taken")
    with pytest.raises(DialogueError, match=message):
        services.create_event(buyer_admin, details(), slug=slug)


def test_publish_needs_a_venue_or_online_link_and_moves_through_the_life_cycle(buyer_admin, details):
    event = services.create_event(buyer_admin, details(venue=None, format="hybrid"))
    with pytest.raises(DialogueError, match="venue") as exc:
        lifecycle.change_status(event, "publish")
    assert exc.value.field == "venue"
    event.venue = "City Hall"
    with pytest.raises(DialogueError, match="online link"):
        lifecycle.change_status(event, "publish")
    event.online_url = "https://meet.example.org/x"
    assert lifecycle.change_status(event, "publish") == EventStatus.PUBLISHED
    assert lifecycle.change_status(event, "close_registration") == EventStatus.REGISTRATION_CLOSED
    assert lifecycle.change_status(event, "reopen_registration") == EventStatus.PUBLISHED
    with pytest.raises(Conflict, match="not started yet"):
        lifecycle.change_status(event, "finish")
    assert lifecycle.change_status(event, "finish", now=event.starts_at + dt.timedelta(hours=1)) == \
        EventStatus.FINISHED
    with pytest.raises(Conflict, match="finished"):
        lifecycle.change_status(event, "cancel")
    with pytest.raises(Conflict, match="can no longer be changed"):
        services.update_event(event, details())


def test_cancelling_tells_everyone_registered_with_a_calendar_cancellation(make_user, make_event, make_registration,
                                                                          outbox):
    event = make_event(organiser=make_user(role=MemberRole.ADMIN))
    confirmed = make_registration(event)
    waiting = make_registration(event, state=RegistrationState.WAITLISTED)
    make_registration(event, state=RegistrationState.CANCELLED)
    lifecycle.change_status(event, "cancel", reason="The venue flooded.")
    db.session.commit()
    mails = outbox("event.cancelled")
    assert sorted(m.recipients[0] for m in mails) == sorted([confirmed.user.email, waiting.user.email])
    assert all(m.event_id == event.id and "The venue flooded." in m.body_text for m in mails)
    [to_confirmed] = [m for m in mails if m.recipients == [confirmed.user.email]]
    [attachment] = to_confirmed.attachments
    assert attachment.content_type == "text/calendar; method=CANCEL"
    [vevent] = Calendar.from_ical(attachment.data).walk("VEVENT")
    assert str(vevent["status"]) == "CANCELLED" and int(vevent["sequence"]) == 1
    assert str(vevent["uid"]) == f"event-{event.id}@dialogue.test"


def test_changing_the_time_bumps_sequence_and_sends_the_updated_entry(make_user, make_event, make_registration,
                                                                      outbox, details):
    organiser = make_user(role=MemberRole.ADMIN)
    event = make_event(organiser=organiser, venue="Hall", contact_email="x@example.org")
    confirmed = make_registration(event)
    make_registration(event, state=RegistrationState.WAITLISTED)
    same = details(title=event.title, venue="Hall", contact_email="x@example.org", languages=["en"],
                   starts_at=event.starts_at, ends_at=event.ends_at, summary=event.summary,
                   description="Now with **more** detail")
    assert services.update_event(event, same) is False
    assert event.sequence == 0 and outbox("event.changed") == []
    moved = details(**{**same.__dict__, "starts_at": event.starts_at + dt.timedelta(hours=1)})
    assert services.update_event(event, moved) is True
    db.session.commit()
    assert event.sequence == 1
    [mail] = outbox("event.changed")
    assert mail.recipients == [confirmed.user.email]
    [vevent] = Calendar.from_ical(mail.attachments[0].data).walk("VEVENT")
    assert int(vevent["sequence"]) == 1
    assert vevent.decoded("dtstart").astimezone(dt.timezone.utc) == event.starts_at


def test_published_address_cannot_change(make_event, details):
    event = make_event()
    with pytest.raises(DialogueError, match="cannot change") as exc:
        services.update_event(event, details(), slug="another-address")
    assert exc.value.field == "slug"


def test_cohosts_are_public_buyers_and_at_least_one_stays(make_user, make_org, make_event):
    helsinki = make_org(kind=OrganisationKind.PUBLIC_BUYER)
    organiser = make_user(helsinki, role=MemberRole.ADMIN)
    event = make_event(organiser=organiser)
    with pytest.raises(DialogueError, match="not a public buyer"):
        event_staff.add_cohost(event, make_org(kind=OrganisationKind.SUPPLIER))
    with pytest.raises(Conflict, match="at least one co-host"):
        event_staff.remove_cohost(event, event.cohosts[0])
    oslo = make_org(kind=OrganisationKind.PUBLIC_BUYER)
    cohost = event_staff.add_cohost(event, oslo)
    with pytest.raises(Conflict, match="already co-hosts"):
        event_staff.add_cohost(event, oslo)
    door = make_user(oslo)
    event_staff.add_staff(event, door.email, StaffRole.CHECKIN)
    # Removing Oslo takes its people's roles with it; the organiser from Helsinki stays.
    event_staff.remove_cohost(event, cohost)
    db.session.commit()
    assert [s.user for s in event.staff] == [organiser]
    # Helsinki's organiser is the only one: Helsinki cannot leave while Oslo stays without an organiser.
    event_staff.add_cohost(event, oslo)
    with pytest.raises(Conflict, match="all belong to"):
        event_staff.remove_cohost(event, event.cohosts[0])


def test_staff_come_from_the_cohosts_and_an_event_keeps_an_organiser(make_user, make_org, make_event):
    organiser = make_user(role=MemberRole.ADMIN)
    event = make_event(organiser=organiser)
    colleague = make_user(organiser.organisation)
    with pytest.raises(DialogueError, match="does not belong to a co-host"):
        event_staff.add_staff(event, make_user().email, StaffRole.CHECKIN)
    with pytest.raises(DialogueError, match="No one with this email"):
        event_staff.add_staff(event, "nobody@example.org", StaffRole.CHECKIN)
    staff = event_staff.add_staff(event, colleague.email.upper(), StaffRole.CHECKIN)
    assert staff.user == colleague and staff.role == StaffRole.CHECKIN
    assert event_staff.add_staff(event, colleague.email, StaffRole.ORGANISER).role == StaffRole.ORGANISER
    [own] = [s for s in event.staff if s.user == organiser]
    event_staff.remove_staff(event, own)
    [last] = event.staff
    with pytest.raises(Conflict, match="at least one organiser"):
        event_staff.remove_staff(event, last)
    with pytest.raises(Conflict, match="at least one organiser"):
        event_staff.add_staff(event, colleague.email, StaffRole.CHECKIN)


def test_sessions_lie_within_the_event_and_speakers_have_accounts(make_event, make_user):
    event = make_event()
    speaker = make_user(name="Sam Taylor")
    start = event.starts_at + dt.timedelta(hours=1)
    with pytest.raises(DialogueError, match="within the event") as exc:
        agenda.save_session(event, None, title="Early", kind="panel", starts_at=event.starts_at - dt.timedelta(hours=1),
                            ends_at=start)
    assert exc.value.field == "starts_at"
    with pytest.raises(DialogueError, match="end after it starts"):
        agenda.save_session(event, None, title="Backwards", kind="panel", starts_at=start, ends_at=start)
    with pytest.raises(DialogueError, match="No account for ghost@example.org") as exc:
        agenda.save_session(event, None, title="Pitch", kind="supplier_pitch", starts_at=start,
                            ends_at=start + dt.timedelta(minutes=30), speaker_emails=["ghost@example.org"])
    assert exc.value.field == "speakers"
    session = agenda.save_session(event, None, title="Pitch", kind="supplier_pitch", starts_at=start,
                                  ends_at=start + dt.timedelta(minutes=30), room="Hall",
                                  speaker_emails=agenda.parse_emails(f"{speaker.email.upper()}\n"))
    assert [s.user for s in session.speakers] == [speaker] and session.kind == SessionKind.SUPPLIER_PITCH
    agenda.save_session(event, session, title="Pitch", kind="supplier_pitch", starts_at=start,
                        ends_at=start + dt.timedelta(minutes=30), room="Hall", description="Longer text")
    assert session.sequence == 0 and session.speakers == []
    agenda.save_session(event, session, title="Pitch", kind="supplier_pitch", starts_at=start,
                        ends_at=start + dt.timedelta(minutes=45), room="Hall")
    assert session.sequence == 1


def test_raising_places_promotes_the_waiting_list(make_event, make_registration, outbox):
    event = make_event(capacity=1)
    make_registration(event)
    first = make_registration(event, state=RegistrationState.WAITLISTED)
    second = make_registration(event, state=RegistrationState.WAITLISTED)
    promoted = services.set_capacity(event, 2, {})
    db.session.commit()
    assert promoted == [first] and second.state == RegistrationState.WAITLISTED
    assert [m.recipients for m in outbox("registration.promoted")] == [[first.user.email]]
    services.set_capacity(event, None, {"supplier": 5, "buyer": 0})
    db.session.commit()
    assert second.state == RegistrationState.CONFIRMED
    assert sorted((rc.role, rc.capacity) for rc in event.role_capacities) == [("buyer", 0), ("supplier", 5)]
    with pytest.raises(DialogueError) as exc:
        services.set_capacity(event, -1, {})
    assert exc.value.field == "capacity"


def test_home_lists_public_events_upcoming_and_past(make_event):
    now = utcnow()
    soon = make_event(title="Soon", starts_at=now + dt.timedelta(days=2), ends_at=now + dt.timedelta(days=2, hours=4))
    later = make_event(title="Later", starts_at=now + dt.timedelta(days=9), ends_at=now + dt.timedelta(days=9, hours=4))
    make_event(title="Draft", status=EventStatus.DRAFT)
    old = make_event(title="Old", starts_at=dt.datetime(2018, 10, 3, 7, 30, tzinfo=dt.timezone.utc),
                     ends_at=dt.datetime(2018, 10, 3, 11, tzinfo=dt.timezone.utc), status=EventStatus.FINISHED)
    upcoming, past = queries.list_home_events()
    assert upcoming == [soon, later] and past == [old]


def test_role_counts(make_event, make_registration):
    event = make_event()
    make_registration(event, role=ParticipantRole.SUPPLIER, checked_in_at=utcnow())
    make_registration(event, role=ParticipantRole.SUPPLIER)
    make_registration(event, role=ParticipantRole.RESELLER, state=RegistrationState.WAITLISTED)
    make_registration(event, role=ParticipantRole.BUYER, state=RegistrationState.CANCELLED)
    counts = queries.role_counts(event)
    assert counts["supplier"] == {"confirmed": 2, "waitlisted": 0, "pending": 0, "checked_in": 1}
    assert counts["reseller"]["waitlisted"] == 1 and counts["buyer"]["confirmed"] == 0
