"""The directory: filters, the event's own list, meeting links, and a constant number of statements."""

import datetime as dt

import pytest
from sqlalchemy import event as sa_event

from dialogue.extensions import db
from dialogue.models import MeetingMode, MemberRole, OrganisationKind, ParticipantRole, RegistrationState
from dialogue.organisations import labels, profiles
from dialogue.organisations.profiles import ProfileInput


def names(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.get_data(as_text=True)
    return [name for name in ("Circular Computing", "Dell Technologies", "Nordic IT Partners", "City of Malmö")
            if f">{name}</a></h2>" in text]


@pytest.fixture
def market(orgs, make_org, make_user):
    circular = make_org(name="Circular Computing", slug="circular", kind=OrganisationKind.MANUFACTURER, country="GB")
    circular_admin = make_user(circular, role=MemberRole.ADMIN)
    profiles.save_profile(circular, circular_admin, ProfileInput(
        cpv_codes=["30213100-6"], sme=True, countries_served=["FI", "GB"], refurbishment=True))
    labels.add_label(circular, circular_admin, labels.LabelInput(
        scheme="tco_certified", level="Edge", evidence_url="https://tcocertified.com/"))
    profiles.save_profile(orgs.maker, orgs.maker_admin, ProfileInput(cpv_codes=["30231000-7"], sme=False))
    labels.add_label(orgs.maker, orgs.maker_admin, labels.LabelInput(
        scheme="epeat", level="gold", evidence_url="https://www.epeat.net/",
        valid_until=dt.date.today() + dt.timedelta(days=1)), today=dt.date.today())
    profiles.save_profile(orgs.reseller, orgs.admin, ProfileInput(cpv_codes=["50320000-4"], sme=True))
    db.session.commit()
    return circular


@pytest.mark.parametrize("query, expected", [
    ("", ["Circular Computing", "Dell Technologies", "Nordic IT Partners", "City of Malmö"]),
    ("?cpv=3021", ["Circular Computing"]),
    ("?cpv=30213100-6", ["Circular Computing"]),
    ("?cpv=30", ["Circular Computing", "Dell Technologies"]),
    ("?label=epeat", ["Dell Technologies"]),
    ("?country=FI", ["Circular Computing"]),  # served, not based
    ("?country=SE", ["Nordic IT Partners", "City of Malmö"]),
    ("?kind=manufacturer", ["Circular Computing", "Dell Technologies"]),
    ("?sme=yes", ["Circular Computing", "Nordic IT Partners"]),
    ("?sme=no&cpv=30", ["Dell Technologies"]),
])
def test_filters(client, market, query, expected):
    assert names(client, "/directory" + query) == expected


def test_a_bad_filter_is_shown_on_its_field(client, market):
    response = client.get("/directory?cpv=abc&label=nobel")
    assert response.status_code == 400 and "CPV code or the first digits" in response.get_data(as_text=True)


def test_pages(client, make_org):
    for n in range(25):
        make_org(name=f"Supplier {n:02}", kind=OrganisationKind.SUPPLIER)
    first = client.get("/directory").get_data(as_text=True)
    assert "Supplier 19" in first and "Supplier 20" not in first and 'rel="next"' in first
    assert "Supplier 20" in client.get("/directory?page=2").get_data(as_text=True)


def test_the_event_directory_lists_who_is_registered_and_offers_meetings(client, auth, orgs, market, make_event,
                                                                         make_registration, make_user):
    from dialogue.meetings import setup

    event = make_event()
    make_registration(event, orgs.admin, role=ParticipantRole.RESELLER)
    make_registration(event, orgs.buyer_admin, role=ParticipantRole.BUYER)
    make_registration(event, orgs.maker_admin, state=RegistrationState.CANCELLED)
    url = f"/events/{event.slug}/directory"
    assert names(client, url) == ["Nordic IT Partners", "City of Malmö"]
    assert "Request a meeting" not in client.get(url).get_data(as_text=True)  # no meetings at this event
    setup.ensure_settings(event).mode = MeetingMode.REQUEST
    db.session.commit()
    assert "Request a meeting" not in client.get(url).get_data(as_text=True)  # anonymous
    auth.login(orgs.admin)
    page = client.get(url).get_data(as_text=True)
    assert page.count("Request a meeting") == 1
    assert f"/events/{event.slug}/meetings/request/{orgs.buyer.id}" in page
    auth.login(orgs.buyer_admin)  # buyers answer requests, they do not send them
    assert "Request a meeting" not in client.get(url).get_data(as_text=True)
    assert f'href="/events/{event.slug}/directory"' in client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert 'href="/directory"' in client.get("/").get_data(as_text=True)


def test_directory_statements_do_not_grow_with_the_organisations(app, client, make_org, make_user):
    def count(url):
        statements = []

        def listener(*args, **kwargs):
            statements.append(1)

        client.get(url)
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    def add(n):
        for _ in range(n):
            org = make_org(kind=OrganisationKind.SUPPLIER)
            admin = make_user(org, role=MemberRole.ADMIN)
            profiles.save_profile(org, admin, ProfileInput(cpv_codes=["30213100-6", "30231000-7"], sme=True))
            labels.add_label(org, admin, labels.LabelInput(scheme="epeat", evidence_url="https://www.epeat.net/"))
        db.session.commit()

    add(1)
    few = count("/directory?cpv=30")
    add(12)
    assert count("/directory?cpv=30") == few


def test_the_directory_of_an_event_not_published_is_not_found(client, make_event):
    from dialogue.models import EventStatus

    draft = make_event(status=EventStatus.DRAFT)
    assert client.get(f"/events/{draft.slug}/directory").status_code == 404
    assert client.get("/events/nope/directory").status_code == 404
