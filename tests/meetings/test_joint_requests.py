"""Meetings about a joint planned tender: a supplier asks any partner taking meetings at the event, even
when the lead buyer has nobody there."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.meetings import requests
from dialogue.models import IntentPartner, MeetingRequest, MeetingSide, ParticipantRole


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _joint_tender(w, make_org, make_user, make_registration, make_intent):
    """Malmö stad leads (nobody of it registered); Helsinki is a partner with a buyer at the event."""
    lead = make_org(name="Malmö stad")
    helsinki = make_org(name="City of Helsinki")
    hanna = make_user(helsinki, name="Hanna Virtanen")
    make_registration(w.event, hanna, role=ParticipantRole.BUYER)
    intent = make_intent(lead, title="Circular smartphones 2027", joint_procurement=True)
    intent.partners.append(IntentPartner(organisation=helsinki, name=helsinki.name))
    db.session.commit()
    return lead, helsinki, hanna, intent


def test_supplier_asks_a_partner_about_the_joint_tender(world, client, auth, make_org, make_user,
                                                        make_registration, make_intent, outbox):
    w = world
    lead, helsinki, hanna, intent = _joint_tender(w, make_org, make_user, make_registration, make_intent)
    slug = w.event.slug
    auth.login(w.s1)
    buyers = _text(client.get(f"/events/{slug}/meetings/buyers"))
    card = buyers[buyers.index("City of Helsinki"):]
    assert "Circular smartphones 2027 (joint tender led by Malmö stad)" in card

    # From the lead's page (as the match suggestions link it), the supplier is sent to the partner.
    page = client.get(f"/events/{slug}/meetings/request/{lead.id}?intent={intent.id}").get_data(as_text=True)
    assert "Malmö stad has no buyer taking meetings at this event" in page
    assert f"/events/{slug}/meetings/request/{helsinki.id}?intent={intent.id}" in page

    response = client.post(f"/events/{slug}/meetings/request/{helsinki.id}", data={
        "intent": str(intent.id), "topic": "", "agenda": "Take-back", "priority": "2"})
    assert response.status_code == 303
    req = db.session.scalar(select(MeetingRequest))
    assert req.buyer_org_id == helsinki.id and req.intent_id == intent.id
    assert [a.user_id for a in req.attendees if a.side == MeetingSide.BUYER] == [hanna.id]
    [mail] = outbox("meetings.request")
    assert mail.recipients == [hanna.email]

    auth.login(hanna)
    detail = _text(client.get(f"/meetings/requests/{req.id}"))
    assert "Circular smartphones 2027" in detail and "Accept and send invitations" in detail


def test_a_buyer_who_is_no_partner_is_not_asked_about_it(world, client, auth, make_org, make_user,
                                                         make_registration, make_intent):
    w = world
    _lead, _helsinki, _hanna, intent = _joint_tender(w, make_org, make_user, make_registration, make_intent)
    auth.login(w.s1)
    form = client.get(f"/events/{w.event.slug}/meetings/request/{w.buyer_org.id}").get_data(as_text=True)
    assert "Circular smartphones 2027" not in form
    response = client.post(f"/events/{w.event.slug}/meetings/request/{w.buyer_org.id}", data={
        "intent": str(intent.id), "topic": "", "agenda": "", "priority": "2"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(MeetingRequest.id))) == 0
    # The rule itself, not only the form's choices.
    with pytest.raises(DialogueError, match="planned tenders"):
        requests.create_request(w.event, w.s1, buyer_org_id=w.buyer_org.id, intent_id=intent.id, topic="",
                                agenda="", preferred_slot_ids=[])
