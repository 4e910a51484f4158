"""Organisations in the read API: as the OpenAPI document says, public fields only."""

import datetime as dt

import pytest

from dialogue.extensions import db
from dialogue.organisations import labels, profiles
from dialogue.organisations.profiles import ProfileInput
from tests.api.test_api import check


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def saved(orgs):
    profiles.save_profile(orgs.reseller, orgs.admin, ProfileInput(
        description="Nordic reseller", cpv_codes=["30213100-6", "50320000-4"], sme=True, repair=True,
        countries_served=["SE", "NO"], electronics_watch="will_disclose", contact_name="Johan Berg",
        contact_email="johan@nordicit.example.org", contact_visibility="public"))
    labels.add_label(orgs.reseller, orgs.admin, labels.LabelInput(
        scheme="tco_certified", level="10", scope="Notebooks", evidence_url="https://tcocertified.com/",
        valid_until=dt.date(2030, 1, 31)))
    labels.add_label(orgs.reseller, orgs.admin, labels.LabelInput(
        scheme="other", name="Nordic Swan", evidence_url="https://www.nordic-swan-ecolabel.org/"))
    db.session.commit()


def test_organisations_answer_as_documented(client, spec, orgs, saved):
    for path, url, status in [
        ("/organisations", "/api/v1/organisations?per_page=2", 200),
        ("/organisations", "/api/v1/organisations?cpv=3021&sme=yes", 200),
        ("/organisations", "/api/v1/organisations?label=nobel", 400),
        ("/organisations", "/api/v1/organisations?country=ZZ", 400),
        ("/organisations/{slug}", "/api/v1/organisations/nordic-it", 200),
        ("/organisations/{slug}", "/api/v1/organisations/dell", 200),
        ("/organisations/{slug}", "/api/v1/organisations/nope", 404),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        check(spec, path, "get", status, response)


def test_the_public_profile_without_contact_details(client, orgs, saved):
    response = client.get("/api/v1/organisations/nordic-it")
    body = response.get_json()
    assert body["slug"] == "nordic-it" and body["kind"] == "reseller" and body["country"] == "SE"
    assert body["cpv"] == ["30213100-6", "50320000-4"] and body["sme"] is True and body["repair"] is True
    assert body["labels"] == [
        {"name": "TCO Certified", "scheme": "tco_certified", "level": "10", "scope": "Notebooks",
         "valid_until": "2030-01-31"},
        {"name": "Nordic Swan", "scheme": "other", "level": None, "scope": "", "valid_until": None}]
    assert body["electronics_watch"] == "will_disclose" and body["countries_served"] == ["NO", "SE"]
    assert "johan" not in response.get_data(as_text=True).lower()
    assert response.headers["ETag"] and "max-age=60" in response.headers["Cache-Control"]
    again = client.get("/api/v1/organisations/nordic-it", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_list_filters_and_pages(client, orgs, saved):
    listing = client.get("/api/v1/organisations?per_page=2").get_json()
    assert listing["total"] == 3 and len(listing["items"]) == 2 and listing["links"]["next"]
    assert [o["slug"] for o in client.get("/api/v1/organisations?cpv=3021").get_json()["items"]] == ["nordic-it"]
    filtered = client.get("/api/v1/organisations?label=tco_certified&per_page=1").get_json()
    assert filtered["total"] == 1 and "label=tco_certified" in filtered["links"]["self"]
