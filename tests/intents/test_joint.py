"""A joint planned tender is edited together: the partners on Dialogue edit it and answer its questions,
the lead buyer alone changes its status; everyone else is refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.intents import questions
from dialogue.models import AuditEntry, IntentStatus, MemberRole, OrganisationKind
from tests.intents.test_routes import form_data, text_of


@pytest.fixture
def joint(announced, make_org, make_user, staff):
    """The Malmö-led tender (``staff`` is Malmö's) with Helsinki as a partner on Dialogue."""
    helsinki = make_org(name="City of Helsinki", kind=OrganisationKind.PUBLIC_BUYER)
    intent = announced(partner_ids=[helsinki.id])
    return intent, helsinki, make_user(helsinki, role=MemberRole.MEMBER, name="Hanna Helsinki")


def test_partner_edits_and_the_history_names_the_partner(client, auth, joint):
    intent, helsinki, hanna = joint
    assert intent.joint_procurement
    auth.login(hanna)
    assert client.get(f"/intents/{intent.id}/edit").status_code == 200
    response = client.post(f"/intents/{intent.id}/edit", data=form_data(
        title="Laptops for city staff, jointly", partner_ids=[str(helsinki.id)]))
    assert response.status_code == 303
    page = text_of(client.get(f"/intents/{intent.id}"))
    assert "Laptops for city staff, jointly" in page
    history = page[page.index("History"):]
    assert "City of Helsinki" in history
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "intent.edit"))
    assert entry.actor_organisation == "City of Helsinki" and entry.intent_id == intent.id


def test_partner_cannot_drop_partners_or_change_the_status(client, auth, joint):
    intent, helsinki, hanna = joint
    auth.login(hanna)
    response = client.post(f"/intents/{intent.id}/edit", data=form_data(partner_ids=[]))
    assert response.status_code == 400 and "change its partners" in response.get_data(as_text=True)
    manage = client.get(f"/intents/{intent.id}/manage")
    assert manage.status_code == 200 and "leads this joint tender" in manage.get_data(as_text=True)
    assert "Mark the tender published" not in manage.get_data(as_text=True)
    assert client.post(f"/intents/{intent.id}/withdraw", data={"reason": "We stop"}).status_code == 403
    db.session.expire_all()
    assert intent.status == IntentStatus.ANNOUNCED and [p.organisation_id for p in intent.partners] == [helsinki.id]


def test_partner_answers_a_question(client, auth, joint, supplier, outbox):
    intent, _helsinki, hanna = joint
    question = questions.ask_question(intent, supplier, "Will refurbished laptops count?")
    db.session.commit()
    auth.login(hanna)
    assert client.get(f"/intents/{intent.id}/questions/manage").status_code == 200
    response = client.post(f"/intents/{intent.id}/questions/{question.id}/answer", data={
        f"q{question.id}-public_text": question.public_text, f"q{question.id}-answer": "Yes, they count."})
    assert response.status_code == 303
    page = text_of(client.get(f"/intents/{intent.id}"))
    assert "Yes, they count." in page
    assert re.search(r"Answer published.*City of Helsinki", page[page.index("History"):])
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "question.answer"))
    assert entry.actor_organisation == "City of Helsinki" and entry.intent_id == intent.id


def test_the_partners_joint_tenders_are_listed_as_its_own(client, auth, joint):
    intent, _helsinki, hanna = joint
    auth.login(hanna)
    page = text_of(client.get("/intents/mine"))
    assert intent.title in page and "joint tender led by City of Testholm" in page


def test_a_buyer_who_is_no_partner_is_refused(client, auth, joint, make_user, make_org, supplier):
    intent, _helsinki, _hanna = joint
    oslo = make_user(make_org(name="City of Oslo", kind=OrganisationKind.PUBLIC_BUYER))
    question = questions.ask_question(intent, supplier, "Which sizes?")
    db.session.commit()
    for user in (oslo, supplier):
        auth.login(user)
        assert client.get(f"/intents/{intent.id}/edit").status_code == 403
        assert client.post(f"/intents/{intent.id}/edit", data=form_data()).status_code == 403
        assert client.post(f"/intents/{intent.id}/questions/{question.id}/answer", data={
            f"q{question.id}-answer": "No."}).status_code == 403
    auth.logout()
    assert client.get(f"/intents/{intent.id}/edit").status_code in (302, 401)
