"""Every feature's significant actions reach the audit log, with who did them, from the pages people use."""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import (
    AuditEntry,
    EventStatus,
    IntentQuestion,
    IntentStatus,
    MeetingMode,
    MeetingStatus,
    MemberRole,
    OrganisationKind,
    ParticipantRole,
    QuestionKind,
    QuestionStatus,
    RegistrationQuestion,
    RegistrationState,
    utcnow,
)


def entries(action_prefix: str = "") -> list[AuditEntry]:
    return [e for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if e.action.startswith(action_prefix)]


def actions(action_prefix: str = "") -> list[str]:
    return [e.action for e in entries(action_prefix)]


def test_event_life_cycle_co_hosts_and_staff(client, auth, make_user, make_org, make_event):
    organiser = make_user(role=MemberRole.ADMIN, name="Anna Virtanen")
    colleague = make_user(organiser.organisation, name="Mikko Door")
    event = make_event(organiser=organiser, status=EventStatus.DRAFT, venue="Helsinki City Hall")
    malmo = make_org(name="City of Malmö")
    auth.login(organiser)
    base = f"/events/{event.slug}"
    assert client.post(f"{base}/status", data={"action": "publish"}).status_code == 303
    assert client.post(f"{base}/cohosts", data={"organisation": malmo.id}).status_code == 303
    assert client.post(f"{base}/staff", data={"email": colleague.email, "role": "checkin"}).status_code == 303
    assert client.post(f"{base}/staff", data={"email": colleague.email, "role": "organiser"}).status_code == 303
    staff_id = next(s.id for s in event.staff if s.user_id == colleague.id)
    assert client.post(f"{base}/staff/{staff_id}/remove").status_code == 303
    cohost_id = next(c.id for c in event.cohosts if c.organisation_id == malmo.id)
    assert client.post(f"{base}/cohosts/{cohost_id}/remove").status_code == 303
    assert client.post(f"{base}/status", data={"action": "close_registration"}).status_code == 303
    assert client.post(f"{base}/status", data={"action": "cancel", "reason": "Venue flooded"}).status_code == 303
    assert actions("event.") == ["event.publish", "event.cohost_add", "event.staff_add", "event.staff_change",
                                 "event.staff_remove", "event.cohost_remove", "event.close_registration",
                                 "event.cancel"]
    assert all(e.actor_name == "Anna Virtanen" and e.event_id == event.id for e in entries("event."))
    assert "Venue flooded" in entries("event.cancel")[0].summary
    page = client.get(f"{base}/audit").get_data(as_text=True)
    assert "Added City of Malmö as a co-host" in page and "Cancelled the event" in page


def test_registration_decisions_messages_check_in_undo_and_deletions(client, auth, make_user, make_event,
                                                                    make_registration):
    organiser = make_user(role=MemberRole.ADMIN, name="Anna Virtanen")
    event = make_event(organiser=organiser, moderated=True)
    pending = [make_registration(event, state=RegistrationState.PENDING) for _ in range(3)]
    present = make_registration(event, checked_in_at=utcnow())
    question = RegistrationQuestion(event=event, kind=QuestionKind.TEXT, text="Dietary needs?")
    db.session.add(question)
    db.session.commit()
    auth.login(organiser)
    base = f"/events/{event.slug}"
    client.post(f"{base}/registrations/decide", data={"action": "approve",
                                                      "registration_ids": [r.id for r in pending[:2]]})
    client.post(f"{base}/registrations/decide", data={"action": "reject", "reason": "Outside the scope",
                                                      "registration_ids": [pending[2].id]})
    client.post(f"{base}/message", data={"subject": "Programme", "body": "See you", "states": ["confirmed"],
                                         "checked_in": ""})
    client.post(f"{base}/check-in/{present.id}/undo")
    client.post(f"{base}/questions/{question.id}/delete")
    client.post(f"{base}/registrations/{pending[0].id}/cancel", data={"reason": "Asked us to"})
    assert actions() == ["registration.approve", "registration.reject", "event.message", "checkin.undo",
                         "registration.question_delete", "registration.cancel"]
    approve, reject, message = entries()[:3]
    assert approve.details["confirmed"] == 2 and "Approved 2 registrations" in approve.summary
    assert reject.details["rejected"] == 1 and "Outside the scope" in reject.summary
    assert message.details["recipients"] == 3
    assert {e.actor_name for e in entries()} == {"Anna Virtanen"}


def test_intent_status_questions_and_links(app, make_user, make_intent, make_event):
    from dialogue.intents import links, questions, services

    staff = make_user(role=MemberRole.ADMIN, name="Bea Buyer")
    asker = make_user(make_org_of(app, OrganisationKind.SUPPLIER))
    draft = make_intent(staff.organisation, status=IntentStatus.DRAFT, announced_at=None)
    services.announce_intent(draft, staff)
    first = questions.ask_question(draft, asker, "Refurbished?")
    second = questions.ask_question(draft, asker, "Refurbished laptops too?")
    questions.edit_wording(first, staff, "Are refurbished laptops accepted?")
    questions.answer_question(first, staff, "Yes.")
    questions.answer_question(first, staff, "Yes, with TCO Certified.")
    questions.merge_question(second, first, staff)
    event = make_event(organiser=staff)
    link = links.link_intent(draft, event, staff)
    db.session.flush()
    links.unlink_intent(link, staff)
    services.publish_tender(draft, staff, "https://tenders.example/123")
    services.mark_awarded(draft, staff, "To Circular Computing")
    other = make_intent(staff.organisation)
    services.withdraw_intent(other, staff, "Budget moved")
    gone = make_intent(staff.organisation, status=IntentStatus.DRAFT, title="Never announced")
    services.delete_draft(gone, staff)
    db.session.commit()
    assert actions() == ["intent.announce", "question.reword", "question.answer", "question.answer_corrected",
                         "question.merge", "intent.event_link", "intent.event_unlink", "intent.tender_published",
                         "intent.awarded", "intent.withdraw", "intent.delete"]
    assert all(e.intent_id == draft.id for e in entries()[:9])
    assert entries("intent.event_link")[0].event_id == event.id
    assert "Never announced" in entries("intent.delete")[0].summary
    assert db.session.get(IntentQuestion, second.id).status == QuestionStatus.MERGED


def make_org_of(app, kind):
    from dialogue.models import Organisation

    org = Organisation(name=f"{kind.value} org", slug=f"{kind.value}-org", kind=kind, country="NL")
    db.session.add(org)
    db.session.commit()
    return org


def test_materials_upload_replace_visibility_and_removal(app, make_user, make_event, make_intent):
    from dialogue.materials import services
    from dialogue.materials.demo import make_pdf

    organiser = make_user(name="Anna Virtanen")
    event = make_event(organiser=organiser)
    material = services.upload_material(organiser, event=event, title="Programme", filename="programme.pdf",
                                        stream=io.BytesIO(make_pdf(["Programme"])))
    services.replace_material(material, organiser, link_url="https://example.org/programme")
    services.update_material(material, organiser, title="Programme", description="", language="en",
                             visibility="public")
    services.remove_material(material, organiser)
    document = services.upload_material(organiser, intent=make_intent(organiser.organisation), title="Spec",
                                        link_url="https://example.org/spec")
    db.session.commit()
    assert actions() == ["material.upload", "material.replace", "material.visibility", "material.delete",
                         "material.upload"]
    assert all(e.event_id == event.id for e in entries()[:4]) and entries()[4].intent_id == document.intent_id
    assert "programme.pdf" in entries()[0].summary and "version 2" in entries()[1].summary


def test_meetings_scheduling_publishing_export_and_deletions(client, auth, make_user, make_event, make_org,
                                                             make_registration):
    from zoneinfo import ZoneInfo

    from dialogue.meetings import scheduling, setup
    from dialogue.models import LocationKind, Meeting, MeetingParticipant, MeetingSide

    organiser = make_user(name="Anna Virtanen")
    event = make_event(organiser=organiser)
    settings = setup.ensure_settings(event)
    settings.mode = MeetingMode.ORGANISER
    day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
    first = setup.add_block(event, day, dt.time(14, 0), dt.time(15, 0))
    second = setup.add_block(event, day, dt.time(16, 0), dt.time(17, 0))
    table, spare = setup.add_locations(event, label="Table", count=2, capacity=4, kind=LocationKind.TABLE)
    buyer = make_registration(event, role=ParticipantRole.BUYER).user
    supplier = make_registration(event, role=ParticipantRole.SUPPLIER).user
    slot = setup.list_slots(event)[0]
    meeting = Meeting(event_id=event.id, slot_id=slot.id, location_id=table.id,
                      supplier_org_id=supplier.organisation.id, topic="Take-back", status=MeetingStatus.PROPOSED)
    meeting.participants.append(MeetingParticipant(user_id=buyer.id, side=MeetingSide.BUYER, slot_id=slot.id,
                                                   organisation_id=buyer.organisation.id))
    meeting.participants.append(MeetingParticipant(user_id=supplier.id, side=MeetingSide.SUPPLIER, slot_id=slot.id,
                                                   organisation_id=supplier.organisation.id))
    db.session.add(meeting)
    scheduling.start_run(event, organiser, 5)
    scheduling.publish(event, organiser)
    db.session.commit()
    auth.login(organiser)
    assert client.post(f"/events/{event.slug}/meetings/blocks/{second.id}/delete").status_code == 303
    assert client.post(f"/events/{event.slug}/meetings/locations/{spare.id}/delete").status_code == 303
    export = client.get(f"/events/{event.slug}/meetings/export.csv")
    assert export.status_code == 200 and "Take-back" in export.get_data(as_text=True)
    assert actions() == ["meetings.schedule_run", "meetings.publish", "meetings.block_delete",
                         "meetings.location_delete", "meetings.export"]
    assert entries("meetings.publish")[0].details["meetings"] == 1
    assert entries("meetings.export")[0].actor_name == "Anna Virtanen"
    assert first is not None


def test_surveys_open_close_and_every_export(client, auth, make_user, make_event, make_registration):
    from dialogue.surveys import notify, services

    organiser = make_user(name="Anna Virtanen")
    start = utcnow() - dt.timedelta(days=2)
    event = make_event(organiser=organiser, starts_at=start, ends_at=start + dt.timedelta(hours=8))
    make_registration(event)
    survey = services.create_survey(event, organiser, "Feedback", starter="market_dialogue", now=utcnow())
    db.session.commit()
    auth.login(organiser)
    base = f"/events/{event.slug}/surveys/{survey.id}"
    assert client.post(f"{base}/publish").status_code == 303
    survey.opens_at = utcnow() - dt.timedelta(minutes=1)
    notify.invite_audience(survey, utcnow())
    db.session.commit()
    for url in (f"{base}/export/answers.csv", f"{base}/export/summary.xlsx"):
        assert client.get(url).status_code == 200
    assert client.post(f"{base}/close").status_code == 303
    assert actions() == ["survey.schedule", "survey.open", "survey.export", "survey.export", "survey.close"]
    assert entries("survey.open")[0].details["invited"] == 1 and entries("survey.open")[0].actor_name == ""
    assert [e.details["what"] for e in entries("survey.export")] == ["answers", "summary"]


def test_attendance_export_from_the_page_and_the_command_line(client, auth, runner, make_user, make_event,
                                                              make_registration, tmp_path):
    organiser = make_user(name="Anna Virtanen")
    event = make_event(organiser=organiser)
    make_registration(event)
    auth.login(organiser)
    response = client.get(f"/events/{event.slug}/export/attendance?format=csv&columns=person&columns=email"
                          "&roles=supplier")
    assert response.status_code == 200
    result = runner.invoke(args=["export", "attendance", event.slug, "-o", str(tmp_path / "a.csv")])
    assert result.exit_code == 0, result.output
    first, second = entries("attendance.export")
    assert first.actor_name == "Anna Virtanen" and first.details["columns"] == ["person", "email"]
    assert "roles supplier" in first.summary
    assert second.actor_name == "" and second.details["via"] == "command line"
