"""The profile pages: who sees what, who edits, and what a refused upload looks like."""

import io

import pytest

from dialogue.extensions import db
from dialogue.models import FieldVisibility, ParticipantRole, RegistrationState
from dialogue.organisations import labels, profiles
from dialogue.organisations.profiles import ProfileInput
from tests.organisations.conftest import ELF, PDF


@pytest.fixture
def saved(orgs):
    profiles.save_profile(orgs.reseller, orgs.admin, ProfileInput(
        description="We resell **business laptops**.", cpv_codes=["30213100-6"], countries_served=["SE", "NO"],
        sme=True, repair=True, contact_name="Johan Berg", contact_email="johan@nordicit.example.org",
        resold_ids=[orgs.maker.id]))
    label = labels.add_label(orgs.reseller, orgs.admin, labels.LabelInput(
        scheme="tco_certified", level="10", scope="Notebooks", filename="tco.pdf", stream=io.BytesIO(PDF)))
    db.session.commit()
    return label


def test_everyone_sees_the_profile_but_not_a_participants_only_contact(client, orgs, saved):
    page = client.get("/organisations/nordic-it").get_data(as_text=True)
    assert "<strong>business laptops</strong>" in page and "30213100-6" in page and "Portable computers" in page
    assert "TCO Certified 10" in page and "Dell Technologies" in page and "Norway" in page
    assert "johan@nordicit.example.org" not in page and "Johan Berg" not in page
    assert "Members" not in page  # the members section stays for members


@pytest.mark.parametrize("viewer, sees", [("member", True), ("platform", True), ("maker_admin", False),
                                          ("participant", True), ("pending", False)])
def test_participants_only_contact(client, auth, orgs, saved, make_event, make_registration, make_user, viewer,
                                   sees):
    event = make_event()
    make_registration(event, orgs.admin, role=ParticipantRole.RESELLER)
    if viewer in ("participant", "pending"):
        user = make_user(orgs.maker)
        state = RegistrationState.CONFIRMED if viewer == "participant" else RegistrationState.PENDING
        make_registration(event, user, state=state)
    else:
        user = getattr(orgs, viewer)
    auth.login(user)
    page = client.get("/organisations/nordic-it").get_data(as_text=True)
    assert ("johan@nordicit.example.org" in page) is sees


def test_a_public_contact_is_shown_to_everyone(client, orgs, saved):
    profile = profiles.load_profile(orgs.reseller.id)
    profile.contact_visibility = FieldVisibility.PUBLIC
    db.session.commit()
    assert "johan@nordicit.example.org" in client.get("/organisations/nordic-it").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/organisations/nordic-it/profile"])
def test_edit_page_permissions(client, auth, orgs, url):
    assert client.get(url).status_code == 302  # to sign in
    for who, status in (("member", 403), ("maker_admin", 403), ("admin", 200), ("platform", 200)):
        auth.login(getattr(orgs, who))
        assert client.get(url).status_code == status, who


def test_saving_from_the_form(client, auth, orgs):
    auth.login(orgs.admin)
    response = client.post("/organisations/nordic-it/profile", data={
        "description": "- Repair\r\n- IT services", "cpv_codes": "30213100-6", "cpv_add": "50320000-4",
        "countries_served": ["SE", "DK"], "sme": "yes", "electronics_watch": "not_stated", "repair": "y",
        "resold_ids": [str(orgs.maker.id)], "resold_names": "HP Inc.", "contact_visibility": "public"})
    assert response.status_code == 303
    profile = profiles.load_profile(orgs.reseller.id)
    assert [c.code for c in profile.cpv_codes] == ["30213100-6", "50320000-4"] and profile.repair
    assert profile.version == 1 and sorted(r.name for r in profile.resold) == ["Dell Technologies", "HP Inc."]
    shown = client.get("/organisations/nordic-it/profile").get_data(as_text=True)
    assert 'data-cpv-search="/cpv.json"' in shown
    assert "<li>Repair</li>\n<li>IT services</li>" in client.get("/organisations/nordic-it").get_data(as_text=True)


def test_a_bad_code_is_shown_next_to_its_field_and_nothing_is_saved(client, auth, orgs):
    auth.login(orgs.admin)
    response = client.post("/organisations/nordic-it/profile", data={
        "description": "Changed", "cpv_codes": "12345678-9", "electronics_watch": "not_stated",
        "contact_visibility": "public"})
    assert response.status_code == 400 and "not in the CPV list" in response.get_data(as_text=True)
    assert profiles.load_profile(orgs.reseller.id) is None


def test_label_permissions_and_upload(client, auth, orgs):
    data = lambda: {"scheme": "tco_certified", "level": "10", "file": (io.BytesIO(PDF), "tco.pdf")}  # noqa: E731
    assert client.post("/organisations/nordic-it/labels", data=data()).status_code == 302
    for who in ("member", "maker_admin"):
        auth.login(getattr(orgs, who))
        assert client.post("/organisations/nordic-it/labels", data=data()).status_code == 403
    auth.login(orgs.admin)
    assert client.post("/organisations/nordic-it/labels", data=data()).status_code == 303
    label = profiles.load_profile(orgs.reseller.id).labels[0]
    assert label.evidence_filename == "tco.pdf"


@pytest.mark.parametrize("filename, content, status, message", [
    ("tco.exe", ELF, 400, "cannot be uploaded"),
    ("tco.pdf", ELF, 400, "program"),
    ("tco.pdf", PDF + b"0" * 3000, 413, "larger than the limit"),
])
def test_refused_evidence_uploads(app, client, auth, orgs, filename, content, status, message):
    app.config["MAX_UPLOAD_BYTES"] = len(PDF) + 1000
    auth.login(orgs.admin)
    response = client.post("/organisations/nordic-it/labels",
                           data={"scheme": "tco_certified", "file": (io.BytesIO(content), filename)})
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert profiles.load_profile(orgs.reseller.id) is None or not profiles.load_profile(orgs.reseller.id).labels


def test_removing_a_label(client, auth, orgs, saved):
    url = f"/organisations/nordic-it/labels/{saved.id}/remove"
    assert client.post(url).status_code == 302
    auth.login(orgs.maker_admin)
    assert client.post(url).status_code == 403
    auth.login(orgs.admin)
    assert client.post(url).status_code == 303
    assert profiles.load_profile(orgs.reseller.id).labels == []
    assert client.post(url).status_code == 404


def test_evidence_is_served_with_the_materials_headers(client, orgs, saved):
    response = client.get(f"/organisations/nordic-it/labels/{saved.id}/evidence")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert client.get(f"/organisations/dell/labels/{saved.id}/evidence").status_code == 404


def test_history_lists_versions_and_hides_a_participants_only_contact(client, auth, orgs, saved):
    page = client.get("/organisations/nordic-it/history").get_data(as_text=True)
    assert "Version 2" in page and "Version 1" in page and "TCO Certified 10 (Notebooks)" in page
    assert "johan@nordicit.example.org" not in page
    auth.login(orgs.member)
    assert "johan@nordicit.example.org" in client.get("/organisations/nordic-it/history").get_data(as_text=True)


def test_a_buyer_fills_in_the_short_form(client, auth, orgs):
    auth.login(orgs.buyer_admin)
    form = client.get("/organisations/malmo/profile").get_data(as_text=True)
    assert "Electronics Watch" not in form and "What you resell" not in form
    response = client.post("/organisations/malmo/profile", data={
        "description": "Malmö buys laptops for its schools.", "cpv_codes": "30213100-6",
        "contact_visibility": "participants"})
    assert response.status_code == 303
    page = client.get("/organisations/malmo").get_data(as_text=True)
    assert "CPV codes of interest" in page and "Malmö buys laptops" in page
