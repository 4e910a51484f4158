"""The parts of the list and of an intent's page that are rendered once and reused: a change to the intent
or to any row it is made of shows at the next request, and nobody gets a part built for someone else."""

import re

from dialogue.extensions import db
from dialogue.intents import questions


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_a_changed_item_moves_the_intents_page_and_the_lists_filters(client, announced):
    intent = announced()
    assert "Mobile phones" in text_of(client.get(f"/intents/{intent.id}"))
    assert intent.title in text_of(client.get("/intents?cpv=3225"))
    phones = next(item for item in intent.items if item.description == "Mobile phones")
    phones.description, phones.cpv = "Docking stations", "30213100-6"
    db.session.commit()
    page = text_of(client.get(f"/intents/{intent.id}"))
    assert "Docking stations" in page and "Mobile phones" not in page
    assert intent.title not in text_of(client.get("/intents?cpv=3225"))


def test_a_removed_criterion_leaves_the_card_and_the_page(client, announced):
    intent = announced()
    card, listed = 'class="tag tag-criterion">TCO Certified', "TCO Certified or equivalent."
    assert card in client.get("/intents").get_data(as_text=True)
    assert listed in text_of(client.get(f"/intents/{intent.id}"))
    intent.criteria = [c for c in intent.criteria if c.text != listed]
    db.session.commit()
    assert card not in client.get("/intents").get_data(as_text=True)
    assert listed not in text_of(client.get(f"/intents/{intent.id}"))


def test_an_answer_shows_on_a_page_already_built(client, announced, staff, supplier):
    intent = announced()
    assert "No answered questions yet." in text_of(client.get(f"/intents/{intent.id}"))
    question = questions.ask_question(intent, supplier, "Will refurbished laptops count?")
    questions.answer_question(question, staff, "Yes, they count.")
    db.session.commit()
    assert "Yes, they count." in text_of(client.get(f"/intents/{intent.id}"))


def test_the_buyers_draft_history_is_not_served_to_others(client, auth, staff, intent_input):
    from dialogue.intents import services

    intent = services.create_intent(staff, intent_input())
    services.announce_intent(intent, staff)
    db.session.commit()
    draft_tag = '<span class="tag">draft</span>'
    auth.login(staff)
    assert draft_tag in client.get(f"/intents/{intent.id}").get_data(as_text=True)
    auth.logout()
    assert draft_tag not in client.get(f"/intents/{intent.id}").get_data(as_text=True)
    auth.login(staff)
    assert draft_tag in client.get(f"/intents/{intent.id}").get_data(as_text=True)
