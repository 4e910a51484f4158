"""A past market-dialogue event with everything a consultation record lists."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest

from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    EventIntent,
    IntentQuestion,
    Meeting,
    MeetingBlock,
    MeetingLocation,
    MeetingParticipant,
    MeetingSide,
    MeetingSlot,
    MeetingStatus,
    MemberRole,
    OrganisationKind,
    ParticipantRole,
    QuestionStatus,
    RegistrationState,
    SessionKind,
    SessionSpeaker,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
    SurveySection,
    utcnow,
)

ZONE = "Europe/Amsterdam"


def add_meeting(event, slot, location, supplier_org, buyer_user, supplier_user, *, intent=None, status=None,
                no_show=False, cancelled=False) -> Meeting:
    meeting = Meeting(event_id=event.id, slot_id=slot.id, location_id=location.id if location else None,
                      supplier_org_id=supplier_org.id, intent_id=intent.id if intent else None,
                      topic="" if intent else "Take-back of old phones",
                      status=status or (MeetingStatus.CANCELLED if cancelled else MeetingStatus.CONFIRMED))
    if no_show:
        meeting.no_show_at = slot.ends_at + dt.timedelta(minutes=5)
        meeting.no_show_by_id = buyer_user.id
    if cancelled:
        meeting.cancelled_at = slot.starts_at - dt.timedelta(days=1)
    held = None if cancelled else slot.id
    meeting.participants.append(MeetingParticipant(user_id=buyer_user.id, side=MeetingSide.BUYER, slot_id=held,
                                                   organisation_id=buyer_user.organisation.id))
    meeting.participants.append(MeetingParticipant(user_id=supplier_user.id, side=MeetingSide.SUPPLIER,
                                                   slot_id=held, organisation_id=supplier_org.id))
    db.session.add(meeting)
    db.session.flush()
    return meeting


@pytest.fixture
def consultation(app, make_org, make_user, make_event, make_registration, make_intent):
    """Make ICT Fair style: Nijmegen hosts with Haarlem; a presented intent with Q&A; meetings; materials;
    a survey; registrations named and unnamed."""
    from dialogue.audit.services import record_action
    from dialogue.materials import services as materials
    from dialogue.materials.demo import make_pdf

    nijmegen = make_org(name="Municipality of Nijmegen", country="NL")
    haarlem = make_org(name="Municipality of Haarlem", country="NL")
    dell = make_org(name="Dell Technologies", kind=OrganisationKind.SUPPLIER, country="US")
    circular = make_org(name="Circular Computing", kind=OrganisationKind.SUPPLIER, country="GB")
    watch = make_org(name="Electronics Watch", kind=OrganisationKind.CIVIL_SOCIETY, country="NL")
    reseller = make_org(name="Reseller BV", kind=OrganisationKind.RESELLER, country="NL")
    anna = make_user(nijmegen, role=MemberRole.ADMIN, name="Anna Organiser")
    buyer = make_user(haarlem, name="Bert Buyer")
    speaker = make_user(dell, name="Sam Speaker")
    listed = make_user(dell, name="Lisa Listed")
    hidden = make_user(circular, name="Hugo Hidden")
    observer = make_user(watch, name="Olga Observer")
    refused = make_user(reseller, name="Rik Refused")

    start = (utcnow() - dt.timedelta(days=10)).replace(hour=7, minute=0, second=0, microsecond=0)
    event = make_event(organiser=anna, cohosts=[nijmegen, haarlem], title="Live Market Engagement",
                       slug="live-market-engagement", timezone=ZONE, starts_at=start,
                       ends_at=start + dt.timedelta(hours=8), venue="De Vereeniging")
    session = AgendaSession(event=event, title="Dell on circular laptops", kind=SessionKind.SUPPLIER_PITCH,
                            starts_at=start + dt.timedelta(hours=1), ends_at=start + dt.timedelta(hours=2))
    session.speakers.append(SessionSpeaker(user=speaker))
    db.session.add(session)

    checked = start + dt.timedelta(minutes=30)
    regs = SimpleNamespace(
        buyer=make_registration(event, buyer, role=ParticipantRole.BUYER, checked_in_at=checked),
        speaker=make_registration(event, speaker, role=ParticipantRole.SPEAKER, checked_in_at=checked),
        listed=make_registration(event, listed, role=ParticipantRole.SUPPLIER, checked_in_at=checked,
                                 list_consent_at=start - dt.timedelta(days=5), list_consent_version="2024-1"),
        hidden=make_registration(event, hidden, role=ParticipantRole.SUPPLIER, checked_in_at=checked),
        observer=make_registration(event, observer, role=ParticipantRole.OBSERVER, state=RegistrationState.CANCELLED,
                                   cancelled_at=start - dt.timedelta(days=2)),
        refused=make_registration(event, refused, role=ParticipantRole.RESELLER, state=RegistrationState.REJECTED,
                                  decision_reason="Outside the scope"),
    )

    intent = make_intent(nijmegen, title="Laptops for Nijmegen 2020", timezone=ZONE,
                         announced_at=start - dt.timedelta(days=30))
    db.session.add(EventIntent(event=event, intent=intent, linked_at=start - dt.timedelta(days=20)))
    answered = IntentQuestion(intent_id=intent.id, asker_id=hidden.id, asker_organisation_id=circular.id,
                              original_text="Will refurbished laptops be accepted?",
                              public_text="Will refurbished laptops be accepted?", status=QuestionStatus.ANSWERED,
                              asked_at=start - dt.timedelta(days=15), answered_at=start - dt.timedelta(days=12),
                              answer="Yes, refurbished laptops meeting TCO Certified are welcome.",
                              answered_by_id=anna.id)
    hostile = IntentQuestion(intent_id=intent.id, asker_id=listed.id, asker_organisation_id=dell.id,
                             original_text='=HYPERLINK("http://evil.example","x")',
                             public_text='=HYPERLINK("http://evil.example","x")', status=QuestionStatus.PENDING,
                             asked_at=start - dt.timedelta(days=3))
    db.session.add_all([answered, hostile])

    block = MeetingBlock(event_id=event.id, starts_at=start + dt.timedelta(hours=5),
                         ends_at=start + dt.timedelta(hours=7))
    db.session.add(block)
    db.session.flush()
    slots = []
    for n in range(4):
        slot = MeetingSlot(event_id=event.id, block_id=block.id,
                           starts_at=block.starts_at + dt.timedelta(minutes=25 * n),
                           ends_at=block.starts_at + dt.timedelta(minutes=25 * n + 20))
        db.session.add(slot)
        slots.append(slot)
    table = MeetingLocation(event_id=event.id, label="Table 1", capacity=4, position=1)
    db.session.add(table)
    db.session.flush()
    meetings = SimpleNamespace(
        held=add_meeting(event, slots[0], table, circular, buyer, hidden, intent=intent),
        no_show=add_meeting(event, slots[1], table, dell, buyer, listed, no_show=True),
        cancelled=add_meeting(event, slots[2], table, dell, buyer, speaker, cancelled=True),
        draft=add_meeting(event, slots[3], table, circular, buyer, hidden, status=MeetingStatus.PROPOSED),
    )

    slides = materials.upload_material(anna, event=event, session=session, title="Dell slides", language="en",
                                       visibility="participants", filename="dell-slides.pdf",
                                       stream=io.BytesIO(make_pdf(["Circular laptops"])))
    plan = materials.upload_material(anna, intent=intent, title="Draft specification", visibility="public",
                                     link_url="https://www.nijmegen.nl/laptops")

    survey = Survey(event=event, title="How was the engagement?", opens_at=start + dt.timedelta(days=1),
                    closes_at=start + dt.timedelta(days=8), published_at=start, anonymous=False)
    section = SurveySection(survey=survey, title="Questions", position=0)
    rating = SurveyQuestion(survey=survey, section=section, kind=SurveyQuestionKind.RATING,
                            text="How useful was the day?", position=0)
    remarks = SurveyQuestion(survey=survey, section=section, kind=SurveyQuestionKind.LONG_TEXT,
                             text="Anything else?", position=1)
    db.session.add_all([survey, section, rating, remarks])
    db.session.flush()
    for user, role in ((buyer, "buyer"), (hidden, "supplier"), (listed, "supplier")):
        invitation = SurveyInvitation(survey=survey, user_id=user.id, role=role, invited_at=survey.opens_at,
                                      responded=user is hidden)
        db.session.add(invitation)
        if user is hidden:
            response = SurveyResponse(survey=survey, invitation=invitation, role=role, submitted_at=survey.opens_at,
                                      updated_at=survey.opens_at)
            response.answers.append(SurveyAnswer(question_id=rating.id, number=4))
            response.answers.append(SurveyAnswer(question_id=remarks.id, text="Hugo's private remark"))
            db.session.add(response)
    record_action(anna, "event.publish", "Published the event", event=event)
    db.session.commit()
    return SimpleNamespace(event=event, intent=intent, session=session, organiser=anna, buyer=buyer,
                           speaker=speaker, listed=listed, hidden=hidden, observer=observer, refused=refused,
                           orgs=SimpleNamespace(nijmegen=nijmegen, haarlem=haarlem, dell=dell, circular=circular,
                                                watch=watch, reseller=reseller),
                           regs=regs, questions=SimpleNamespace(answered=answered, hostile=hostile),
                           meetings=meetings, slides=slides, plan=plan, survey=survey)
