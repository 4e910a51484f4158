"""Buyer groups: who may do what on each page, versioned statements and criteria, adoption into a planned
tender with its differences shown, the OCDS release still valid, and the demo built once."""

import pytest
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.groups import library, services, statements
from dialogue.intents import ocds
from dialogue.models import (
    AuditEntry,
    BuyerGroup,
    HarmonisedCriterion,
    Intent,
    MemberRole,
    OrganisationKind,
    StatementSignature,
)
from tests.intents.test_ocds import assert_valid, schemas

TCO = library.CriterionInput(title="TCO Certified smartphones", kind="technical_specification",
                             verification="label", subject="tco_certified",
                             text="The smartphones hold TCO Certified or equivalent.")


@pytest.fixture
def world(make_org, make_user, make_intent):
    city, other_city, outsider_org = make_org(name="Malmö"), make_org(name="Oslo"), make_org(name="Turku")
    coordinator = make_user(city, role=MemberRole.ADMIN)
    member_admin = make_user(other_city, role=MemberRole.ADMIN)
    member_staff = make_user(other_city)
    outsider = make_user(outsider_org, role=MemberRole.ADMIN)
    supplier = make_user(make_org(kind=OrganisationKind.SUPPLIER), role=MemberRole.ADMIN)
    group = services.create_group(coordinator, name="Nordic cities", slug="nordic")
    services.add_member(group, coordinator, other_city)
    statements.publish_statement(group, coordinator, title="Joint statement",
                                 texts={"en": "We buy **fair** phones.", "sv": "Vi köper schyssta telefoner."})
    criterion = library.add_criterion(group, coordinator, TCO)
    intent = make_intent(buyer=city)
    db.session.commit()
    return {"group": group, "coordinator": coordinator, "member_admin": member_admin, "staff": member_staff,
            "outsider": outsider, "supplier": supplier, "criterion": criterion, "intent": intent,
            "other_city": other_city, "outsider_org": outsider_org}


def _as(auth, user):
    if user is None:
        auth.logout()
    else:
        auth.login(user)


@pytest.mark.parametrize("who, status", [(None, 200), ("outsider", 200), ("member_admin", 200)])
def test_public_pages_are_open_to_everyone(client, auth, world, who, status):
    _as(auth, world.get(who))
    criterion = world["criterion"]
    for url in ("/groups", "/groups/nordic", "/groups/nordic/statement", f"/groups/nordic/criteria/{criterion.id}"):
        assert client.get(url).status_code == status, url
    assert "Nordic cities" in client.get("/groups").get_data(as_text=True)


@pytest.mark.parametrize("who, manage, coordinate, sign", [
    (None, 302, 302, 302), ("outsider", 403, 403, 403), ("supplier", 403, 403, 403), ("staff", 403, 403, 403),
    ("member_admin", 200, 403, 303), ("coordinator", 200, 200, 303)])
def test_permissions_per_view(client, auth, world, who, manage, coordinate, sign):
    _as(auth, world.get(who))
    criterion = world["criterion"]
    assert client.get("/groups/nordic/manage").status_code == manage
    assert client.get("/groups/nordic/statement/new").status_code == coordinate
    assert client.get("/groups/nordic/criteria/new").status_code == coordinate
    assert client.get(f"/groups/nordic/criteria/{criterion.id}/edit").status_code == coordinate
    response = client.post(f"/groups/nordic/criteria/{criterion.id}/edit", data={
        "title": "TCO Certified", "text": "Changed", "kind": "technical_specification", "verification": "label"})
    assert response.status_code == (303 if coordinate == 200 else coordinate)
    assert client.post("/groups/nordic/statement/sign", data={}).status_code == sign
    assert client.post("/groups/nordic/members", data={"organisation": world["outsider_org"].slug}).status_code \
        == (303 if manage == 200 else manage)


def test_member_admin_adds_and_removes_members_but_not_the_last_coordinator(client, auth, world):
    auth.login(world["member_admin"])
    response = client.post("/groups/nordic/members", data={"organisation": world["outsider_org"].slug})
    assert response.status_code == 303
    group = db.session.scalar(select(BuyerGroup).where(BuyerGroup.slug == "nordic"))
    assert {m.organisation.name for m in group.members} == {"Malmö", "Oslo", "Turku"}
    malmo = next(m for m in group.members if m.coordinator)
    response = client.post(f"/groups/nordic/members/{malmo.id}/remove", data={}, follow_redirects=True)
    assert "only coordinator" in response.get_data(as_text=True)
    supplier_org = world["supplier"].organisation
    response = client.post("/groups/nordic/members", data={"organisation": supplier_org.slug})
    assert response.status_code == 400 and supplier_org.name not in \
        client.get("/groups/nordic").get_data(as_text=True)


def test_managers_rename_the_group_and_a_missing_name_is_shown_next_to_the_field(client, auth, world):
    auth.login(world["member_admin"])
    response = client.post("/groups/nordic/manage", data={"name": "", "description": "Still here"})
    assert response.status_code == 400 and "Give the group a name." in response.get_data(as_text=True)
    response = client.post("/groups/nordic/manage", data={"name": "Nordic and Baltic cities", "description": ""})
    assert response.status_code == 303 and response.headers["Location"].endswith("/groups/nordic/manage")
    assert "Nordic and Baltic cities" in client.get("/groups/nordic").get_data(as_text=True)
    auth.login(world["staff"])
    assert client.post("/groups/nordic/manage", data={"name": "Taken over"}).status_code == 403


def test_statement_versions_are_signed_separately(client, auth, world):
    auth.login(world["member_admin"])
    assert client.post("/groups/nordic/statement/sign", data={"signed_on": "2026-01-05"}).status_code == 303
    page = client.get("/groups/nordic/statement?lang=sv").get_data(as_text=True)
    assert "Vi köper schyssta telefoner." in page and "2026-01-05" in page and "Oslo" in page
    assert "<strong>fair</strong>" in client.get("/groups/nordic/statement?lang=en").get_data(as_text=True)
    # No Finnish text: the first language given (fi, sv, en) is shown.
    assert "Vi köper" in client.get("/groups/nordic/statement?lang=fi").get_data(as_text=True)
    assert client.post("/groups/nordic/statement/sign", data={}).status_code == 409  # signed already
    auth.login(world["coordinator"])
    response = client.post("/groups/nordic/statement/new", data={"title": "Joint statement",
                                                                 "text_en": "We buy fair <script>x</script> phones."})
    assert response.status_code == 303
    page = client.get("/groups/nordic/statement").get_data(as_text=True)
    assert "version 2" in page and "No organisation has signed this version yet." in page and "<script>" not in page
    earlier = client.get("/groups/nordic/statement?version=1").get_data(as_text=True)
    assert "An earlier version." in earlier and "2026-01-05" in earlier
    auth.login(world["member_admin"])
    assert client.post("/groups/nordic/statement/sign", data={}).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(StatementSignature)) == 2


def test_editing_a_criterion_keeps_every_version(client, auth, world):
    auth.login(world["coordinator"])
    criterion = world["criterion"]
    data = {"title": "TCO Certified", "text": "TCO Certified generation 10 or equivalent.",
            "kind": "technical_specification", "verification": "label", "subject": "tco_certified"}
    assert client.post(f"/groups/nordic/criteria/{criterion.id}/edit", data=data).status_code == 303
    assert client.post(f"/groups/nordic/criteria/{criterion.id}/edit", data=data).status_code == 409  # no change
    page = client.get(f"/groups/nordic/criteria/{criterion.id}").get_data(as_text=True)
    assert "version 2" in page and "Earlier versions" in page and "The smartphones hold TCO Certified" in page
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "group.criterion_edited")) == 1


def test_adoption_links_the_tender_and_shows_differences(client, auth, world, make_user):
    intent, criterion = world["intent"], world["criterion"]
    auth.login(world["outsider"])
    assert client.get(f"/intents/{intent.id}/criteria/adopt").status_code == 403
    auth.login(world["coordinator"])
    manage = client.get(f"/intents/{intent.id}/manage").get_data(as_text=True)
    assert f"/intents/{intent.id}/criteria/adopt" in manage
    assert client.post(f"/intents/{intent.id}/criteria/adopt", data={}).status_code == 400
    assert client.post(f"/intents/{intent.id}/criteria/adopt", data={"criteria": [criterion.id]}).status_code == 303
    row = db.session.get(Intent, intent.id).criteria[0]
    assert (row.harmonised_id, row.harmonised_version, row.subject) == (criterion.id, 1, "tco_certified")
    page = client.get(f"/intents/{intent.id}").get_data(as_text=True)
    assert "Harmonised with" in page and "Nordic cities" in page and "differs" not in page
    # The buyer rewords it on the tender's own form: the link stays and the difference shows.
    row.text = "The smartphones hold TCO Certified."
    db.session.commit()
    page = client.get(f"/intents/{intent.id}").get_data(as_text=True)
    assert "differs" in page and "<del>" in page
    record = client.get(f"/intents/{intent.id}/record")
    assert record.status_code == 200 and "differs from the library" in record.get_data(as_text=True)
    release = ocds.release(db.session.get(Intent, intent.id))
    assert "harmonised with Nordic cities, version 1" in release["tender"]["description"]
    assert_valid(schemas()[0], release)


def test_a_buyer_outside_the_group_cannot_adopt(world, make_intent):
    from dialogue.core.errors import NotAllowed
    from dialogue.groups import adoption

    intent = make_intent(buyer=world["outsider_org"])
    with pytest.raises(NotAllowed):
        adoption.adopt_criteria(intent, world["outsider"], [world["criterion"]])


def test_gdpr_export_and_erasure(world):
    from dialogue.groups import gdpr

    data = gdpr.export(world["coordinator"])
    assert data["buyer_groups_you_started"][0]["group"] == "Nordic cities"
    assert data["harmonised_criteria_you_saved"][0]["criterion"] == "TCO Certified smartphones"
    gdpr.erase(world["coordinator"])
    db.session.commit()
    assert not any(gdpr.export(world["coordinator"]).values())
    assert db.session.get(HarmonisedCriterion, world["criterion"].id) is not None


def test_demo_builds_the_group_once(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    group = db.session.scalar(select(BuyerGroup).where(BuyerGroup.slug == "nordic-cities-ict"))
    assert {m.organisation.slug for m in group.members} == {"helsinki", "malmo", "oslo", "copenhagen"}
    assert set(group.current_statement.texts) == {"fi", "sv", "en"}
    assert "affiliates" not in " ".join(group.current_statement.texts.values())
    nordic = db.session.scalar(select(Intent).where(Intent.title.like("Fair and circular smartphones%")))
    assert sum(1 for c in nordic.criteria if c.harmonised_id) == 4
    before = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
              for m in (BuyerGroup, HarmonisedCriterion, StatementSignature, AuditEntry)}
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert before == {m.__name__: db.session.scalar(select(func.count()).select_from(m))
                      for m in (BuyerGroup, HarmonisedCriterion, StatementSignature, AuditEntry)}
