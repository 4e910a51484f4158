"""What a journey starts from, written into the served database next to the demo data.

Each call builds its own event and people under a fresh key, so journeys never depend on each
other's order and never change the demo events. The journeys' steps themselves go through the UI.
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.e2e.conftest import DEMO_PASSWORD

ORGANISER = "anna.virtanen@hel.example.org"  # City of Helsinki
BUYER = "erik.lund@malmo.example.org"        # City of Malmö
MALMO_INTENT = "Fair and circular smartphones for four Nordic cities"
ZONE = "Europe/Helsinki"
PASSWORD = "fair and circular phones"


def key() -> str:
    return uuid.uuid4().hex[:8]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from dialogue.core.timeutil import local_to_utc

    return local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)), ZONE)


def _user(email: str):
    from dialogue.extensions import db
    from dialogue.models import User

    return db.session.scalar(select(User).where(User.email == email))


def _supplier(k: str, n: int, password_hash: str):
    """A person of a new manufacturer, confirmed, so the journey can sign in as them."""
    from dialogue.extensions import db
    from dialogue.models import MemberRole, Membership, Organisation, OrganisationKind, User, utcnow

    org = Organisation(name=f"Fairdevice {k} {n}", slug=f"fairdevice-{k}-{n}", kind=OrganisationKind.MANUFACTURER,
                       country="SE")
    user = User(email=f"supplier-{k}-{n}@fairdevice.example.org", name=f"Sofia Supplier {n}",
                password_hash=password_hash, email_verified_at=utcnow())
    db.session.add_all([org, user, Membership(user=user, organisation=org, role=MemberRole.ADMIN)])
    return user


def _event(k: str, title: str, starts_at: dt.datetime, ends_at: dt.datetime):
    """A published event co-hosted by Helsinki and Malmö; Anna organises, Erik of Malmö is a buyer."""
    from dialogue.extensions import db
    from dialogue.models import (
        Event,
        EventCoHost,
        EventIntent,
        EventStaff,
        EventStatus,
        Intent,
        Organisation,
        ParticipantRole,
        Registration,
        RegistrationState,
        StaffRole,
        utcnow,
    )

    organiser, buyer = _user(ORGANISER), _user(BUYER)
    event = Event(slug=f"{title.lower().replace(' ', '-')}-{k}", title=f"{title} {k}", timezone=ZONE,
                  summary="Buyers and suppliers talk before the tender.", venue="Helsinki City Hall",
                  starts_at=starts_at, ends_at=ends_at, status=EventStatus.PUBLISHED, languages=["en"],
                  created_by_id=organiser.id)
    for slug in ("helsinki", "malmo"):
        org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        event.cohosts.append(EventCoHost(organisation=org))
    event.staff.append(EventStaff(user=organiser, role=StaffRole.ORGANISER))
    db.session.add(event)
    db.session.add(Registration(event=event, user=buyer, organisation=buyer.organisation, role=ParticipantRole.BUYER,
                                state=RegistrationState.CONFIRMED, confirmed_at=utcnow()))
    intent = db.session.scalar(select(Intent).where(Intent.title == MALMO_INTENT))
    db.session.flush()
    db.session.add(EventIntent(event_id=event.id, intent_id=intent.id, linked_by_id=buyer.id))
    return event


def _meetings(event, mode, day: dt.date, start: int, end: int) -> None:
    from dialogue.meetings import setup
    from dialogue.models import LocationKind

    settings = setup.ensure_settings(event)
    settings.mode = mode
    setup.add_block(event, day, dt.time(start), dt.time(end))
    setup.add_locations(event, label="Table", count=4, capacity=4, kind=LocationKind.TABLE)


def meeting_event(app) -> dict:
    """An upcoming event where suppliers request one-to-one meetings and the buyers accept."""
    from dialogue.extensions import db
    from dialogue.models import MeetingMode

    k = key()
    with app.app_context():
        day = (dt.datetime.now(ZoneInfo(ZONE)) + dt.timedelta(days=30)).date()
        event = _event(k, "Market dialogue on phones", _at(day, 9), _at(day, 17))
        _meetings(event, MeetingMode.REQUEST, day, 14, 16)
        db.session.commit()
        result = {"slug": event.slug, "title": event.title}
        db.session.remove()
    return result


def supplier(app) -> dict:
    """A confirmed supplier account with no registration yet."""
    from dialogue.auth.services import hash_password
    from dialogue.extensions import db

    with app.app_context():
        user = _supplier(key(), 1, hash_password(PASSWORD))
        db.session.commit()
        result = {"email": user.email, "name": user.name, "organisation": user.organisation.name,
                  "password": PASSWORD}
        db.session.remove()
    return result


def event_in_progress(app, suppliers: int = 3, scheduled: bool = False) -> dict:
    """A two-day forum that started two hours ago: suppliers registered and holding tickets, their
    requests to meet Malmö waiting for the organisers' auto-scheduler on the second day (or, when
    ``scheduled``, already placed by it as drafts)."""
    from dialogue.auth.services import hash_password
    from dialogue.extensions import db
    from dialogue.meetings import requests as meetings
    from dialogue.models import MeetingMode, ParticipantRole, Registration, RegistrationState, utcnow

    k = key()
    with app.app_context():
        now = utcnow()
        event = _event(k, "Circular laptops forum", now - dt.timedelta(hours=2), now + dt.timedelta(days=2))
        tomorrow = (now.astimezone(ZoneInfo(ZONE)) + dt.timedelta(days=1)).date()
        _meetings(event, MeetingMode.ORGANISER, tomorrow, 10, 12)
        password_hash = hash_password(PASSWORD)
        people = []
        for n in range(1, suppliers + 1):
            user = _supplier(k, n, password_hash)
            registration = Registration(event=event, user=user, organisation=user.organisation,
                                        role=ParticipantRole.SUPPLIER, state=RegistrationState.CONFIRMED,
                                        confirmed_at=now)
            db.session.add(registration)
            db.session.flush()
            meetings.create_request(event, user, buyer_org_id=_user(BUYER).organisation.id, intent_id=None,
                                    topic=f"Refurbished laptops from {user.organisation.name}", agenda="",
                                    preferred_slot_ids=[])
            people.append({"email": user.email, "name": user.name, "organisation": user.organisation.name,
                           "ticket": registration.ticket_token})
        db.session.commit()
        if scheduled:
            from dialogue.meetings import scheduling

            run = scheduling.start_run(event, _user(ORGANISER), time_limit=5)
            db.session.commit()
            scheduling.execute_run(run.id)
        result = {"slug": event.slug, "title": event.title, "suppliers": people}
        db.session.remove()
    return result


def event_with_open_survey(app, participants: int = 2) -> dict:
    """An event that ended yesterday, whose feedback survey is open and whose invitations are in
    the outbox."""
    from dialogue.auth.services import hash_password
    from dialogue.extensions import db
    from dialogue.models import ParticipantRole, Registration, RegistrationState, SurveyInvitation, utcnow
    from dialogue.surveys import notify, services

    k = key()
    with app.app_context():
        now = utcnow()
        event = _event(k, "Fair ICT live market engagement", now - dt.timedelta(days=1, hours=6),
                       now - dt.timedelta(days=1))
        password_hash = hash_password(PASSWORD)
        people = []
        for n in range(1, participants + 1):
            user = _supplier(k, n, password_hash)
            db.session.add(Registration(event=event, user=user, organisation=user.organisation,
                                        role=ParticipantRole.SUPPLIER, state=RegistrationState.CONFIRMED,
                                        confirmed_at=now, checked_in_at=event.starts_at))
            people.append(user)
        db.session.flush()
        survey = services.create_survey(event, _user(ORGANISER), "", starter="market_dialogue", now=now)
        survey.opens_at = now - dt.timedelta(minutes=5)
        services.publish_survey(survey, now)
        notify.send_due_for_survey(survey, now)
        db.session.commit()
        tokens = dict(db.session.execute(select(SurveyInvitation.user_id, SurveyInvitation.token)
                                         .where(SurveyInvitation.survey_id == survey.id)).all())
        result = {"slug": event.slug, "title": event.title, "survey": survey.id, "survey_title": survey.title,
                  "participants": [{"email": u.email, "name": u.name, "token": tokens[u.id]} for u in people]}
        db.session.remove()
    return result


__all__ = ["BUYER", "DEMO_PASSWORD", "MALMO_INTENT", "ORGANISER", "PASSWORD", "event_in_progress",
           "event_with_open_survey", "meeting_event", "supplier"]
