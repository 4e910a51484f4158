"""The consultation record of an event and of a planned tender: the page, the ZIP, who may take them."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import AuditEntry, MemberRole, OrganisationKind
from tests.conftest import keep_signed_in
from tests.record.conftest import ZONE


def read_zip(response) -> dict[str, list[dict]]:
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    tables = {}
    for name in archive.namelist():
        if name.endswith(".csv"):
            text = archive.read(name).decode("utf-8-sig")
            tables[name] = list(csv.DictReader(io.StringIO(text)))
    tables["README.txt"] = archive.read("README.txt").decode()
    return tables


def test_event_record_page_lists_everything_in_the_events_zone(client, auth, consultation):
    c = consultation
    auth.login(c.organiser)
    response = client.get(f"/events/{c.event.slug}/record")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Co-hosts, the intent presented, organisers and speakers by name (public role).
    for text in ("Municipality of Nijmegen", "Municipality of Haarlem", "Laptops for Nijmegen 2020",
                 "Anna Organiser", "Sam Speaker", f"All times are in {ZONE}"):
        assert text in page, text
    # Registered and attended: organisations and roles; names only where the legal basis allows.
    assert "Circular Computing" in page and "Electronics Watch" in page and "Reseller BV" in page
    assert "Lisa Listed" in page            # consented to the participant list
    assert "Hugo Hidden" not in page        # did not: by organisation only
    assert "Bert Buyer" not in page and "Olga Observer" not in page and "Rik Refused" not in page
    # Meetings: organisations, subject, time in the event's zone; the no-show and the cancelled one; no drafts.
    held = c.meetings.held.slot.starts_at.astimezone(__import__("zoneinfo").ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M")
    assert held in page and "Take-back of old phones" in page
    assert "No: reported" in page and "No: cancelled" in page
    assert page.count("<td>Table 1</td>") == 3
    # Materials with visibility and publication time; the intent's documents too.
    assert "Dell slides" in page and "Registered participants of the event" in page and "dell-slides.pdf" in page
    assert "Draft specification" in page and "https://www.nijmegen.nl/laptops" in page
    # Questions and public answers with times.
    assert "Will refurbished laptops be accepted?" in page and "refurbished laptops meeting TCO Certified" in page
    # The survey: response rate and summary, never the written answers.
    assert "How was the engagement?" in page and "1 of 3 invited answered (33 %)" in page
    assert "How useful was the day?" in page and "Hugo&#39;s private remark" not in page
    # The audit log, with this very record taken.
    assert "Published the event" in page and "Took the consultation record" in page


def test_event_record_zip_has_every_table_safe_for_spreadsheets(client, auth, consultation):
    c = consultation
    auth.login(c.organiser)
    tables = read_zip(client.get(f"/events/{c.event.slug}/record.zip"))
    assert {"event.csv", "cohosts.csv", "people_in_public_roles.csv", "planned_tenders.csv", "agenda.csv",
            "registrations.csv", "organisations.csv", "meetings.csv", "materials.csv", "planned_tender_documents.csv",
            "questions_and_answers.csv", "surveys.csv", "survey_results.csv", "audit_log.csv"} <= set(tables)
    assert ZONE in tables["README.txt"] and "legal basis" in tables["README.txt"]
    registrations = {r["Organisation"] + "/" + r["Role"]: r for r in tables["registrations.csv"]}
    assert registrations["Dell Technologies/Supplier"]["Name"] == "Lisa Listed"
    assert registrations["Circular Computing/Supplier"]["Name"] == ""
    assert registrations["Circular Computing/Supplier"]["Attended"] == "yes"
    assert registrations["Reseller BV/Reseller"]["State"] == "not accepted"
    assert f"Checked in ({ZONE})" in tables["registrations.csv"][0]
    meetings = tables["meetings.csv"]
    assert len(meetings) == 3 and {m["Took place"] for m in meetings} == {"yes", "no"}
    assert meetings[0]["Buyer organisations"] == "Municipality of Haarlem"
    questions = tables["questions_and_answers.csv"]
    hostile = next(q for q in questions if "HYPERLINK" in q["Question"])
    assert hostile["Question"].startswith("'=") and hostile["Asked by organisation"] == "Dell Technologies"
    material = tables["materials.csv"][0]
    assert material["Current file"] == "dell-slides.pdf" and material["Visible to"].startswith("Registered")
    assert material[f"Published ({ZONE})"]
    assert tables["surveys.csv"][0]["Response rate (%)"] == "33"
    assert any(r["Answer"] == "4" and r["Count"] == "1" for r in tables["survey_results.csv"])
    assert "Hugo's private remark" not in str(tables)
    assert [r["Action"] for r in tables["audit_log.csv"]][-1] == "record.export"


def test_taking_the_record_is_in_the_audit_log(client, auth, consultation):
    auth.login(consultation.organiser)
    client.get(f"/events/{consultation.event.slug}/record.zip")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record.export"))
    assert entry.event_id == consultation.event.id and entry.actor_name == "Anna Organiser"
    assert entry.details["format"] == "ZIP"


def test_intent_record_across_events(client, auth, make_event, consultation):
    c = consultation
    second = make_event(organiser=c.organiser, title="Nordic follow-up", timezone="Europe/Helsinki")
    from dialogue.intents import links

    links.link_intent(c.intent, second, c.organiser)
    db.session.commit()
    auth.login(c.organiser)
    page = client.get(f"/intents/{c.intent.id}/record").get_data(as_text=True)
    for text in ("Live Market Engagement", "Nordic follow-up", "Will refurbished laptops be accepted?",
                 "Presented at an event", "Circular Computing", "Draft specification", f"All times are in {ZONE}",
                 "Presented “Laptops for Nijmegen 2020” at “Nordic follow-up”"):
        assert text in page, text
    assert "Hugo Hidden" not in page
    tables = read_zip(client.get(f"/intents/{c.intent.id}/record.zip"))
    assert [e["Event"] for e in tables["events.csv"]] == ["Live Market Engagement", "Nordic follow-up"]
    assert tables["events.csv"][0]["Meetings about it"] == "1" and tables["events.csv"][0]["Attended"] == "4"
    assert len(tables["meetings.csv"]) == 1
    assert tables["meetings.csv"][0]["Supplier organisation"] == "Circular Computing"
    assert {h["Change"] for h in tables["history.csv"]} >= {"Presented at an event"}
    assert tables["documents.csv"][0]["Link"] == "https://www.nijmegen.nl/laptops"


def test_records_are_linked_from_the_management_pages(client, auth, consultation):
    c = consultation
    auth.login(c.organiser)
    manage = client.get(f"/events/{c.event.slug}/manage").get_data(as_text=True)
    assert f"/events/{c.event.slug}/record" in manage and f"/events/{c.event.slug}/record.zip" in manage
    assert f"/events/{c.event.slug}/audit" in manage
    intent_manage = client.get(f"/intents/{c.intent.id}/manage").get_data(as_text=True)
    assert f"/intents/{c.intent.id}/record" in intent_manage


@pytest.mark.parametrize("who", ["anonymous", "other", "participant", "buyer_staff", "organiser"])
def test_who_may_take_the_record(client, auth, make_user, make_org, consultation, who):
    c = consultation
    users = {"other": make_user(make_org(kind=OrganisationKind.SUPPLIER)), "participant": c.hidden,
             "buyer_staff": make_user(c.orgs.nijmegen), "organiser": c.organiser}
    if who != "anonymous":
        auth.login(users[who])
    event_urls = [f"/events/{c.event.slug}/record", f"/events/{c.event.slug}/record.zip"]
    intent_urls = [f"/intents/{c.intent.id}/record", f"/intents/{c.intent.id}/record.zip"]
    expected_event = {"anonymous": 302, "other": 403, "participant": 403, "buyer_staff": 403, "organiser": 200}[who]
    # The intent's record is the buyer's: its staff take it, the event's organisers only as its staff.
    expected_intent = {"anonymous": 302, "other": 403, "participant": 403, "buyer_staff": 200,
                       "organiser": 200}[who]
    for url in event_urls:
        assert client.get(url).status_code == expected_event, url
    for url in intent_urls:
        assert client.get(url).status_code == expected_intent, url


def test_organiser_of_another_buyer_cannot_take_the_intents_record(client, auth, make_user, make_org, make_event,
                                                                 consultation):
    other_buyer = make_user(make_org(name="City of Oslo"), role=MemberRole.ADMIN)
    auth.login(other_buyer)
    assert client.get(f"/intents/{consultation.intent.id}/record").status_code == 403


class Counter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __call__(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        sa_event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        sa_event.remove(self.engine, "before_cursor_execute", self)


def _grow(c, make_user, make_org, make_registration, n: int):
    """n more of everything the record lists: registrations, questions, meetings, materials, sessions."""
    import datetime as dt

    from dialogue.materials import services as materials
    from dialogue.models import (
        AgendaSession,
        IntentQuestion,
        MeetingSlot,
        ParticipantRole,
        QuestionStatus,
        SessionKind,
        SessionSpeaker,
    )
    from tests.record.conftest import add_meeting

    slots = db.session.scalars(select(MeetingSlot).where(MeetingSlot.event_id == c.event.id))
    block_end = max(s.ends_at for s in slots)
    for i in range(n):
        org = make_org(name=f"Supplier {i}", kind=OrganisationKind.SUPPLIER)
        person = make_user(org)
        make_registration(c.event, person, role=ParticipantRole.SUPPLIER, checked_in_at=c.event.starts_at)
        db.session.add(IntentQuestion(intent_id=c.intent.id, asker_id=person.id, asker_organisation_id=org.id,
                                      original_text=f"Q{i}", public_text=f"Q{i}", status=QuestionStatus.ANSWERED,
                                      answer=f"A{i}", answered_at=c.event.starts_at))
        start = block_end + dt.timedelta(minutes=25 * i)
        slot = MeetingSlot(event_id=c.event.id, block_id=c.meetings.held.slot.block_id, starts_at=start,
                           ends_at=start + dt.timedelta(minutes=20))
        db.session.add(slot)
        db.session.flush()
        add_meeting(c.event, slot, None, org, c.buyer, person, intent=c.intent)
        session = AgendaSession(event=c.event, title=f"Pitch {i}", kind=SessionKind.SUPPLIER_PITCH,
                                starts_at=start, ends_at=start + dt.timedelta(minutes=20))
        session.speakers.append(SessionSpeaker(user=person))
        db.session.add(session)
        materials.upload_material(c.organiser, event=c.event, title=f"Material {i}", link_url=f"https://x.example/{i}")
        materials.upload_material(c.organiser, intent=c.intent, title=f"Document {i}", link_url=f"https://y.example/{i}")
    db.session.commit()


def test_record_pages_issue_a_constant_number_of_statements(app, client, auth, make_user, make_org,
                                                            make_registration, consultation):
    c = consultation
    auth.login(c.organiser)
    urls = [f"/events/{c.event.slug}/record", f"/events/{c.event.slug}/record.zip", f"/intents/{c.intent.id}/record",
            f"/intents/{c.intent.id}/record.zip"]
    client.get(urls[0])  # warm up caches (CPV table, templates)

    def counts() -> list[int]:
        found = []
        for url in urls:
            keep_signed_in(client)
            with Counter(db.engine) as counter:
                assert client.get(url).status_code == 200
            found.append(counter.count)
        return found

    before = counts()
    _grow(c, make_user, make_org, make_registration, 6)
    after = counts()
    assert before == after, (before, after)
