"""The read API answers as its own OpenAPI document says, for every path and status it declares."""

import datetime as dt
import io

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    EventIntent,
    EventStatus,
    IntentStatus,
    MemberRole,
    SessionKind,
    SessionSpeaker,
)


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def validator_for(spec: dict, ref: str):
    registry = Registry().with_resource("urn:dialogue-api", Resource.from_contents(
        spec, default_specification=__import__("referencing.jsonschema").jsonschema.DRAFT202012))
    return Draft202012Validator({"$ref": f"urn:dialogue-api{ref}"}, registry=registry,
                                format_checker=FormatChecker())


def check(spec: dict, path: str, method: str, status: int, response) -> None:
    declared = spec["paths"][path][method]["responses"]
    assert str(status) in declared, f"{path} answered {status}, which the document does not declare"
    content = declared[str(status)].get("content")
    if content is None:
        assert response.data == b""
        return
    schema_ref = content["application/json"]["schema"]["$ref"]
    errors = list(validator_for(spec, schema_ref).iter_errors(response.get_json()))
    assert not errors, [e.message for e in errors]


@pytest.fixture
def world(make_user, make_event, make_intent):
    organiser = make_user(role=MemberRole.ADMIN, name="Anna Virtanen")
    event = make_event(organiser=organiser, slug="nordic-forum", description="**Fair** phones")
    start = event.starts_at
    session = AgendaSession(event=event, title="Helsinki's plans", kind=SessionKind.BUYER_PRESENTATION,
                            starts_at=start, ends_at=start + dt.timedelta(minutes=30), room="Hall A")
    session.speakers.append(SessionSpeaker(user=organiser))
    db.session.add(session)
    make_event(slug="secret-draft", status=EventStatus.DRAFT)
    intent = make_intent(organiser.organisation, title="Laptops 2027")
    make_intent(title="Unannounced", status=IntentStatus.DRAFT)
    db.session.add(EventIntent(event=event, intent=intent))
    from dialogue.materials import services as materials
    from dialogue.materials.demo import make_pdf

    db.session.flush()
    slides = materials.upload_material(organiser, event=event, session=session, title="Helsinki's slides",
                                       language="fi", visibility="public", filename="helsinki.pdf",
                                       stream=io.BytesIO(make_pdf(["Helsinki"])))
    programme = materials.upload_material(organiser, event=event, title="Programme", visibility="public",
                                          link_url="https://example.org/programme")
    materials.upload_material(organiser, event=event, title="Participants only", link_url="https://example.org/p")
    removed = materials.upload_material(organiser, event=event, title="Withdrawn", visibility="public",
                                        link_url="https://example.org/w")
    materials.remove_material(removed, organiser)
    db.session.commit()
    return {"event": event, "intent": intent, "slides": slides, "programme": programme}


@pytest.fixture
def readiness_world(make_user, make_org, make_intent):
    """A planned tender whose buyer published what the market answered, and one that published nothing."""
    from dialogue.models import OrganisationKind, utcnow
    from dialogue.readiness import services

    buyer = make_user(role=MemberRole.ADMIN)
    answered, silent = make_intent(buyer.organisation), make_intent(buyer.organisation)
    closes = (utcnow() + dt.timedelta(days=9)).replace(tzinfo=None)
    matrix = services.set_up_matrix(answered, buyer, intro="", closes_local=closes)
    services.set_up_matrix(silent, buyer, intro="", closes_local=closes)
    services.add_criterion(matrix, buyer, title="TCO Certified generation 10", text="")
    supplier = make_user(make_org(kind=OrganisationKind.SUPPLIER))
    services.save_answers(matrix, supplier, [services.AnswerInput(matrix.criteria[0].id, "can_meet_by",
                                                                  by_date=(utcnow() + dt.timedelta(days=99)).date())])
    services.publish_aggregate(matrix, buyer)
    db.session.commit()
    return {"answered": answered, "silent": silent}


@pytest.fixture
def group_world(make_user):
    from dialogue.groups import library, services, statements

    founder = make_user(role=MemberRole.ADMIN)
    group = services.create_group(founder, name="Nordic cities", slug="nordic-cities")
    statements.publish_statement(group, founder, title="Joint statement",
                                 texts={"en": "We buy fair.", "fi": "Ostamme."})
    statements.sign_statement(group, founder)
    library.add_criterion(group, founder, library.CriterionInput(
        title="TCO Certified", text="TCO Certified or equivalent.", kind="technical_specification",
        verification="label", subject="tco_certified"))
    services.create_group(founder, name="Empty group", slug="empty-group")
    db.session.commit()
    return group


def test_every_declared_operation_answers_as_documented(client, spec, world, readiness_world, group_world):
    calls = [
        ("/events", "/api/v1/events", 200), ("/events", "/api/v1/events?page=0", 400),
        ("/events", "/api/v1/events?per_page=500", 400), ("/events", "/api/v1/events?page=x", 400),
        ("/events/{slug}", "/api/v1/events/nordic-forum", 200),
        ("/events/{slug}", "/api/v1/events/secret-draft", 404),
        ("/events/{slug}", "/api/v1/events/nope", 404),
        ("/intents", "/api/v1/intents?per_page=1", 200), ("/intents", "/api/v1/intents?page=-3", 400),
        ("/intents/{intent_id}", f"/api/v1/intents/{world['intent'].id}", 200),
        ("/intents/{intent_id}", "/api/v1/intents/999999", 404),
        ("/events/{slug}/materials", "/api/v1/events/nordic-forum/materials", 200),
        ("/events/{slug}/materials", "/api/v1/events/nordic-forum/materials?per_page=1&page=2", 200),
        ("/events/{slug}/materials", "/api/v1/events/nordic-forum/materials?per_page=0", 400),
        ("/events/{slug}/materials", "/api/v1/events/secret-draft/materials", 404),
        ("/events/{slug}/materials", "/api/v1/events/nope/materials", 404),
        ("/intents/{intent_id}/readiness", f"/api/v1/intents/{readiness_world['answered'].id}/readiness", 200),
        ("/intents/{intent_id}/readiness", f"/api/v1/intents/{readiness_world['silent'].id}/readiness", 404),
        ("/intents/{intent_id}/readiness", "/api/v1/intents/999999/readiness", 404),
        ("/organisations", "/api/v1/organisations", 200), ("/organisations", "/api/v1/organisations?kind=x", 400),
        ("/organisations/{slug}", f"/api/v1/organisations/{world['event'].cohosts[0].organisation.slug}", 200),
        ("/organisations/{slug}", "/api/v1/organisations/nope", 404),
        ("/groups", "/api/v1/groups", 200), ("/groups", "/api/v1/groups?per_page=1&page=2", 200),
        ("/groups", "/api/v1/groups?page=0", 400),
        ("/groups/{slug}", "/api/v1/groups/nordic-cities", 200), ("/groups/{slug}", "/api/v1/groups/empty-group", 200),
        ("/groups/{slug}", "/api/v1/groups/nope", 404),
    ]
    for path, url, status in calls:
        response = client.get(url)
        assert response.status_code == status, url
        check(spec, path, "get", status, response)
    paths = {path for path, _, _ in calls}
    assert paths == set(spec["paths"]), "a documented path is not exercised"


def test_lists_show_only_public_objects_with_pagination(client, world):
    events = client.get("/api/v1/events").get_json()
    assert [e["slug"] for e in events["items"]] == ["nordic-forum"]
    event = client.get("/api/v1/events/nordic-forum").get_json()
    assert event["agenda"][0]["speakers"] == [{"name": "Anna Virtanen",
                                               "organisation": world["event"].cohosts[0].organisation.name}]
    assert [i["title"] for i in event["intents"]] == ["Laptops 2027"]
    intents = client.get("/api/v1/intents?per_page=1").get_json()
    assert intents["total"] == 1 and intents["links"]["next"] is None


def test_etag_and_cache_headers(client, world):
    response = client.get("/api/v1/events/nordic-forum")
    assert response.headers["ETag"] and "max-age=60" in response.headers["Cache-Control"]
    again = client.get("/api/v1/events/nordic-forum", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    world["event"].title = "Changed"
    db.session.commit()
    changed = client.get("/api/v1/events/nordic-forum", headers={"If-None-Match": response.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_json()["title"] == "Changed"


def test_public_materials_of_an_event(client, world):
    listing = client.get("/api/v1/events/nordic-forum/materials").get_json()
    assert listing["total"] == 2 and [m["title"] for m in listing["items"]] == ["Programme", "Helsinki's slides"]
    programme, slides = listing["items"]
    assert programme["kind"] == "link" and programme["link_url"] == "https://example.org/programme"
    assert programme["download_url"] is None and programme["session"] is None
    assert slides["session"]["title"] == "Helsinki's plans" and slides["language"] == "fi"
    assert slides["file_name"] == "helsinki.pdf" and slides["content_type"] == "application/pdf"
    assert slides["size"] > 0 and slides["link_url"] is None
    download = client.get(slides["download_url"].replace("http://localhost", ""))
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    second = client.get("/api/v1/events/nordic-forum/materials?per_page=1&page=2").get_json()
    assert [m["title"] for m in second["items"]] == ["Helsinki's slides"] and second["links"]["next"] is None
    assert "/events/nordic-forum/materials" in second["links"]["prev"]


def test_links_go_to_the_pages_and_the_ocds_release(client, world):
    intent = client.get(f"/api/v1/intents/{world['intent'].id}").get_json()
    for key in ("html_url", "ocds_url"):
        assert client.get(intent[key].replace("http://localhost", "")).status_code == 200, key
    event = client.get("/api/v1/events/nordic-forum").get_json()
    assert client.get(event["html_url"].replace("http://localhost", "")).status_code == 200
