"""Demo events: the Nordic Forum (upcoming), Make ICT Fair's Live Market Engagement (past, run by the network
with the authorities that presented their plans) and the Nordic Forum's second stage, whose one-to-one
meetings the organisers schedule."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dialogue.core.timeutil import local_to_utc
from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    Event,
    EventCoHost,
    EventFormat,
    EventStaff,
    EventStatus,
    RoleCapacity,
    SessionKind,
    SessionSpeaker,
    StaffRole,
    utcnow,
)

NORDIC = "nordic-forum-smartphones"
MAKE_ICT = "make-ict-fair-2018"
SECOND_STAGE = "nordic-forum-second-stage"


def _at(day: dt.date, clock: str, zone: str) -> dt.datetime:
    hour, minute = (int(x) for x in clock.split(":"))
    return local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)), zone)


def _agenda(event: Event, day: dt.date, items) -> None:
    for start, end, title, kind, room, speakers, description in items:
        session = AgendaSession(title=title, kind=kind, starts_at=_at(day, start, event.timezone),
                                ends_at=_at(day, end, event.timezone), room=room, description=description)
        for person in speakers:
            session.speakers.append(SessionSpeaker(user=person))
        event.sessions.append(session)


def _in_helsinki(world) -> dict:
    """What the four Nordic cities' events in Helsinki share: the place, the languages, who hosts and organises."""
    orgs, people = world["orgs"], world["people"]
    return dict(venue="Helsinki City Hall", address="Pohjoisesplanadi 11-13\n00170 Helsinki",
                timezone="Europe/Helsinki", languages=["en", "fi", "sv"], contact_email="procurement@hel.example.org",
                status=EventStatus.PUBLISHED, created_by_id=people["organiser"].id, sequence=0,
                cohosts=[EventCoHost(organisation=orgs[slug]) for slug in ("helsinki", "malmo", "oslo", "copenhagen")],
                staff=[EventStaff(user=people["organiser"], role=StaffRole.ORGANISER)])


def _nordic(world) -> Event:
    people = world["people"]
    zone = "Europe/Helsinki"
    day = (utcnow() + dt.timedelta(days=45)).date()
    event = Event(
        slug=NORDIC, title="Nordic Forum for Market Dialogue: fair and circular smartphones",
        summary="Helsinki, Malmö, Oslo and Copenhagen present their joint plans for smartphones and tablets, "
                "and ask the market what fair and circular devices it can deliver.",
        description=(
            "Helsinki alone buys about **6,000–7,000 phones** and **5,000 tablets** a year; each city brings "
            "its own volumes. Before tendering the cities want to know what the market can offer on:\n\n"
            "- fair working conditions in the supply chain (human-rights due diligence, independent "
            "monitoring such as Electronics Watch's);\n- circularity: refurbished devices, spare parts, repair "
            "and take-back;\n"
            "- labels such as TCO Certified and EPEAT.\n\n"
            "Suppliers and resellers present solutions; one-to-one meetings follow in the afternoon. "
            "Everything shared here is available to every registered participant."),
        format=EventFormat.HYBRID, online_url="https://meet.example.org/nordic-forum-smartphones",
        starts_at=_at(day, "09:00", zone), ends_at=_at(day, "16:30", zone),
        registration_closes_at=_at(day - dt.timedelta(days=7), "23:59", zone),
        cancellation_deadline=_at(day - dt.timedelta(days=3), "23:59", zone), capacity=60,
        **_in_helsinki(world))
    event.staff.append(EventStaff(user=people["buyer"], role=StaffRole.ORGANISER))
    event.staff.append(EventStaff(user=people["buyer-oslo"], role=StaffRole.CHECKIN))
    # Two supplier places, so the third supplier waits: the waiting list is visible in the demo.
    event.role_capacities.append(RoleCapacity(role="supplier", capacity=2))
    event.role_capacities.append(RoleCapacity(role="reseller", capacity=10))
    _agenda(event, day, [
        ("09:00", "09:30", "Welcome and the cities' joint procurement plans", SessionKind.BUYER_PRESENTATION,
         "Council Chamber", [people["organiser"]], "Why four cities buy together, and what comes next."),
        ("09:30", "10:15", "Smartphones: volumes, timing and criteria", SessionKind.BUYER_PRESENTATION,
         "Council Chamber", [people["buyer"], people["buyer-oslo"]],
         "The planned tenders, the social criteria we intend to use and how we will verify them."),
        ("10:15", "10:30", "Coffee", SessionKind.BREAK, "Lobby", [], ""),
        ("10:30", "11:30", "Supplier pitches: fair and circular devices", SessionKind.SUPPLIER_PITCH,
         "Council Chamber", [people["supplier"]], "Ten minutes each, then questions from the buyers."),
        ("11:30", "12:15", "Panel: supply-chain transparency beyond the label", SessionKind.PANEL,
         "Council Chamber", [people["observer"], people["buyer-cph"]], ""),
        ("12:15", "13:15", "Lunch", SessionKind.BREAK, "Lobby", [], ""),
        ("13:15", "16:00", "One-to-one meetings", SessionKind.ONE_TO_ONE, "Meeting rooms 1-4", [],
         "Book a meeting with the cities on Dialogue."),
        ("16:00", "16:30", "Wrap-up and next steps", SessionKind.WORKSHOP, "Council Chamber",
         [people["organiser"]], ""),
    ])
    return event


# The authorities that presented their procurement plans in Nijmegen (Make ICT Fair's account of the day).
PRESENTERS = ("aalborg", "apuc", "barcelona", "haarlem", "swiss-it", "sso-noord", "duo")
# When the 2018 event was put on Dialogue: the record tells the event's history as it happened.
MAKE_ICT_CREATED = dt.datetime(2018, 6, 18, 9, 0, tzinfo=dt.timezone.utc)
MAKE_ICT_CLOSED = dt.datetime(2018, 10, 4, 9, 0, tzinfo=dt.timezone.utc)


def _make_ict(world) -> Event:
    orgs, people = world["orgs"], world["people"]
    zone = "Europe/Amsterdam"
    day = dt.date(2018, 10, 3)
    network = people.get("network") or people["buyer-haarlem"]
    event = Event(
        slug=MAKE_ICT, title="Make ICT Fair: Live Market Engagement",
        summary="Public authorities present procurement plans for ICT and suppliers present fair and circular "
                "solutions, back-to-back with the EcoProcura conference.",
        description=("A live market engagement of the Make ICT Fair project in Nijmegen, organised by ICLEI "
                     "Europe. Public authorities presented their ICT procurement plans, among them Aalborg, "
                     "APUC Scotland, Barcelona, Haarlem, a Swiss IT-procurement partnership, and SSO Noord "
                     "with DUO; Circular Computing, Dell and HP presented solutions."),
        format=EventFormat.IN_PERSON, venue="De Vereeniging", address="Keizer Karelplein 2d\n6511 NC Nijmegen",
        timezone=zone, starts_at=_at(day, "09:30", zone), ends_at=_at(day, "13:00", zone),
        registration_closes_at=_at(day - dt.timedelta(days=2), "17:00", zone), languages=["en"],
        contact_email="makeictfair@iclei.example.org", capacity=80, status=EventStatus.FINISHED,
        created_by_id=network.id, sequence=0, created_at=MAKE_ICT_CREATED, updated_at=MAKE_ICT_CLOSED)
    # The network runs the event; the presenting authorities co-host it with their plans.
    for slug in ("iclei", *PRESENTERS):
        if slug in orgs:
            event.cohosts.append(EventCoHost(organisation=orgs[slug]))
    if "network" in people:
        event.staff.append(EventStaff(user=people["network"], role=StaffRole.ORGANISER))
    event.staff.append(EventStaff(user=people["buyer-haarlem"], role=StaffRole.ORGANISER))
    event.staff.append(EventStaff(user=people["buyer-bcn"], role=StaffRole.ORGANISER))
    event.staff.append(EventStaff(user=people["buyer-aalborg"], role=StaffRole.CHECKIN))
    _agenda(event, day, [
        ("09:30", "10:00", "Welcome: why fair ICT in public procurement", SessionKind.BUYER_PRESENTATION,
         "Main hall", [network], ""),
        ("10:00", "11:00", "Buyers' procurement plans: Aalborg, APUC Scotland, Barcelona, Haarlem, a Swiss "
         "partnership, SSO Noord and DUO", SessionKind.BUYER_PRESENTATION, "Main hall",
         [people["buyer-aalborg"], people["buyer-apuc"], people["buyer-bcn"], people["buyer-haarlem"]], ""),
        ("11:00", "11:15", "Break", SessionKind.BREAK, None, [], ""),
        ("11:15", "12:15", "Supplier solutions: Circular Computing, Dell, HP", SessionKind.SUPPLIER_PITCH,
         "Main hall", [people["supplier"], people["supplier-dell"], people["supplier-hp"]], ""),
        ("12:15", "13:00", "Discussion: what blocks fair ICT in tenders", SessionKind.PANEL, "Main hall",
         [people["observer"]], ""),
    ])
    return event


def _second_stage(world) -> Event:
    """Meetings the organisers schedule: suppliers ask, the organisers place every meeting at once."""
    people = world["people"]
    zone = "Europe/Helsinki"
    day = (utcnow() + dt.timedelta(days=105)).date()
    event = Event(
        slug=SECOND_STAGE, title="Nordic Forum, second stage: one-to-one meetings on fair and circular ICT",
        summary="A follow-up day of the Nordic Forum: suppliers and resellers ask to meet the cities about their "
                "planned tenders, and the organisers schedule all the meetings.",
        description=("Months after the Nordic Forum, the four cities meet suppliers and resellers one to one "
                     "about their planned tenders. Ask for meetings before the deadline; the organisers then "
                     "schedule them all at once, so every supplier has the same chance of a slot, and publish "
                     "the programme of meetings."),
        format=EventFormat.IN_PERSON, starts_at=_at(day, "09:00", zone), ends_at=_at(day, "15:00", zone),
        registration_closes_at=_at(day - dt.timedelta(days=14), "23:59", zone), capacity=40,
        **_in_helsinki(world))
    event.staff.append(EventStaff(user=people["buyer"], role=StaffRole.ORGANISER))
    _agenda(event, day, [
        ("09:00", "09:45", "Where the planned tenders stand", SessionKind.BUYER_PRESENTATION, "Council Chamber",
         [people["organiser"]], "What changed since the Nordic Forum, and what the cities ask next."),
        ("09:45", "10:00", "Coffee", SessionKind.BREAK, "Lobby", [], ""),
        ("10:00", "15:00", "One-to-one meetings", SessionKind.ONE_TO_ONE, "Meeting rooms", [],
         "Meetings scheduled by the organisers; see your programme of meetings."),
    ])
    return event


def build(world: dict) -> None:
    events = {}
    for slug, make in ((NORDIC, _nordic), (MAKE_ICT, _make_ict), (SECOND_STAGE, _second_stage)):
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            event = make(world)
            db.session.add(event)
        events[slug] = event
    db.session.flush()
    world["events"] = events
