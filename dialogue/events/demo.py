"""Demo events: the Nordic Forum (upcoming) and Make ICT Fair's Live Market Engagement (past)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dialogue import models
from dialogue.core.timeutil import local_to_utc
from dialogue.extensions import db
from dialogue.models import utcnow

NORDIC = "nordic-forum-smartphones"
MAKE_ICT = "make-ict-fair-2018"


def _at(day: dt.date, clock: str, zone: str) -> dt.datetime:
    hour, minute = (int(x) for x in clock.split(":"))
    return local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)), zone)


def _agenda(event: models.Event, day: dt.date, items) -> None:
    for start, end, title, kind, room, speakers, description in items:
        session = models.AgendaSession(title=title, kind=kind, starts_at=_at(day, start, event.timezone),
                                       ends_at=_at(day, end, event.timezone), room=room, description=description)
        for person in speakers:
            session.speakers.append(models.SessionSpeaker(user=person))
        event.sessions.append(session)


def _nordic(world) -> models.Event:
    orgs, people = world["orgs"], world["people"]
    zone = "Europe/Helsinki"
    day = (utcnow() + dt.timedelta(days=45)).date()
    event = models.Event(
        slug=NORDIC, title="Nordic Forum for Market Dialogue: fair and circular smartphones",
        summary="Helsinki, Malmö, Oslo and Copenhagen present their joint plans for smartphones and tablets, "
                "and ask the market what fair and circular devices it can deliver.",
        description=(
            "The four cities buy about **6,000–7,000 phones** and **5,000 tablets** a year between them. "
            "Before tendering they want to know what the market can offer on:\n\n"
            "- fair working conditions in the supply chain (human-rights due diligence, Electronics Watch "
            "affiliation);\n- circularity: refurbished devices, spare parts, repair and take-back;\n"
            "- labels such as TCO Certified and EPEAT.\n\n"
            "Suppliers and resellers present solutions; one-to-one meetings follow in the afternoon. "
            "Everything shared here is available to every registered participant."),
        format=models.EventFormat.HYBRID, venue="Helsinki City Hall", address="Pohjoisesplanadi 11-13\n00170 Helsinki",
        online_url="https://meet.example.org/nordic-forum-smartphones", timezone=zone,
        starts_at=_at(day, "09:00", zone), ends_at=_at(day, "16:30", zone),
        registration_closes_at=_at(day - dt.timedelta(days=7), "23:59", zone),
        cancellation_deadline=_at(day - dt.timedelta(days=3), "23:59", zone),
        languages=["en", "fi", "sv"], contact_email="procurement@hel.example.org", capacity=60,
        status=models.EventStatus.PUBLISHED, created_by_id=people["organiser"].id, sequence=0)
    for slug in ("helsinki", "malmo", "oslo", "copenhagen"):
        event.cohosts.append(models.EventCoHost(organisation=orgs[slug]))
    event.staff.append(models.EventStaff(user=people["organiser"], role=models.StaffRole.ORGANISER))
    event.staff.append(models.EventStaff(user=people["buyer"], role=models.StaffRole.ORGANISER))
    event.staff.append(models.EventStaff(user=people["buyer-oslo"], role=models.StaffRole.CHECKIN))
    # Two supplier places, so the third supplier waits: the waiting list is visible in the demo.
    event.role_capacities.append(models.RoleCapacity(role="supplier", capacity=2))
    event.role_capacities.append(models.RoleCapacity(role="reseller", capacity=10))
    _agenda(event, day, [
        ("09:00", "09:30", "Welcome and the cities' joint procurement plans", models.SessionKind.BUYER_PRESENTATION,
         "Council Chamber", [people["organiser"]], "Why four cities buy together, and what comes next."),
        ("09:30", "10:15", "Smartphones: volumes, timing and criteria", models.SessionKind.BUYER_PRESENTATION,
         "Council Chamber", [people["buyer"], people["buyer-oslo"]],
         "Planned tenders in 2026, the social criteria we intend to use and how we will verify them."),
        ("10:15", "10:30", "Coffee", models.SessionKind.BREAK, "Lobby", [], ""),
        ("10:30", "11:30", "Supplier pitches: fair and circular devices", models.SessionKind.SUPPLIER_PITCH,
         "Council Chamber", [people["supplier"]], "Ten minutes each, then questions from the buyers."),
        ("11:30", "12:15", "Panel: supply-chain transparency beyond the label", models.SessionKind.PANEL,
         "Council Chamber", [people["observer"], people["buyer-cph"]], ""),
        ("12:15", "13:15", "Lunch", models.SessionKind.BREAK, "Lobby", [], ""),
        ("13:15", "16:00", "One-to-one meetings", models.SessionKind.ONE_TO_ONE, "Meeting rooms 1-4", [],
         "Book a meeting with the cities on Dialogue."),
        ("16:00", "16:30", "Wrap-up and next steps", models.SessionKind.WORKSHOP, "Council Chamber",
         [people["organiser"]], ""),
    ])
    return event


def _make_ict(world) -> models.Event:
    orgs, people = world["orgs"], world["people"]
    zone = "Europe/Amsterdam"
    day = dt.date(2018, 10, 3)
    event = models.Event(
        slug=MAKE_ICT, title="Make ICT Fair: Live Market Engagement",
        summary="Public authorities present procurement plans for ICT and suppliers present fair and circular "
                "solutions, back-to-back with the EcoProcura conference.",
        description=("A live market engagement of the Make ICT Fair project in Nijmegen. Aalborg, APUC "
                     "Scotland, Barcelona and Haarlem presented their plans; Circular Computing, Dell and HP "
                     "presented solutions."),
        format=models.EventFormat.IN_PERSON, venue="De Vereeniging", address="Keizer Karelplein 2d\n6511 NC Nijmegen",
        timezone=zone, starts_at=_at(day, "09:30", zone), ends_at=_at(day, "13:00", zone),
        registration_closes_at=_at(day - dt.timedelta(days=2), "17:00", zone), languages=["en"],
        contact_email="ict@haarlem.example.org", capacity=80, status=models.EventStatus.FINISHED,
        created_by_id=people["buyer-haarlem"].id, sequence=0)
    for slug in ("aalborg", "apuc", "barcelona", "haarlem"):
        event.cohosts.append(models.EventCoHost(organisation=orgs[slug]))
    event.staff.append(models.EventStaff(user=people["buyer-haarlem"], role=models.StaffRole.ORGANISER))
    event.staff.append(models.EventStaff(user=people["buyer-bcn"], role=models.StaffRole.ORGANISER))
    event.staff.append(models.EventStaff(user=people["buyer-aalborg"], role=models.StaffRole.CHECKIN))
    _agenda(event, day, [
        ("09:30", "10:00", "Welcome: why fair ICT in public procurement", models.SessionKind.BUYER_PRESENTATION,
         "Main hall", [people["buyer-haarlem"]], ""),
        ("10:00", "11:00", "Buyers' procurement plans: Aalborg, APUC, Barcelona, Haarlem",
         models.SessionKind.BUYER_PRESENTATION, "Main hall",
         [people["buyer-aalborg"], people["buyer-apuc"], people["buyer-bcn"]], ""),
        ("11:00", "11:15", "Break", models.SessionKind.BREAK, None, [], ""),
        ("11:15", "12:15", "Supplier solutions: Circular Computing, Dell, HP", models.SessionKind.SUPPLIER_PITCH,
         "Main hall", [people["supplier"], people["supplier-dell"], people["supplier-hp"]], ""),
        ("12:15", "13:00", "Discussion: what blocks fair ICT in tenders", models.SessionKind.PANEL, "Main hall",
         [people["observer"]], ""),
    ])
    return event


def build(world: dict) -> None:
    events = {}
    for slug, make in ((NORDIC, _nordic), (MAKE_ICT, _make_ict)):
        event = db.session.scalar(select(models.Event).where(models.Event.slug == slug))
        if event is None:
            event = make(world)
            db.session.add(event)
        events[slug] = event
    db.session.flush()
    world["events"] = events
