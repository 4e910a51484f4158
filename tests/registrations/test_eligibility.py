"""Who may act as a buyer: the role a person registers in follows their organisation's kind, the
organisers may grant an exception, old registrations that break the rule are flagged, and the
meetings take their buyers from the eligible ones only."""

from __future__ import annotations

import datetime as dt
import re

import flask_migrate
import pytest
from sqlalchemy import MetaData, func, insert, select

from dialogue import create_app
from dialogue.core.errors import Conflict, DialogueError, NotAllowed, NotFound
from dialogue.extensions import db
from dialogue.meetings import people, placement, scheduling
from dialogue.meetings import requests as meetings
from dialogue.models import (
    AuditEntry,
    MeetingMode,
    OrganisationKind,
    ParticipantRole,
    Registration,
    RegistrationState,
    RoleCapacity,
    utcnow,
)
from dialogue.registrations import eligibility, roles, services
from tests.conftest import temporary_database
from tests.meetings.conftest import world  # noqa: F401  (the meetings' event with buyers and suppliers)

Kind, Role = OrganisationKind, ParticipantRole
CONFIRMED, WAITLISTED = RegistrationState.CONFIRMED, RegistrationState.WAITLISTED
CANCELLED = RegistrationState.CANCELLED


def radios(html: str) -> list[str]:
    return re.findall(r'name="role" type="radio" value="(\w+)"', html)


def role_error(html: str) -> str:
    match = re.search(r'id="role-error"[^>]*>(.*?)</p>', html, re.S)
    assert match, "no error shown at the role"
    return match.group(1)


def count_registrations() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


# --- the rule ---------------------------------------------------------------------------------------

def test_the_roles_each_kind_of_organisation_takes():
    expected = {
        Kind.PUBLIC_BUYER: {"buyer", "observer", "speaker"},
        Kind.NETWORK: {"buyer", "observer", "speaker"},
        Kind.SUPPLIER: {"supplier", "speaker"},
        Kind.MANUFACTURER: {"supplier", "speaker"},  # not reseller: strict, see the module's docstring
        Kind.RESELLER: {"reseller", "speaker"},
        Kind.CIVIL_SOCIETY: {"observer", "speaker"},
        Kind.OTHER: {"observer", "speaker"},
    }
    assert {kind: {r.value for r in eligibility.allowed_roles(kind)} for kind in Kind} == expected
    assert set(eligibility.BUYER_KINDS) == {Kind.PUBLIC_BUYER, Kind.NETWORK}
    assert eligibility.allowed_roles(None) == ()
    assert all(eligibility.default_role(kind) in eligibility.allowed_roles(kind) for kind in Kind)


def test_sql_rule_and_python_rule_agree_on_who_acts_as_a_buyer(make_event, make_org, make_user, make_registration):
    event = make_event()
    expected = set()
    for kind in Kind:
        org = make_org(kind=kind)
        plain = make_registration(event, make_user(org), role=Role.BUYER)
        if kind in (Kind.PUBLIC_BUYER, Kind.NETWORK):
            expected.add(plain.id)
        make_registration(event, make_user(org), role=Role.BUYER, role_flagged_at=utcnow())
        excepted = make_registration(event, make_user(org), role=Role.BUYER, role_exception_at=utcnow(),
                                     role_exception_reason="Acts for a buyer")
        expected.add(excepted.id)
        make_registration(event, make_user(org), role=Role.BUYER, state=WAITLISTED)
        make_registration(event, make_user(org), role=Role.OBSERVER, role_exception_at=utcnow())
    make_registration(event, make_user(with_org=False), role=Role.BUYER, organisation=None)
    in_sql = set(db.session.scalars(select(Registration.id).where(eligibility.eligible_buyer())))
    in_python = {r.id for r in db.session.scalars(select(Registration)) if eligibility.is_eligible_buyer(r)}
    assert in_sql == in_python == expected


# --- registering ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [Kind.SUPPLIER, Kind.MANUFACTURER, Kind.RESELLER, Kind.CIVIL_SOCIETY])
def test_only_buyer_organisations_register_as_buyers(make_event, person, kind):
    event = make_event()
    with pytest.raises(NotAllowed) as refused:
        services.register(event, person(kind), "buyer")
    assert refused.value.field == "role" and "you can register as" in refused.value.message
    assert count_registrations() == 0
    assert services.register(event, person(Kind.PUBLIC_BUYER), "buyer").state == CONFIRMED
    assert services.register(event, person(Kind.NETWORK), "buyer").state == CONFIRMED


def test_a_manufacturer_does_not_register_as_reseller_but_anyone_may_speak(make_event, person):
    event = make_event()
    with pytest.raises(NotAllowed):
        services.register(event, person(Kind.MANUFACTURER), "reseller")
    with pytest.raises(NotAllowed):
        services.register(event, person(Kind.RESELLER), "supplier")
    for kind in Kind:
        assert services.register(event, person(kind), "speaker").role == Role.SPEAKER


def test_the_form_offers_only_the_allowed_roles_and_a_buyer_link_is_refused(client, auth, make_event, person):
    event = make_event()
    url = f"/events/{event.slug}/register"
    supplier = person(Kind.SUPPLIER, name="Dell")
    auth.login(supplier)
    assert radios(client.get(url).get_data(as_text=True)) == ["supplier", "speaker"]

    html = client.get(f"{url}?role=buyer").get_data(as_text=True)
    assert "Your organisation takes part as" in html and "Register for" in html
    assert radios(html) == ["supplier", "speaker"] and 'checked id="role-0"' in html  # supplier, not buyer
    assert "you can register as: Supplier, Speaker" in role_error(html)

    response = client.post(url, data={"role": "buyer", "consent": "y"})
    assert response.status_code == 403
    assert "you can register as: Supplier, Speaker" in role_error(response.get_data(as_text=True))
    assert count_registrations() == 0

    auth.login(person(Kind.PUBLIC_BUYER))
    assert radios(client.get(url).get_data(as_text=True)) == ["buyer", "observer", "speaker"]
    assert client.post(url, data={"role": "buyer"}).status_code == 303


# --- the organisers' exception ----------------------------------------------------------------------

def test_organiser_grants_a_buyer_role_to_a_consultancy_end_to_end(client, auth, person, world):  # noqa: F811
    w = world
    organiser = w.organiser
    consultant = person(Kind.OTHER, name="Procurement Advisers Ltd")
    registration = services.register(w.event, consultant, "observer")
    db.session.commit()
    assert people.side_of(people.confirmed_registration(w.event, consultant)) is None
    url = f"/events/{w.event.slug}/registrations/{registration.id}/role"

    auth.login(w.s1)  # a supplier cannot change roles
    assert client.post(url, data={"role": "buyer", "reason": "x"}).status_code == 403
    auth.login(organiser)
    page = client.get(f"/events/{w.event.slug}/registrations/{registration.id}").get_data(as_text=True)
    assert "Change the role" in page and "allows: Observer, Speaker" in page
    response = client.post(url, data={"role": "buyer", "reason": ""})
    assert response.status_code == 400 and "Give the reason" in response.get_data(as_text=True)
    response = client.post(url, data={"role": "buyer", "reason": "Runs the tender for the City of Malmö"})
    assert response.status_code == 303

    db.session.expire_all()
    assert registration.role == Role.BUYER and registration.role_exception_by_id == organiser.id
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.role"))
    assert entry.actor_id == organiser.id and entry.details["exception"] is True
    assert "Runs the tender for the City of Malmö" in entry.summary and entry.details["role_to"] == "buyer"
    shown = "Buyer (exception granted by the organisers: Runs the tender for the City of Malmö)"
    assert shown in client.get(f"/events/{w.event.slug}/registrations").get_data(as_text=True)
    auth.login(consultant)
    assert shown in client.get(f"/events/{w.event.slug}/registration").get_data(as_text=True)

    # The consultant now acts as a buyer: listed to suppliers, asked for meetings, answering them.
    assert consultant.organisation in people.buyer_organisations(w.event)
    request = meetings.create_request(w.event, w.s1, buyer_org_id=consultant.organisation.id, intent_id=None,
                                      topic="Refurbished phones", agenda="", preferred_slot_ids=[])
    meeting = meetings.accept_request(request, consultant, slot_id=w.slots[0].id)
    db.session.commit()
    assert consultant.id in {p.user_id for p in meeting.participants}

    # Back to a role the kind allows: the exception goes.
    roles.change_role(registration, "observer", organiser, reason="The tender is cancelled")
    db.session.commit()
    assert registration.role_exception_at is None and registration.role_exception_reason is None
    assert consultant.organisation not in people.buyer_organisations(w.event)


def test_change_role_refusals_places_and_the_waiting_list(make_event, make_registration, organiser, person):
    event = make_event(organiser=organiser)
    event.role_capacities.append(RoleCapacity(role="supplier", capacity=1))
    event.role_capacities.append(RoleCapacity(role="observer", capacity=1))
    db.session.commit()
    speaker = make_registration(event, person(Kind.SUPPLIER), role=Role.SPEAKER)
    supplier = make_registration(event, person(Kind.SUPPLIER), role=Role.SUPPLIER)
    waiting = make_registration(event, person(Kind.SUPPLIER), role=Role.SUPPLIER, state=WAITLISTED)
    make_registration(event, person(Kind.CIVIL_SOCIETY), role=Role.OBSERVER)
    gone = make_registration(event, person(Kind.SUPPLIER), role=Role.SUPPLIER, state=CANCELLED)

    with pytest.raises(NotAllowed):
        roles.change_role(supplier, "speaker", speaker.user, reason="Gives a talk")
    with pytest.raises(DialogueError, match="Give the reason"):
        roles.change_role(supplier, "speaker", organiser, reason="  ")
    with pytest.raises(DialogueError, match="Choose a role"):
        roles.change_role(supplier, "wizard", organiser, reason="x")
    with pytest.raises(DialogueError, match="already has this role"):
        roles.change_role(supplier, "supplier", organiser, reason="x")
    with pytest.raises(Conflict, match="already cancelled"):
        roles.change_role(gone, "speaker", organiser, reason="x")
    with pytest.raises(Conflict, match="No place is left"):  # observers are full: a confirmed one cannot move in
        roles.change_role(speaker, "observer", organiser, reason="Observes only")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0

    promoted = roles.change_role(supplier, "speaker", organiser, reason="Gives the keynote instead")
    db.session.commit()
    assert supplier.role == Role.SPEAKER and supplier.role_exception_at is None  # a supplier may speak
    assert promoted == [waiting] and waiting.state == CONFIRMED  # the supplier's place went to the waiting list


def test_someone_waiting_for_a_full_role_takes_a_free_place_in_the_role_given(make_event, make_registration,
                                                                              organiser, person):
    event = make_event(organiser=organiser, capacity=3)
    event.role_capacities.append(RoleCapacity(role="supplier", capacity=1))
    db.session.commit()
    make_registration(event, person(Kind.SUPPLIER), role=Role.SUPPLIER)
    waiting = make_registration(event, person(Kind.MANUFACTURER), role=Role.SUPPLIER, state=WAITLISTED)

    promoted = roles.change_role(waiting, "speaker", organiser, reason="Presents the take-back scheme")
    db.session.commit()
    assert promoted == [waiting] and waiting.state == CONFIRMED  # speakers have places left


# --- flagged registrations --------------------------------------------------------------------------

def test_flagged_registrations_are_shown_to_organisers_and_resolved(client, auth, make_event, make_registration,
                                                                    organiser, person):
    event = make_event(organiser=organiser)
    reseller = person(Kind.RESELLER, name="Nordic IT Partners")
    flagged = make_registration(event, reseller, role=Role.BUYER, role_flagged_at=utcnow())
    fine = make_registration(event, person(Kind.SUPPLIER), role=Role.SUPPLIER)
    auth.login(organiser)
    html = client.get(f"/events/{event.slug}/registrations").get_data(as_text=True)
    assert "1 registration has a role that does not fit" in html and html.count("Role to review") == 1
    html = client.get(f"/events/{event.slug}/registrations?review=yes").get_data(as_text=True)
    assert "1 registrations match" in html and reseller.name in html and fine.user.name not in html
    html = client.get(f"/events/{event.slug}/registrations/{flagged.id}").get_data(as_text=True)
    assert "This role does not fit the organisation" in html

    response = client.post(f"/events/{event.slug}/registrations/{flagged.id}/role",
                           data={"role": "reseller", "reason": "Registered as buyer by mistake"})
    assert response.status_code == 303
    db.session.expire_all()
    assert flagged.role == Role.RESELLER and flagged.role_flagged_at is None and flagged.role_exception_at is None
    assert "Role to review" not in client.get(f"/events/{event.slug}/registrations").get_data(as_text=True)


def test_keeping_a_flagged_buyer_role_grants_the_exception(make_event, make_registration, organiser, make_org,
                                                           make_user):
    event = make_event(organiser=organiser)
    network_buyer = make_registration(event, make_user(make_org(kind=Kind.NETWORK)), role=Role.BUYER,
                                      role_flagged_at=utcnow())  # flagged, though the kind fits
    other = make_registration(event, make_user(make_org(kind=Kind.OTHER)), role=Role.BUYER, role_flagged_at=utcnow())
    assert not eligibility.is_eligible_buyer(network_buyer) and not eligibility.is_eligible_buyer(other)
    roles.change_role(network_buyer, "buyer", organiser, reason="Checked: ICLEI buys for its members")
    roles.change_role(other, "buyer", organiser, reason="Buys on behalf of the region")
    db.session.commit()
    assert network_buyer.role_exception_at is None and eligibility.is_eligible_buyer(network_buyer)
    assert other.role_exception_reason == "Buys on behalf of the region" and eligibility.is_eligible_buyer(other)


# --- the meetings' buyers ---------------------------------------------------------------------------

def test_meetings_take_buyers_from_eligible_registrations_only(client, auth, make_org, make_user,
                                                              make_registration, world):  # noqa: F811
    w = world
    reseller_org = make_org(name="Nordic IT Partners", kind=Kind.RESELLER)
    intruder = make_user(reseller_org, name="Johan Berg")
    make_registration(w.event, intruder, role=Role.BUYER)  # registered before the rule, not yet flagged
    flagged = db.session.scalar(select(Registration).where(Registration.user_id == w.b3.id))
    flagged.role_flagged_at = utcnow()
    db.session.commit()

    assert [o.name for o in people.buyer_organisations(w.event)] == ["City of Malmö"]
    assert {u.id for u in people.buyer_people(w.event)} == {w.b1.id, w.b2.id}
    assert people.buyer_user_ids(w.event) == {w.b1.id, w.b2.id}
    for user in (intruder, w.b3):
        with pytest.raises(NotAllowed):
            people.require_buyer(w.event, user)
    with pytest.raises(DialogueError, match="Choose a buyer organisation"):
        meetings.create_request(w.event, w.s1, buyer_org_id=reseller_org.id, intent_id=None, topic="x", agenda="",
                                preferred_slot_ids=[])
    request = meetings.create_request(w.event, w.s1, buyer_org_id=w.buyer_org.id, intent_id=None,
                                      topic="Refurbished phones", agenda="", preferred_slot_ids=[])
    with pytest.raises(DialogueError, match="Only buyers registered"):  # a flagged co-host cannot be brought
        meetings.accept_request(request, w.b1, slot_id=w.slots[0].id, buyer_ids=[w.b3.id])
    db.session.rollback()

    w.settings.mode = MeetingMode.SELF_BOOKING
    db.session.commit()
    with pytest.raises(NotFound):
        placement.book_slot(w.event, w.s1, intruder, w.slots[0].id, topic="Phones")

    auth.login(w.s1)
    html = client.get(f"/events/{w.event.slug}/meetings/buyers").get_data(as_text=True)
    assert "City of Malmö" in html and "Nordic IT Partners" not in html and "Ingrid Hansen" not in html


def test_the_scheduler_leaves_out_buyers_no_longer_eligible(make_registration, world):  # noqa: F811
    w = world
    request = meetings.create_request(w.event, w.s1, buyer_org_id=w.cohost_org.id, intent_id=None,
                                      topic="Repair of phones", agenda="", preferred_slot_ids=[])
    db.session.commit()
    instance, no_buyer = scheduling.build_instance(w.event)
    assert [r.buyers for r in instance.requests] == [(w.b3.id,)] and no_buyer == []
    flagged = db.session.scalar(select(Registration).where(Registration.user_id == w.b3.id))
    flagged.role_flagged_at = utcnow()  # after the request: the flag decides what the scheduler sees
    db.session.commit()
    instance, no_buyer = scheduling.build_instance(w.event)
    assert instance.requests == [] and no_buyer == [request.id]


# --- the migration ----------------------------------------------------------------------------------

@pytest.fixture
def empty_database(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    with temporary_database(database_url, "dlg_eligibility_migration") as url:
        yield url


def test_the_migration_flags_active_registrations_that_break_the_rule(empty_database, tmp_path):
    from alembic.script import ScriptDirectory

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "SECRET_KEY": "x", "TESTING": True,
                      "UPLOAD_DIR": str(tmp_path)})
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        previous = ScriptDirectory.from_config(config).get_revision("c12_role_eligibility").down_revision
        flask_migrate.upgrade(revision=previous)
        tables = MetaData()
        tables.reflect(db.engine, only=["organisations", "users", "events", "registrations"])
        now = dt.datetime.now(dt.timezone.utc)
        with db.engine.begin() as conn:
            for i, kind in enumerate(("public_buyer", "reseller", "supplier", "network"), start=1):
                conn.execute(insert(tables.tables["organisations"]).values(
                    id=i, name=kind, slug=kind, kind=kind, country="FI", created_at=now))
            for i in range(1, 7):
                conn.execute(insert(tables.tables["users"]).values(
                    id=i, email=f"p{i}@example.org", name=f"P{i}", password_hash="x", locale="en",
                    timezone="UTC", is_admin=False, session_version=1, created_at=now))
            conn.execute(insert(tables.tables["events"]).values(
                id=1, slug="e", title="E", summary="", description="", format="in_person", timezone="UTC",
                starts_at=now, ends_at=now + dt.timedelta(hours=8), languages=["en"], moderated=False,
                status="published", created_at=now, updated_at=now, sequence=0))
            rows = {  # id: (user, organisation, role, state)
                1: (1, 1, "buyer", "confirmed"),      # fits
                2: (2, 2, "buyer", "confirmed"),      # a reseller as buyer: flagged
                3: (3, 3, "buyer", "pending"),        # a supplier as buyer, waiting: flagged
                4: (4, 3, "reseller", "waitlisted"),  # a supplier as reseller: flagged
                5: (5, 2, "buyer", "cancelled"),      # over: left as it was
                6: (6, 4, "buyer", "confirmed"),      # a network of buyers: fits
            }
            for rid, (user, org, role, state) in rows.items():
                conn.execute(insert(tables.tables["registrations"]).values(
                    id=rid, event_id=1, user_id=user, organisation_id=org, role=role, state=state,
                    ticket_token=f"t{rid}", created_at=now, updated_at=now))
        flask_migrate.upgrade(revision="c12_role_eligibility")
        flagged = {rid for rid, at in db.session.execute(select(Registration.id, Registration.role_flagged_at))
                   if at is not None}
        assert flagged == {2, 3, 4}
        assert db.session.scalar(select(Registration.role).where(Registration.id == 2)) == Role.BUYER  # unchanged
        db.session.remove()
        db.engine.dispose()
