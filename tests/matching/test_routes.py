"""The suggestions pages: who sees them, what they show, the meeting request they lead to."""

import pytest
from sqlalchemy import event as sa_event

from dialogue.extensions import db
from dialogue.models import OrganisationKind
from tests.conftest import keep_signed_in


def page(client, url):
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("who, status", [
    ("buyer", 200), ("organiser", 200), ("admin", 200), ("supplier", 403), ("stranger", 403)])
def test_who_sees_a_tenders_suggestions(client, auth, market, make_user, who, status):
    w = market.w
    user = {"buyer": w.b1, "organiser": w.organiser, "admin": make_user(admin=True), "supplier": w.s1,
            "stranger": market.stranger}[who]
    auth.login(user)
    assert client.get(f"/intents/{market.intent.id}/suggestions").status_code == status


def test_anonymous_people_are_sent_to_sign_in(client, market):
    for url in (f"/intents/{market.intent.id}/suggestions", f"/organisations/{market.w.supplier_org.slug}/suggestions"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_draft_has_no_suggestions_for_the_event_organiser(client, auth, market):
    auth.login(market.w.organiser)
    assert client.get(f"/intents/{market.draft.id}/suggestions").status_code == 404
    auth.login(market.w.b1)
    assert client.get(f"/intents/{market.draft.id}/suggestions").status_code == 200


def test_the_buyer_sees_suppliers_ranked_with_their_reasons(client, auth, market):
    auth.login(market.w.b1)
    status, body = page(client, f"/intents/{market.intent.id}/suggestions")
    assert status == 200
    assert body.index("Circular Computing") < body.index("Nordic IT Partners")
    assert "Dell" not in body  # laptops only, elsewhere, nothing in common: no suggestion at all
    assert "Offers 32250000-0, a code of the tender." in body
    assert "Electronics Watch: production sites disclosed." in body
    assert "Asks for TCO Certified generation 10: holds generation 10." in body
    assert f'href="/organisations/{market.w.supplier_org.slug}"' in body


@pytest.mark.parametrize("who, status", [("member", 200), ("admin", 200), ("other", 403), ("buyer", 403)])
def test_who_sees_an_organisations_suggestions(client, auth, market, make_user, who, status):
    w = market.w
    user = {"member": w.s2, "admin": make_user(admin=True), "other": w.s3, "buyer": w.b1}[who]
    auth.login(user)
    assert client.get(f"/organisations/{w.supplier_org.slug}/suggestions").status_code == status


def test_unknown_organisation_is_404(client, auth, market):
    auth.login(market.w.s1)
    assert client.get("/organisations/no-such-org/suggestions").status_code == 404


def test_the_supplier_sees_announced_tenders_and_one_click_to_a_meeting_request(client, auth, market):
    w = market.w
    auth.login(w.s1)
    status, body = page(client, f"/organisations/{w.supplier_org.slug}/suggestions")
    assert status == 200
    assert "Smartphones for the city" in body and "Secret draft phones" not in body
    link = f"/events/{w.event.slug}/meetings/request/{w.buyer_org.id}?intent={market.intent.id}"
    assert f'href="{link}"' in body
    form = client.get(link).get_data(as_text=True)
    assert f'<option selected value="{market.intent.id}">Smartphones for the city</option>' in form


def test_a_supplier_not_registered_is_pointed_to_the_event(client, auth, market, make_user):
    colleague = make_user(market.w.supplier_org)
    auth.login(colleague)
    _, body = page(client, f"/organisations/{market.w.supplier_org.slug}/suggestions")
    assert "/meetings/request/" not in body
    assert f'href="/events/{market.w.event.slug}"' in body


def test_an_organisation_without_profile_is_asked_to_fill_it_in(client, auth, market, make_org, make_user):
    org = make_org(kind=OrganisationKind.MANUFACTURER)
    auth.login(make_user(org))
    status, body = page(client, f"/organisations/{org.slug}/suggestions")
    assert status == 200 and "Fill in the profile first" in body


def test_links_to_the_suggestions_for_those_who_may_see_them(client, auth, market):
    w = market.w
    intent_link = f'href="/intents/{market.intent.id}/suggestions"'
    org_link = f'href="/organisations/{w.supplier_org.slug}/suggestions"'
    assert intent_link not in client.get(f"/intents/{market.intent.id}").get_data(as_text=True)
    auth.login(w.b1)
    assert intent_link in client.get(f"/intents/{market.intent.id}").get_data(as_text=True)
    assert org_link not in client.get(f"/organisations/{w.supplier_org.slug}").get_data(as_text=True)
    auth.login(w.s1)
    assert intent_link not in client.get(f"/intents/{market.intent.id}").get_data(as_text=True)
    assert org_link in client.get(f"/organisations/{w.supplier_org.slug}").get_data(as_text=True)


def _statements(client, url) -> int:
    keep_signed_in(client)
    count = [0]

    def listener(*args):
        count[0] += 1

    sa_event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", listener)
    return count[0]


def test_statements_do_not_grow_with_the_candidates(client, auth, market, make_profile, make_intent):
    auth.login(market.w.b1)
    url = f"/intents/{market.intent.id}/suggestions"
    before = _statements(client, url)
    for n in range(5):
        make_profile(name=f"Extra supplier {n}", cpv=["32250000-0"], labels=[("epeat", "gold")])
    assert _statements(client, url) == before
    auth.login(market.w.s1)
    url = f"/organisations/{market.w.supplier_org.slug}/suggestions"
    before = _statements(client, url)
    for n in range(4):
        make_intent(market.w.cohost_org, title=f"Phones {n}", cpv_main="32250000-0")
    assert _statements(client, url) == before
