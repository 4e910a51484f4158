import datetime as dt
from types import SimpleNamespace

import pytest

from dialogue.extensions import db
from dialogue.models import LocationKind, MeetingMode, OrganisationKind, ParticipantRole


@pytest.fixture
def world(app, make_org, make_user, make_event, make_registration):
    """An event 30 days ahead with a 14:00-16:00 block (five 20-minute slots, 5-minute breaks), three
    tables for four, two buyer organisations (three buyers) and two suppliers (three people)."""
    from zoneinfo import ZoneInfo

    from dialogue.meetings import setup

    organiser = make_user()
    event = make_event(organiser=organiser)
    buyer_org = make_org(name="City of Malmö")
    cohost_org = make_org(name="City of Oslo")
    supplier_org = make_org(name="Circular Computing", kind=OrganisationKind.SUPPLIER)
    other_supplier_org = make_org(name="Dell", kind=OrganisationKind.SUPPLIER)
    observer_org = make_org(name="Electronics Watch", kind=OrganisationKind.CIVIL_SOCIETY)
    b1, b2 = make_user(buyer_org, name="Erik Lund"), make_user(buyer_org, name="Eva Berg")
    b3 = make_user(cohost_org, name="Ingrid Hansen")
    s1, s2 = make_user(supplier_org, name="Sam Taylor"), make_user(supplier_org, name="Sue Baker")
    s3 = make_user(other_supplier_org, name="Pat Murphy")
    observer = make_user(observer_org, name="Maria Costa")
    for user in (b1, b2, b3):
        make_registration(event, user, role=ParticipantRole.BUYER)
    for user in (s1, s2, s3):
        make_registration(event, user, role=ParticipantRole.SUPPLIER)
    make_registration(event, observer, role=ParticipantRole.OBSERVER)
    settings = setup.ensure_settings(event)
    settings.mode = MeetingMode.REQUEST
    day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
    setup.add_block(event, day, dt.time(14, 0), dt.time(16, 0))
    setup.add_locations(event, label="Table", count=3, capacity=4, kind=LocationKind.TABLE)
    db.session.commit()
    slots = setup.list_slots(event)
    return SimpleNamespace(event=event, settings=settings, organiser=organiser, buyer_org=buyer_org,
                           cohost_org=cohost_org, supplier_org=supplier_org, other_supplier_org=other_supplier_org,
                           b1=b1, b2=b2, b3=b3, s1=s1, s2=s2, s3=s3, observer=observer, slots=slots, day=day)
