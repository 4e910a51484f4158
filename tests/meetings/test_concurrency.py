"""Double booking is impossible under load: real threads, each with its own connection, on PostgreSQL."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from dialogue.core.errors import Conflict
from dialogue.extensions import db
from dialogue.meetings import placement, setup
from dialogue.models import (
    Meeting,
    MeetingMode,
    MeetingParticipant,
    Membership,
    Organisation,
    OrganisationKind,
    ParticipantRole,
    Registration,
    RegistrationState,
    User,
    utcnow,
)
from tests.conftest import password_hash, postgres_only


def _suppliers(event, count, *, one_org=False):
    users = []
    shared = Organisation(name="Shared supplier", slug="shared-supplier", kind=OrganisationKind.SUPPLIER, country="FI")
    for n in range(count):
        org = shared if one_org else Organisation(name=f"Supplier {n}", slug=f"race-supplier-{n}",
                                                  kind=OrganisationKind.SUPPLIER, country="FI")
        user = User(email=f"racer{n}@example.org", name=f"Racer {n}", password_hash=password_hash(),
                    email_verified_at=utcnow())
        db.session.add_all([org, user, Membership(user=user, organisation=org),
                            Registration(event=event, user=user, organisation=org, role=ParticipantRole.SUPPLIER,
                                         state=RegistrationState.CONFIRMED, confirmed_at=utcnow())])
        users.append(user)
    db.session.commit()
    return [u.id for u in users]


def _race(app, event_id, buyer_id, attempts):
    """attempts: (supplier id, slot id) per thread; all start at once. Returns outcomes."""
    from dialogue.models import Event

    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def attempt(i, supplier_id, slot_id):
        with app.app_context():
            try:
                barrier.wait(timeout=30)  # then all compete for connections and the slot at once
                event = db.session.get(Event, event_id)
                supplier, buyer = db.session.get(User, supplier_id), db.session.get(User, buyer_id)
                placement.book_slot(event, supplier, buyer, slot_id, topic="Race")
                db.session.commit()
                outcomes[i] = "booked"
            except Conflict as exc:
                db.session.rollback()
                outcomes[i] = exc.message
            except Exception as exc:  # noqa: BLE001 - any other failure fails the test below
                db.session.rollback()
                outcomes[i] = f"error: {exc!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i, s, slot)) for i, (s, slot) in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def _event(make_event, make_user, make_registration, tables):
    event = make_event(organiser=make_user())
    buyer = make_user()
    make_registration(event, buyer, role=ParticipantRole.BUYER)
    settings = setup.ensure_settings(event)
    settings.mode = MeetingMode.SELF_BOOKING
    settings.slot_minutes, settings.break_minutes = 10, 0
    day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
    setup.add_block(event, day, dt.time(12, 0), dt.time(15, 20))
    if tables:
        setup.add_locations(event, label="Table", count=tables, capacity=4, kind="table")
    db.session.commit()
    return event, buyer, settings


def test_200_threads_race_for_20_slots(app, is_postgres, make_event, make_user, make_registration):
    postgres_only(is_postgres)
    event, buyer, _settings = _event(make_event, make_user, make_registration, tables=20)
    slots = [s.id for s in setup.list_slots(event)]
    assert len(slots) == 20
    suppliers = _suppliers(event, 200)
    outcomes = _race(app, event.id, buyer.id, [(s, slots[i % 20]) for i, s in enumerate(suppliers)])
    assert outcomes.count("booked") == 20
    refused = [o for o in outcomes if o != "booked"]
    assert len(refused) == 180 and set(refused) == {placement.SLOT_TAKEN}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Meeting.id))) == 20
    per_slot = db.session.execute(select(MeetingParticipant.slot_id, func.count()).where(
        MeetingParticipant.user_id == buyer.id).group_by(MeetingParticipant.slot_id)).all()
    assert sorted(s for s, _ in per_slot) == sorted(slots) and all(n == 1 for _, n in per_slot)
    tables = db.session.execute(select(Meeting.slot_id, Meeting.location_id)).all()
    assert len(set(tables)) == 20


def test_the_supplier_cap_holds_under_concurrent_bookings(app, is_postgres, make_event, make_user,
                                                          make_registration):
    postgres_only(is_postgres)
    event, buyer, settings = _event(make_event, make_user, make_registration, tables=0)
    settings.max_meetings_per_supplier = 3
    db.session.commit()
    slots = [s.id for s in setup.list_slots(event)]
    suppliers = _suppliers(event, 20, one_org=True)
    outcomes = _race(app, event.id, buyer.id, [(s, slots[i]) for i, s in enumerate(suppliers)])
    assert outcomes.count("booked") == 3
    assert all("maximum of 3 meetings" in o for o in outcomes if o != "booked"), set(outcomes)


def test_the_buyer_cap_holds_under_concurrent_bookings_of_different_slots(app, is_postgres, make_event, make_user,
                                                                           make_registration):
    postgres_only(is_postgres)
    event, buyer, settings = _event(make_event, make_user, make_registration, tables=0)
    settings.max_meetings_per_buyer = 4
    db.session.commit()
    slots = [s.id for s in setup.list_slots(event)]
    suppliers = _suppliers(event, 20)
    outcomes = _race(app, event.id, buyer.id, [(s, slots[i]) for i, s in enumerate(suppliers)])
    assert outcomes.count("booked") == 4
    assert all("maximum of 4 meetings" in o for o in outcomes if o != "booked"), set(outcomes)


def test_without_caps_bookings_of_different_slots_never_refuse_each_other(app, is_postgres, make_event, make_user,
                                                                          make_registration):
    # No cap: nothing is locked but each slot, so twenty bookings of twenty slots all go through,
    # each with a table of its own in its slot.
    postgres_only(is_postgres)
    event, buyer, _settings = _event(make_event, make_user, make_registration, tables=2)
    slots = [s.id for s in setup.list_slots(event)]
    suppliers = _suppliers(event, 20)
    outcomes = _race(app, event.id, buyer.id, [(s, slots[i]) for i, s in enumerate(suppliers)])
    assert outcomes == ["booked"] * 20
    db.session.expire_all()
    placed = db.session.execute(select(Meeting.slot_id, Meeting.location_id)).all()
    assert len(placed) == 20 and len({slot for slot, _ in placed}) == 20 and all(loc for _, loc in placed)
