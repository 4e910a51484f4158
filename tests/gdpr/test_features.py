"""Every feature's personal data: exported, erased without losing the procurement record, kept no longer
than its retention period; consent recorded with its wording, time and withdrawal."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import (
    Base,
    CalendarFeedToken,
    IntentQuestion,
    IntentSubscription,
    Material,
    MaterialDownload,
    Meeting,
    MeetingParticipant,
    QuestionKind,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    SessionSpeaker,
    SurveyInvitation,
    SurveyResponse,
    User,
    utcnow,
)
from tests.conftest import TEST_PASSWORD
from tests.record.conftest import consultation  # noqa: F401  (the fixture)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_person_exports_then_erases_and_the_record_still_reads(client, auth, make_user, consultation):  # noqa: F811
    c = consultation
    hugo = c.hidden
    hugo_id, held_id = hugo.id, c.meetings.held.id
    # Hugo speaks too, and uploads his slides to his session.
    from dialogue.materials import services as materials
    from dialogue.materials.demo import make_pdf

    c.session.speakers.append(SessionSpeaker(user=hugo))
    db.session.flush()
    materials.upload_material(hugo, event=c.event, session=c.session, title="Circular Computing slides",
                              filename="circular.pdf", stream=io.BytesIO(make_pdf(["Remanufactured laptops"])))
    question = RegistrationQuestion(event=c.event, kind=QuestionKind.TEXT, text="Dietary needs?")
    db.session.add(question)
    db.session.flush()
    db.session.add(RegistrationAnswer(registration=c.regs.hidden, question_id=question.id, value="Vegan"))
    db.session.commit()

    auth.login(hugo)
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/data/download").data))
    data = json.loads(archive.read("data.json"))
    assert [r["event"] for r in data["registrations"]] == ["Live Market Engagement"]
    assert data["registration_answers"][0]["answer"] == "Vegan"
    assert data["questions_asked"][0]["question"] == "Will refurbished laptops be accepted?"
    assert {m["supplier"] for m in data["meetings"]} == {"Circular Computing"}
    assert data["materials_you_added"][0]["title"] == "Circular Computing slides"
    assert data["material_versions_you_uploaded"][0]["file_name"] == "circular.pdf"
    assert data["survey_answers"][0]["answer"] in (4, 4.0, "4")
    assert {"registrations.csv", "questions_asked.csv", "meetings.csv", "materials_you_added.csv",
            "survey_answers.csv"} <= set(archive.namelist())

    before = {model: count(model) for model in (Registration, IntentQuestion, Meeting, MeetingParticipant,
                                                Material, SurveyResponse, SurveyInvitation)}
    response = client.post("/account/erase", data={"password": TEST_PASSWORD, "confirm": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, hugo_id) is None
    # Nothing of the procurement record went with the account.
    assert {model: count(model) for model in before} == before
    registration = db.session.get(Registration, c.regs.hidden.id)
    assert registration.user_id is None and registration.organisation_id == c.orgs.circular.id
    assert registration.checked_in_at is not None and count(RegistrationAnswer) == 0
    assert db.session.get(IntentQuestion, c.questions.answered.id).asker_organisation_id == c.orgs.circular.id
    held = db.session.get(Meeting, held_id)
    assert {p.organisation_id for p in held.participants} == {c.orgs.circular.id, c.orgs.haarlem.id}

    auth.login(c.organiser)
    record = client.get(f"/events/{c.event.slug}/record")
    assert record.status_code == 200
    page = record.get_data(as_text=True)
    assert "Circular Computing" in page and "(erased account)" in page and "Hugo Hidden" not in page
    assert "Circular Computing slides" in page
    assert client.get(f"/events/{c.event.slug}/record.zip").status_code == 200
    attendance = client.get(f"/events/{c.event.slug}/export/attendance?format=csv&columns=person&columns=organisation"
                            "&columns=checked_in_at")
    text = attendance.get_data(as_text=True)
    assert attendance.status_code == 200 and "(erased account),Circular Computing" in text
    assert client.get(f"/events/{c.event.slug}/export/attendance?format=xlsx").status_code == 200
    intent_page = client.get(f"/intents/{c.intent.id}")
    assert intent_page.status_code == 200
    assert "Will refurbished laptops be accepted?" in intent_page.get_data(as_text=True)
    questions = client.get(f"/intents/{c.intent.id}/questions/manage").get_data(as_text=True)
    assert "Circular Computing" in questions
    meetings = client.get(f"/events/{c.event.slug}/meetings/export.csv")
    text = meetings.get_data(as_text=True)
    assert meetings.status_code == 200 and "Circular Computing" in text and "(erased account)" in text
    for url in (f"/events/{c.event.slug}/meetings/manage", f"/events/{c.event.slug}/meetings/preview",
                f"/events/{c.event.slug}/meetings/sheets/tables", f"/events/{c.event.slug}/meetings/sheets/people",
                f"/meetings/{c.meetings.held.id}", f"/events/{c.event.slug}/registrations",
                f"/events/{c.event.slug}/materials", f"/events/{c.event.slug}/materials/manage",
                f"/events/{c.event.slug}/surveys/{c.survey.id}/export/answers.csv",
                f"/events/{c.event.slug}/surveys/{c.survey.id}/results", f"/intents/{c.intent.id}/record"):
        assert client.get(url).status_code == 200, url
    auth.login(c.buyer)
    assert client.get(f"/meetings/{c.meetings.held.id}").status_code == 200


# Tables whose rows exist only for the person (a role, a preference, a secret): they may go with the
# account. Every other reference to a person is part of a record and must outlive the account.
PERSONAL_ONLY = {"memberships", "event_staff", "session_speakers", "meeting_busy_slots", "meeting_interests",
                 "meeting_request_attendees", "calendar_feed_tokens", "intent_subscriptions", "material_reminders",
                 "series_followers"}


def test_no_record_is_deleted_with_an_account_nor_blocks_its_deletion(app):
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name != "users":
                continue
            where = f"{table.name}.{fk.parent.name}"
            if fk.ondelete == "CASCADE":
                assert table.name in PERSONAL_ONLY, f"{where} would delete a record with the account"
            else:
                assert fk.ondelete == "SET NULL" and fk.parent.nullable, f"{where} would block erasure"


def test_consent_to_alerts_is_recorded_with_its_wording_and_withdrawal(client, auth, make_user, make_intent):
    from dialogue.intents import subscriptions

    person = make_user()
    auth.login(person)
    page = client.get("/intents/alerts").get_data(as_text=True)
    assert str(subscriptions.CONSENT_TEXT)[:40] in page
    assert client.post("/intents/alerts", data={"cpv_prefix": "302", "buyer_id": ""}).status_code == 303
    intent = make_intent()
    assert client.post(f"/intents/{intent.id}/follow").status_code == 303
    alerts = list(db.session.scalars(select(IntentSubscription).order_by(IntentSubscription.id)))
    assert all(a.consent_version == subscriptions.CONSENT_VERSION and a.consented_at for a in alerts)
    client.post(f"/intents/{intent.id}/unfollow")
    db.session.expire_all()
    followed = db.session.get(IntentSubscription, alerts[1].id)
    assert followed.unsubscribed_at is not None and followed.consented_at is not None
    data = json.loads(zipfile.ZipFile(io.BytesIO(client.post("/account/data/download").data)).read("data.json"))
    assert len(data["intent_alerts"]) == 2
    withdrawn = next(a for a in data["intent_alerts"] if a["consent_withdrawn_at"])
    assert withdrawn["consent_text"] == str(subscriptions.CONSENT_TEXT) and withdrawn["consent_version"]


def test_consent_to_the_participant_list_is_in_the_export(client, auth, make_event, make_registration, make_user):
    from dialogue.registrations.services import CONSENT_TEXT, set_list_consent

    person = make_user()
    registration = make_registration(make_event(), person)
    set_list_consent(registration, True)
    set_list_consent(registration, False)
    db.session.commit()
    auth.login(person)
    data = json.loads(zipfile.ZipFile(io.BytesIO(client.post("/account/data/download").data)).read("data.json"))
    consent = data["participant_list_consent"][0]
    assert consent["consent_text"] == str(CONSENT_TEXT) and consent["given_at"] and consent["withdrawn_at"]


def test_retention_rules_of_the_features(app, runner, make_event, make_registration, make_user, make_intent):
    from dialogue.models import Survey

    now = utcnow()
    old = now - dt.timedelta(days=1000)
    past = make_event(starts_at=old, ends_at=old + dt.timedelta(hours=8))
    recent = make_event()
    question = RegistrationQuestion(event=past, kind=QuestionKind.TEXT, text="Dietary needs?")
    recent_question = RegistrationQuestion(event=recent, kind=QuestionKind.TEXT, text="Dietary needs?")
    db.session.add_all([question, recent_question])
    db.session.flush()
    old_registration = make_registration(past, checked_in_at=old)
    db.session.add(RegistrationAnswer(registration=old_registration, question_id=question.id, value="Vegan"))
    db.session.add(RegistrationAnswer(registration=make_registration(recent), question_id=recent_question.id,
                                      value="None"))
    person = make_user()
    db.session.add(IntentSubscription(user_id=person.id, cpv_prefix="302", unsubscribed_at=old))
    db.session.add(IntentSubscription(user_id=person.id, cpv_prefix="322"))
    db.session.add(CalendarFeedToken(user_id=person.id, token="a" * 32, created_at=old))
    db.session.add(CalendarFeedToken(user_id=make_user().id, token="b" * 32, created_at=old, last_used_at=now))
    material = Material(event=recent, title="Slides")
    db.session.add(material)
    db.session.flush()
    db.session.add_all([MaterialDownload(material_id=material.id, downloaded_at=old),
                        MaterialDownload(material_id=material.id)])
    closed = Survey(event=past, title="Old", opens_at=old, closes_at=old + dt.timedelta(days=7), published_at=old)
    db.session.add(closed)
    db.session.flush()
    db.session.add(SurveyInvitation(survey=closed, user_id=person.id, token="c" * 32))
    db.session.commit()

    result = runner.invoke(args=["gdpr", "purge", "--dry-run"])
    for line in ("RETENTION_REGISTRATION_ANSWERS_DAYS (730 days): would remove or anonymise 1",
                 "RETENTION_WITHDRAWN_ALERTS_DAYS (365 days): would remove or anonymise 1",
                 "RETENTION_CALENDAR_FEED_DAYS (180 days): would remove or anonymise 1",
                 "RETENTION_MATERIAL_DOWNLOADS_DAYS (730 days): would remove or anonymise 1",
                 "RETENTION_SURVEY_LINKS_DAYS (90 days): would remove or anonymise 1"):
        assert line in result.output, result.output
    assert count(RegistrationAnswer) == 2
    runner.invoke(args=["gdpr", "purge"])
    db.session.expire_all()
    assert [a.value for a in db.session.scalars(select(RegistrationAnswer))] == ["None"]
    assert db.session.get(Registration, old_registration.id).checked_in_at is not None  # attendance stays
    assert count(IntentSubscription) == 1 and count(CalendarFeedToken) == 1 and count(MaterialDownload) == 1
    invitation = db.session.scalar(select(SurveyInvitation))
    assert invitation.token is None and invitation.user_id == person.id
    page = app.test_client().get("/privacy").get_data(as_text=True)
    assert "registration questions are deleted" in page and "calendar feed" in page
