"""OCDS 1.1.5: each intent a release, all public intents a package, valid against the official schemas
and codelists (resolved locally, never from the network)."""

import csv
import datetime as dt
import json

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from dialogue.extensions import db
from dialogue.intents import links, ocds, questions, services
from dialogue.models import EventStatus, OrganisationKind, utcnow
from tests.conftest import shared_data


def schemas():
    release_schema = json.loads(shared_data("ocds-1.1.5/release-schema.json").read_text())
    package_schema = json.loads(shared_data("ocds-1.1.5/release-package-schema.json").read_text())
    registry = Registry().with_resource(release_schema["id"],
                                        Resource.from_contents(release_schema, default_specification=DRAFT4))
    return (Draft4Validator(release_schema, format_checker=Draft4Validator.FORMAT_CHECKER),
            Draft4Validator(package_schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER))


def codelist(name: str) -> set[str]:
    with shared_data(f"ocds-1.1.5/codelists/{name}").open(newline="", encoding="utf-8") as fh:
        return {row["Code"] for row in csv.DictReader(fh)}


def assert_valid(validator, document):
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def assert_codelists(release: dict) -> None:
    assert set(release["tag"]) <= codelist("releaseTag.csv")
    assert release["initiationType"] in codelist("initiationType.csv")
    tender = release["tender"]
    assert tender["status"] in codelist("tenderStatus.csv")
    assert tender["mainProcurementCategory"] in codelist("procurementCategory.csv")
    if "procurementMethod" in tender:
        assert tender["procurementMethod"] in codelist("method.csv")
    for party in release["parties"]:
        assert set(party["roles"]) <= codelist("partyRole.csv")
    for milestone in release["planning"].get("milestones", []):
        assert milestone["type"] in codelist("milestoneType.csv")
        assert milestone["status"] in codelist("milestoneStatus.csv")
    for document in release["planning"]["documents"] + tender.get("documents", []):
        assert document["documentType"] in codelist("documentType.csv")
    values = [tender.get("value"), release["planning"].get("budget", {}).get("amount")]
    values += [lot.get("value") for lot in tender.get("lots", [])]
    for value in filter(None, values):
        assert value["currency"] in codelist("currency.csv")
    for item in tender["items"]:
        for classification in [item["classification"]] + item.get("additionalClassifications", []):
            assert classification["scheme"] in codelist("itemClassificationScheme.csv")


@pytest.fixture
def rich_intent(announced, staff, make_event, make_org, supplier):
    partner = make_org(name="Partner City", kind=OrganisationKind.PUBLIC_BUYER, country="SE")
    intent = announced(partner_ids=[partner.id], partner_names=["Town not on Dialogue"])
    now = utcnow()
    start = now - dt.timedelta(days=20)
    past = make_event(cohosts=[staff.organisation], title="Live market engagement", starts_at=start,
                      ends_at=start + dt.timedelta(hours=6))
    future = make_event(cohosts=[staff.organisation], title="Nordic forum")
    draft_event = make_event(cohosts=[staff.organisation], status=EventStatus.DRAFT, title="Not public")
    for event in (past, future, draft_event):
        links.link_intent(intent, event, staff)
    question = questions.ask_question(intent, supplier, "Q?")
    questions.answer_question(question, staff, "A.")
    db.session.commit()
    return intent


def test_a_release_carries_the_planning_stage(app, rich_intent, staff):
    release_validator, _package = schemas()
    [intent] = ocds.load([rich_intent.id])
    release = ocds.release(intent)
    assert_valid(release_validator, release)
    assert_codelists(release)
    assert release["ocid"] == f"ocds-dlg000-intent-{intent.id}" and release["tag"] == ["planning"]
    assert release["tender"]["status"] == "planned"
    buyer = next(p for p in release["parties"] if p["id"] == release["buyer"]["id"])
    assert "buyer" in buyer["roles"] and buyer["name"] == staff.organisation.name
    assert {p["name"] for p in release["parties"]} == {staff.organisation.name, "Partner City",
                                                      "Town not on Dialogue"}
    items = {i["classification"]["id"]: i for i in release["tender"]["items"]}
    assert items["30213100-6"]["quantity"] == 20000 and items["30213100-6"]["unit"] == {"name": "units a year"}
    assert items["30213100-6"]["classification"]["description"] == "Portable computers"
    assert items["30213100-6"]["additionalClassifications"] == [
        {"scheme": "CPV", "id": "30213200-7", "description": "Tablet computer"}]
    assert items["30213100-6"]["relatedLot"] == "lot-1"
    assert release["planning"]["budget"]["amount"] == {"amount": 2500000, "currency": "EUR"}
    assert release["planning"]["rationale"] == "The framework ends."
    milestones = {m["title"]: m for m in release["planning"]["milestones"]}
    assert set(milestones) == {"Live market engagement", "Nordic forum", "Publication of the contract notice"}
    assert {m["type"] for m in milestones.values()} == {"engagement"}
    assert milestones["Publication of the contract notice"]["code"] == "plannedContractNotice"
    assert milestones["Live market engagement"]["status"] == "met"
    assert milestones["Nordic forum"]["status"] == "scheduled"
    assert milestones["Publication of the contract notice"]["dueDate"] == \
        intent.planned_notice_date.isoformat() + "T00:00:00Z"
    assert release["planning"]["documents"][0]["documentType"] == "plannedProcurementNotice"
    assert release["planning"]["documents"][0]["url"] == f"http://dialogue.test/intents/{intent.id}"
    assert release["tender"]["hasEnquiries"] is True
    assert "TCO Certified" in release["tender"]["description"]
    assert release["tender"]["contractPeriod"]["durationInDays"] == 1461


def test_later_stages_are_planning_updates(app, announced, staff):
    published, withdrawn = announced(title="Published"), announced(title="Withdrawn")
    services.publish_tender(published, staff, "https://ted.europa.eu/notice/1")
    services.withdraw_intent(withdrawn, staff, "Budget cut")
    db.session.commit()
    release_validator, _package = schemas()
    for intent, status in ((published, "active"), (withdrawn, "withdrawn")):
        release = ocds.release(ocds.load([intent.id])[0])
        assert_valid(release_validator, release)
        assert_codelists(release)
        assert release["tag"] == ["planningUpdate"] and release["tender"]["status"] == status
    release = ocds.release(ocds.load([published.id])[0])
    assert release["tender"]["documents"][0] == {
        "id": "tender-notice", "documentType": "tenderNotice", "title": "Contract notice",
        "url": "https://ted.europa.eu/notice/1", "datePublished": ocds.iso(published.tender_published_at)}


def test_the_release_id_changes_with_each_public_change(app, announced, staff, intent_input):
    intent = announced()
    first = ocds.release(ocds.load([intent.id])[0])["id"]
    services.update_intent(intent, staff, intent_input(title="Renamed"))
    db.session.commit()
    second = ocds.release(ocds.load([intent.id])[0])
    assert second["id"] != first and second["ocid"] == first.rsplit("-", 1)[0]


def test_the_package_endpoint_and_the_release_endpoint(client, rich_intent, staff, intent_input):
    draft = services.create_intent(staff, intent_input(title="Secret draft"))
    db.session.commit()
    _release, package_validator = schemas()
    response = client.get("/intents/ocds.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    package = response.get_json()
    assert_valid(package_validator, package)
    assert [r["tender"]["title"] for r in package["releases"]] == [rich_intent.title]
    assert package["uri"] == "http://dialogue.test/intents/ocds.json" and package["version"] == "1.1"
    assert package["extensions"]  # the lots extension is declared
    release = client.get(f"/intents/{rich_intent.id}/ocds.json").get_json()
    assert release == package["releases"][0]
    assert client.get(f"/intents/{draft.id}/ocds.json").status_code == 404
    download = client.get("/intents/ocds.json?download=1")
    assert "attachment" in download.headers["Content-Disposition"]


def test_export_command_writes_a_valid_package(app, runner, rich_intent, tmp_path):
    path = tmp_path / "ocds.json"
    result = runner.invoke(args=["export", "ocds", "-o", str(path)])
    assert result.exit_code == 0, result.output
    _release, package_validator = schemas()
    package = json.loads(path.read_text())
    assert_valid(package_validator, package)
    for release in package["releases"]:
        assert_codelists(release)
    assert len(package["releases"]) == 1
    result = runner.invoke(args=["export", "ocds", "-o", "-"])
    assert json.loads(result.output)["releases"][0]["ocid"] == package["releases"][0]["ocid"]


def test_ocid_prefix_is_configurable(app, announced):
    app.config["OCID_PREFIX"] = "ocds-abc123"
    intent = announced()
    assert ocds.release(ocds.load([intent.id])[0])["ocid"] == f"ocds-abc123-intent-{intent.id}"
