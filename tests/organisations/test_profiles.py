"""Profile rules: who edits, what each save keeps, what is refused."""

import datetime as dt
import io

import pytest
from sqlalchemy import select

from dialogue.core.errors import DialogueError, NotAllowed
from dialogue.extensions import db
from dialogue.models import AuditEntry, ElectronicsWatchStatus, ProfileVersion
from dialogue.organisations import labels, profiles
from dialogue.organisations.history import version_views
from dialogue.organisations.profiles import ProfileInput
from tests.organisations.conftest import ELF, PDF


def reseller_input(orgs, **overrides):
    values = dict(description="Nordic reseller of **business laptops**.", offering="Laptops, repair, IT services",
                  sme=True, countries_served=["se", "NO", "FI"], electronics_watch="will_disclose", repair=True,
                  contact_name="Johan Berg", contact_email="Johan@NordicIT.example.org",
                  cpv_codes=["30213100-6", "50320000"], resold_ids=[orgs.maker.id], resold_names=["HP Inc.", " "])
    values.update(overrides)
    return ProfileInput(**values)


def test_each_save_is_a_version_with_the_whole_profile(orgs):
    profile = profiles.save_profile(orgs.reseller, orgs.admin, reseller_input(orgs))
    db.session.commit()
    assert profile.version == 1
    assert [c.code for c in profile.cpv_codes] == ["30213100-6", "50320000-4"]  # eight digits completed
    assert profile.countries_served == ["FI", "NO", "SE"] and profile.contact_email == "johan@nordicit.example.org"
    assert sorted(r.name for r in profile.resold) == ["Dell Technologies", "HP Inc."]
    labels.add_label(orgs.reseller, orgs.admin, labels.LabelInput(
        scheme="epeat", level="Gold", scope="Dell notebooks", evidence_url="https://www.epeat.net/"))
    profiles.save_profile(orgs.reseller, orgs.admin, reseller_input(orgs, cpv_codes=["30213100-6"], sme=False))
    db.session.commit()
    versions = profiles.list_versions(orgs.reseller)
    assert [v.version for v in versions] == [3, 2, 1]
    assert versions[2].snapshot["cpv"] == ["30213100-6", "50320000-4"] and versions[2].snapshot["labels"] == []
    assert versions[1].snapshot["labels"][0]["level"] == "gold"
    assert versions[0].snapshot["cpv"] == ["30213100-6"] and versions[0].snapshot["sme"] is False
    assert {r["name"] for r in versions[0].snapshot["resold"]} == {"Dell Technologies", "HP Inc."}
    audit = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("organisation.%"))).all()
    assert sorted(audit) == ["organisation.label_added", "organisation.profile_saved", "organisation.profile_saved"]
    newest = version_views(versions, show_contact=True)[0]
    assert {c.field: (c.before, c.after) for c in newest.changes} == {
        "SME": ("yes", "no"), "CPV codes": ("30213100-6, 50320000-4", "30213100-6")}


@pytest.mark.parametrize("who", ["member", "maker_admin", "buyer_admin"])
def test_only_the_organisations_administrators_edit(orgs, who):
    with pytest.raises(NotAllowed):
        profiles.save_profile(orgs.reseller, getattr(orgs, who), reseller_input(orgs))
    with pytest.raises(NotAllowed):
        labels.add_label(orgs.reseller, getattr(orgs, who), labels.LabelInput(
            scheme="epeat", evidence_url="https://www.epeat.net/"))


def test_a_platform_administrator_may_edit(orgs):
    assert profiles.save_profile(orgs.reseller, orgs.platform, reseller_input(orgs)).version == 1


def test_saving_again_unchanged_adds_no_version(orgs):
    profiles.save_profile(orgs.reseller, orgs.admin, reseller_input(orgs))
    assert profiles.save_profile(orgs.reseller, orgs.admin, reseller_input(orgs)).version == 1
    assert len(profiles.list_versions(orgs.reseller)) == 1


@pytest.mark.parametrize("overrides, field", [
    ({"cpv_codes": ["99999999-9"]}, "cpv_codes"),
    ({"cpv_codes": ["laptops"]}, "cpv_codes"),
    ({"countries_served": ["XX"]}, "countries_served"),
    ({"contact_email": "not an address"}, "contact_email"),
    ({"electronics_watch": "maybe"}, "electronics_watch"),
    ({"description": "x" * 5001}, "description"),
])
def test_bad_input_is_refused_on_its_field(orgs, overrides, field):
    with pytest.raises(DialogueError) as refused:
        profiles.save_profile(orgs.reseller, orgs.admin, reseller_input(orgs, **overrides))
    assert refused.value.field == field


def test_only_makers_can_be_picked_as_resold_manufacturers(orgs):
    with pytest.raises(DialogueError) as refused:
        profiles.save_profile(orgs.reseller, orgs.admin, reseller_input(orgs, resold_ids=[orgs.buyer.id]))
    assert refused.value.field == "resold_ids"


def test_a_buyer_profile_keeps_to_what_buyers_say(orgs):
    profile = profiles.save_profile(orgs.buyer, orgs.buyer_admin, ProfileInput(
        description="We buy laptops for schools.", cpv_codes=["30213100-6"], sme=True, take_back=True,
        electronics_watch="disclosed", resold_names=["Dell"]))
    assert profile.cpv_codes[0].code == "30213100-6" and profile.description
    assert profile.sme is None and profile.take_back is False and profile.resold == []
    assert profile.electronics_watch == ElectronicsWatchStatus.NOT_STATED


def test_labels_need_evidence_and_a_date_still_to_come(orgs):
    with pytest.raises(DialogueError) as refused:
        labels.add_label(orgs.reseller, orgs.admin, labels.LabelInput(scheme="tco_certified", level="10"))
    assert refused.value.field == "evidence_url"
    with pytest.raises(DialogueError) as refused:
        labels.add_label(orgs.reseller, orgs.admin, labels.LabelInput(
            scheme="tco_certified", evidence_url="https://tcocertified.com/",
            valid_until=dt.date.today() - dt.timedelta(days=1)))
    assert refused.value.field == "valid_until"
    with pytest.raises(DialogueError) as refused:
        labels.add_label(orgs.reseller, orgs.admin, labels.LabelInput(scheme="epeat", level="platinum",
                                                                      evidence_url="https://www.epeat.net/"))
    assert refused.value.field == "level"


def test_evidence_file_is_stored_and_removing_the_label_is_a_version(orgs):
    label = labels.add_label(orgs.reseller, orgs.admin, labels.LabelInput(
        scheme="tco_certified", level="10", filename="certificate.pdf", stream=io.BytesIO(PDF)))
    db.session.commit()
    assert label.evidence_mimetype == "application/pdf" and label.evidence_filename == "certificate.pdf"
    assert labels.evidence_storage().path(label.evidence_sha256).read_bytes() == PDF
    labels.remove_label(orgs.reseller, orgs.admin, label.id)
    db.session.commit()
    latest = db.session.scalar(select(ProfileVersion).order_by(ProfileVersion.version.desc()))
    assert latest.version == 2 and latest.snapshot["labels"] == []


@pytest.mark.parametrize("filename, content, message", [
    ("certificate.exe", ELF, "cannot be uploaded"),
    ("slides.pptx", b"PK\x03\x04" + b"\x00" * 100, "cannot be uploaded"),
    ("certificate.pdf", ELF, "program"),
    ("certificate.pdf", b"", "empty"),
])
def test_evidence_files_go_through_the_materials_checks(orgs, filename, content, message):
    with pytest.raises(DialogueError) as refused:
        labels.add_label(orgs.reseller, orgs.admin, labels.LabelInput(
            scheme="tco_certified", filename=filename, stream=io.BytesIO(content)))
    assert message in refused.value.message
    assert list(labels.evidence_storage().hashes()) == []


def test_evidence_over_the_upload_limit_is_refused(app, orgs):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    with pytest.raises(DialogueError) as refused:
        labels.add_label(orgs.reseller, orgs.admin, labels.LabelInput(
            scheme="tco_certified", filename="big.pdf", stream=io.BytesIO(PDF + b"0" * 2000)))
    assert refused.value.status_code == 413
