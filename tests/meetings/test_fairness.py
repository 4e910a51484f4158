"""The organisers' fairness view: exact figures per buyer and per group of suppliers, in a fixed number
of statements, on the page, in the CSV file and the consultation record."""

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import event as sa_event

from dialogue.extensions import db
from dialogue.meetings import fairness, minutes, requests
from dialogue.models import OrganisationKind, OrganisationProfile, ParticipantRole, utcnow


@pytest.fixture
def market(world, make_user, make_org, make_registration):
    """Malmö: three requests (an SME supplier accepted and minuted, a large manufacturer accepted without
    minutes, a reseller that stated no size declined). Oslo: the SME's request expired, the manufacturer's
    pending, the reseller's accepted for later; and Oslo's buyer sat in the SME's meeting with Malmö."""
    w = world
    w.supplier_org.country = "GB"
    w.other_supplier_org.country, w.other_supplier_org.kind = "US", OrganisationKind.MANUFACTURER
    db.session.add_all([OrganisationProfile(organisation_id=w.supplier_org.id, sme=True),
                        OrganisationProfile(organisation_id=w.other_supplier_org.id, sme=False)])
    reseller_org = make_org(name="=Nordic IT Partners", kind=OrganisationKind.RESELLER, country="FI")
    reseller = make_user(reseller_org, name="Rita Reseller")
    make_registration(w.event, reseller, role=ParticipantRole.RESELLER)
    db.session.commit()

    def ask(supplier, buyer_org):
        return requests.create_request(w.event, supplier, buyer_org_id=buyer_org.id, intent_id=None, topic="Phones",
                                       agenda="", preferred_slot_ids=[])

    sme_meeting = requests.accept_request(ask(w.s1, w.buyer_org), w.b1, slot_id=w.slots[0].id, buyer_ids=[w.b3.id])
    requests.accept_request(ask(w.s3, w.buyer_org), w.b1, slot_id=w.slots[1].id)
    requests.decline_request(ask(reseller, w.buyer_org), w.b1, "Not now")
    ask(w.s1, w.cohost_org).expires_at = utcnow() - dt.timedelta(hours=1)
    ask(w.s3, w.cohost_org)
    requests.accept_request(ask(reseller, w.cohost_org), w.b3, slot_id=w.slots[2].id)
    db.session.commit()
    for n in (0, 1):  # the first two meetings are over
        w.slots[n].starts_at = utcnow() - dt.timedelta(hours=3 - n)
        w.slots[n].ends_at = w.slots[n].starts_at + dt.timedelta(minutes=20)
    db.session.commit()
    minutes.record_minutes(sme_meeting, w.b2, summary="Refurbished phones", no_information_given=True,
                           information_given=None)
    db.session.commit()
    w.reseller_org = reseller_org
    return w


def _figures(line):
    return (line.requests, line.accepted, line.declined, line.expired, line.pending, line.acceptance_rate,
            line.held, line.scheduled, line.minutes, line.minutes_missing)


def test_counts_per_buyer_and_per_group(market):
    w = market
    table = fairness.fairness(w.event)
    totals = {line.buyer: _figures(line) for line in table.totals}
    assert totals == {"City of Malmö": (3, 2, 1, 0, 0, 67, 2, 0, 1, 1),
                      "City of Oslo": (3, 1, 0, 1, 1, 50, 1, 1, 1, 0)}
    by_size = {(line.buyer, line.group): _figures(line) for line in table.breakdowns["size"]}
    assert by_size == {
        ("City of Malmö", "SME"): (1, 1, 0, 0, 0, 100, 1, 0, 1, 0),
        ("City of Malmö", "not SME"): (1, 1, 0, 0, 0, 100, 1, 0, 0, 1),
        ("City of Malmö", "not stated"): (1, 0, 1, 0, 0, 0, 0, 0, 0, 0),
        ("City of Oslo", "SME"): (1, 0, 0, 1, 0, 0, 1, 0, 1, 0),
        ("City of Oslo", "not SME"): (1, 0, 0, 0, 1, None, 0, 0, 0, 0),
        ("City of Oslo", "not stated"): (1, 1, 0, 0, 0, 100, 0, 1, 0, 0)}
    by_kind = {(line.buyer, line.group): (line.requests, line.held, line.scheduled)
               for line in table.breakdowns["kind"]}
    assert by_kind == {("City of Malmö", "Manufacturer"): (1, 1, 0), ("City of Malmö", "Reseller"): (1, 0, 0),
                       ("City of Malmö", "Supplier"): (1, 1, 0), ("City of Oslo", "Manufacturer"): (1, 0, 0),
                       ("City of Oslo", "Reseller"): (1, 0, 1), ("City of Oslo", "Supplier"): (1, 1, 0)}
    by_country = {(line.buyer, line.group): line.requests for line in table.breakdowns["country"]}
    assert by_country == {("City of Malmö", "FI"): 1, ("City of Malmö", "GB"): 1, ("City of Malmö", "US"): 1,
                          ("City of Oslo", "FI"): 1, ("City of Oslo", "GB"): 1, ("City of Oslo", "US"): 1}
    assert _figures(table.grand_total)[:5] == (6, 3, 1, 1, 1)


def test_statement_count_does_not_grow_with_the_data(market, make_user, make_org, make_registration):
    w = market

    def statements():
        assert w.event.id  # loaded before counting: a commit expired it
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            fairness.fairness(w.event)
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    before = statements()
    assert before == 3
    for n in range(4):
        org = make_org(name=f"Supplier {n}", kind=OrganisationKind.SUPPLIER, country="SE")
        person = make_user(org)
        make_registration(w.event, person, role=ParticipantRole.SUPPLIER)
        requests.create_request(w.event, person, buyer_org_id=w.buyer_org.id, intent_id=None, topic="More",
                                agenda="", preferred_slot_ids=[])
    db.session.commit()
    assert statements() == before
    assert {line.buyer: line.requests for line in fairness.fairness(w.event).totals}["City of Malmö"] == 7


def test_page_csv_and_who_may_see_them(market, client, auth):
    w = market
    url = f"/events/{w.event.slug}/meetings/fairness"
    assert client.get(url).status_code == 302
    for person in (w.b1, w.s1, w.observer):
        auth.login(person)
        assert client.get(url).status_code == 403
        assert client.get(url + ".csv").status_code == 403
    auth.login(w.organiser)
    page = client.get(url).get_data(as_text=True)
    assert '<th scope="row">City of Malmö</th>' in page and "67 %" in page and "not stated" in page
    assert "Kind of supplier" in page
    by_kind = client.get(url + "?by=kind").get_data(as_text=True)
    assert "Manufacturer" in by_kind
    manage = client.get(f"/events/{w.event.slug}/meetings/manage").get_data(as_text=True)
    assert url in manage

    response = client.get(url + ".csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Buyer organisation", "Breakdown", "Group", "Requests received"]
    malmo = next(r for r in rows if r[0] == "City of Malmö" and r[1] == "total")
    assert malmo[3:] == ["3", "2", "1", "0", "0", "0", "67", "2", "0", "1", "1"]
    assert len(rows) == 1 + 2 + 6 + 6 + 6  # headings, totals, size, country, kind


def test_fairness_is_in_the_event_record(market, client, auth):
    w = market
    auth.login(w.organiser)
    page = client.get(f"/events/{w.event.slug}/record").get_data(as_text=True)
    assert "Fairness of meetings" in page and "Per buyer organisation and supplier size" in page
    assert "Minutes missing" in page and "Refurbished phones" in page
