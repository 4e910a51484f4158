"""A profile's contact is personal data: in the person's export, and gone with their account."""

import io
import json
import zipfile

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import MemberRole, ProfileVersion
from dialogue.organisations import profiles
from dialogue.organisations.profiles import ProfileInput
from tests.conftest import TEST_PASSWORD


def test_export_then_erasure_of_the_contact_person(client, auth, orgs):
    profiles.save_profile(orgs.reseller, orgs.admin, ProfileInput(
        description="Reseller", contact_name="Johan Berg", contact_email="johan@nordicit.example.org"))
    profiles.save_profile(orgs.reseller, orgs.admin, ProfileInput(
        description="Reseller of laptops", contact_name="Johan Berg", contact_email="johan@nordicit.example.org"))
    orgs.member.membership.role = MemberRole.ADMIN
    db.session.commit()
    auth.login(orgs.admin)
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/data/download").data))
    data = json.loads(archive.read("data.json"))
    assert data["profile_contacts"] == [{"organisation": "Nordic IT Partners", "contact_name": "Johan Berg",
                                         "contact_email": "johan@nordicit.example.org",
                                         "visibility": "participants"}]

    assert client.post("/account/erase", data={"password": TEST_PASSWORD, "confirm": "y"}).status_code == 303
    profile = profiles.load_profile(orgs.reseller.id)
    assert profile.contact_name is None and profile.contact_email is None
    assert profile.description == "Reseller of laptops"  # the organisation's profile stays
    for version in db.session.scalars(select(ProfileVersion)):
        assert "johan" not in json.dumps(version.snapshot).lower()
        assert version.snapshot["description"].startswith("Reseller")
