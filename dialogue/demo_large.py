"""The large demo (``flask --app wsgi demo --large``): the sizes the benchmarks measure pages at.

One event with 1,000 registrations from 200 organisations, 100 agenda sessions each with a
presentation, and 50 announced intents (10 of them presented at the event). Rows are written
with multi-row inserts, so building it takes seconds, and it is skipped when it exists.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from sqlalchemy import insert, select

from dialogue import models
from dialogue.extensions import db
from dialogue.models import utcnow

LARGE_EVENT = "large-market-dialogue"
ROLES = list(models.ParticipantRole)


def fill_event(slug: str, *, registrations: int, sessions: int, offset: int = 0,
               host: models.Organisation | None = None, password_hash: str = "!") -> models.Event:
    """A published event with ``registrations`` people of 200 organisations and ``sessions`` sessions."""
    start = (utcnow() + dt.timedelta(days=30)).replace(hour=6, minute=0, second=0, microsecond=0)
    if host is None:
        host = models.Organisation(name=f"Host {slug}", slug=f"host-{slug}", kind=models.OrganisationKind.PUBLIC_BUYER,
                                   country="FI")
    event = models.Event(slug=slug, title=f"Large market dialogue ({registrations} participants)",
                         summary="Joint market dialogue",
                         description="**Fair** and *circular* ICT.\n\n- laptops\n- phones",
                         timezone="Europe/Helsinki", starts_at=start, ends_at=start + dt.timedelta(days=2),
                         venue="City Hall", languages=["en", "fi"], status=models.EventStatus.PUBLISHED)
    event.cohosts.append(models.EventCoHost(organisation=host))
    db.session.add(event)
    db.session.flush()
    question = models.RegistrationQuestion(event=event, kind="text", text="Which products do you bring?", position=1)
    db.session.add(question)
    # Plain multi-row inserts, then the ids read back (RETURNING over many rows is slow to splice).
    slugs = [f"company-{offset + i}" for i in range(200)]
    db.session.execute(insert(models.Organisation), [
        {"name": f"Company {offset + i}", "slug": slugs[i], "kind": models.OrganisationKind.SUPPLIER, "country": "SE"}
        for i in range(200)])
    org_ids = list(db.session.scalars(select(models.Organisation.id).where(models.Organisation.slug.in_(slugs))
                                      .order_by(models.Organisation.id)))
    emails = [f"participant{offset + i}@large.example.org" for i in range(registrations)]
    db.session.execute(insert(models.User), [
        {"email": email, "name": f"Person {offset + i}", "password_hash": password_hash,
         "email_verified_at": utcnow()} for i, email in enumerate(emails)])
    by_email = dict(db.session.execute(select(models.User.email, models.User.id)
                                       .where(models.User.email.in_(emails))).all())
    user_ids = [by_email[email] for email in emails]
    db.session.execute(insert(models.Membership), [{"user_id": uid, "organisation_id": org_ids[i % 200]}
                                                   for i, uid in enumerate(user_ids)])
    now = utcnow()
    db.session.execute(insert(models.Registration), [
        {"event_id": event.id, "user_id": uid, "organisation_id": org_ids[i % 200], "role": ROLES[i % 5],
         "state": models.RegistrationState.CONFIRMED, "created_at": now, "updated_at": now, "confirmed_at": now,
         "checked_in_at": now if i % 3 == 0 else None, "list_consent_at": now if i % 2 else None,
         "list_consent_version": "2024-1" if i % 2 else None} for i, uid in enumerate(user_ids)])
    db.session.flush()
    reg_ids = list(db.session.scalars(select(models.Registration.id).where(models.Registration.event_id == event.id)
                                      .order_by(models.Registration.id)))
    db.session.execute(insert(models.RegistrationAnswer), [
        {"registration_id": rid, "question_id": question.id, "value": "=cmd|' /C calc'!A0" if i % 50 == 0
         else "Refurbished laptops"} for i, rid in enumerate(reg_ids)])
    for i in range(sessions):
        begin = start + dt.timedelta(minutes=20 * i)
        session = models.AgendaSession(event=event, title=f"Session {i}", kind=list(models.SessionKind)[i % 7],
                                       starts_at=begin,
                                       ends_at=begin + dt.timedelta(minutes=20), room=f"Room {i % 4}",
                                       description="A *short* description.")
        db.session.add(session)
        for uid in user_ids[i * 2:i * 2 + 2]:
            session.speakers.append(models.SessionSpeaker(user_id=uid))
    db.session.flush()
    return event


def build(world: dict) -> None:
    if db.session.scalar(select(models.Event.id).where(models.Event.slug == LARGE_EVENT)) is not None:
        return
    from dialogue.intents.cpv import packaged_codes
    from dialogue.materials import services as materials
    from dialogue.materials.demo import make_pdf
    from dialogue.models import MaterialVisibility

    people, orgs = world["people"], world["orgs"]
    organiser = people["organiser"]
    event = fill_event(LARGE_EVENT, registrations=1000, sessions=100, host=orgs["helsinki"],
                       password_hash=organiser.password_hash)
    event.staff.append(models.EventStaff(user=organiser, role=models.StaffRole.ORGANISER))
    supplier = people["supplier"]
    db.session.add(models.Registration(event=event, user=supplier, organisation=supplier.organisation,
                                       role=models.ParticipantRole.SUPPLIER, state=models.RegistrationState.CONFIRMED,
                                       confirmed_at=utcnow()))
    db.session.flush()
    # One presentation per session; the same bytes, so storage keeps a single file.
    pdf = make_pdf(["Large market dialogue", "A presentation"])
    for session in event.sessions:
        materials.upload_material(organiser, event=event, session=session, title=f"Slides: {session.title}",
                                  visibility=MaterialVisibility.PARTICIPANTS, filename="slides.pdf",
                                  stream=io.BytesIO(pdf))
    codes = [code for code in packaged_codes() if code.startswith(("302", "322", "48", "72", "503"))]
    buyers = [org for org in orgs.values() if org.kind == models.OrganisationKind.PUBLIC_BUYER]
    today = utcnow()
    intents = []
    for i in range(50):
        intent = models.Intent(buyer=buyers[i % len(buyers)], title=f"Planned ICT tender {i + 1}",
                               description="Equipment and services, with social and environmental criteria.",
                               cpv_main=codes[i % len(codes)], estimated_value=Decimal(100000 + 25000 * i),
                               currency="EUR",
                               procedure_type=list(models.ProcedureType)[i % len(models.ProcedureType)],
                               planned_notice_date=(today + dt.timedelta(days=60 + 7 * i)).date(),
                               place_country=buyers[i % len(buyers)].country, status=models.IntentStatus.ANNOUNCED,
                               announced_at=today - dt.timedelta(hours=i))
        db.session.add(intent)
        intents.append(intent)
    db.session.flush()
    for intent in intents[:10]:
        db.session.add(models.EventIntent(event=event, intent=intent))
    world.setdefault("events", {})[LARGE_EVENT] = event
