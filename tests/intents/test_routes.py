"""The pages: the buyer's form and status pages, the public list and intent page, Q&A, alerts and feeds."""

import datetime as dt
import re
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import event, func, select

from dialogue.core import cache
from dialogue.extensions import db
from dialogue.intents import notify, questions, services, subscriptions
from dialogue.models import (
    EventIntent,
    Intent,
    IntentQuestion,
    IntentStatus,
    IntentSubscription,
    OrganisationKind,
    QuestionStatus,
    utcnow,
)


def form_data(**overrides) -> dict:
    today = utcnow().date()
    data = {
        "title": "Tablets for schools", "description": "Tablets for **pupils**.", "rationale": "",
        "cpv_main": "30213200-7", "additional_cpv": "30213100-6\n32250000-0",
        "items-0-description": "Tablets", "items-0-cpv": "", "items-0-quantity": "5000", "items-0-unit": "units a year",
        "items-0-lot_number": "",
        "items-1-description": "", "items-1-cpv": "", "items-1-quantity": "", "items-1-unit": "",
        "items-1-lot_number": "",
        "lots-0-number": "", "lots-0-title": "", "lots-0-description": "", "lots-0-estimated_value": "",
        "estimated_value": "1500000", "currency": "EUR", "procedure_type": "open",
        "planned_notice_date": (today + dt.timedelta(days=60)).isoformat(), "contract_start_date": "",
        "contract_duration_months": "36", "place_country": "FI", "place_nuts": "",
        "partner_names": "", "contact_name": "Bea", "contact_email": "bea@testholm.example.org",
        "tco_certified": "y", "tco_certified_text": "TCO Certified or equivalent",
        "epeat_tier": "", "other_label_name": "",
        "take_back": "y", "take_back_text": "Take-back of old tablets",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


# -- the buyer's pages --------------------------------------------------------------------------------------

def test_buyer_creates_a_draft_then_announces_it(client, auth, staff, supplier, outbox):
    subscriptions.subscribe(supplier, cpv_prefix="3021")
    db.session.commit()
    auth.login(staff)
    page = client.get("/intents/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="items-2-cpv"' in html and 'name="lots-1-title"' in html  # blank rows to fill in
    assert 'data-cpv-search="/cpv.json"' in html and 'href="/cpv"' in html
    response = client.post("/intents/new", data=form_data())
    assert response.status_code == 303
    intent = db.session.scalar(select(Intent))
    assert response.headers["Location"].endswith(f"/intents/{intent.id}")
    assert intent.status == IntentStatus.DRAFT and [i.description for i in intent.items] == ["Tablets"]
    assert {(c.subject) for c in intent.criteria} == {"tco_certified", "take_back"}
    assert outbox() == []
    assert client.get(f"/intents/{intent.id}").status_code == 200
    auth.logout()
    assert client.get(f"/intents/{intent.id}").status_code == 404  # a draft does not exist for the public
    auth.login(staff)
    assert client.post(f"/intents/{intent.id}/announce").status_code == 303
    db.session.expire_all()
    assert intent.status == IntentStatus.ANNOUNCED
    [mail] = outbox("intents.announced")
    assert mail.recipients == [supplier.email]


def test_bad_form_input_gets_every_message_next_to_its_field(client, auth, staff):
    auth.login(staff)
    response = client.post("/intents/new", data=form_data(
        cpv_main="30213100-9", **{"items-0-quantity": "-5", "items-1-description": "Cases", "items-1-cpv": "abc",
                                  "items-1-quantity": "lots"},
        estimated_value="-100", currency="QQQ", title="<script>alert(1)</script>",
        planned_notice_date=(utcnow().date() - dt.timedelta(days=2)).isoformat(),
        tco_certified_text="<img src=x onerror=alert(1)>"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html  # shown escaped, never run
    for field_id, message in [("cpv_main", "not in the CPV list"), ("items-0-quantity", "cannot be negative"),
                              ("items-1-cpv", "8 digits, a dash"), ("items-1-quantity", "Enter a number"),
                              ("estimated_value", "cannot be negative"), ("currency", "Not a valid choice"),
                              ("title", "plain text"), ("planned_notice_date", "in the past"),
                              ("tco_certified_text", "Remove the HTML")]:
        match = re.search(rf'id="{field_id}-error">(.*?)</p>', html, re.S)
        assert match and message in match.group(1), (field_id, match and match.group(1))
    summary = html[html.index('class="error-summary"'):html.index("</ul>", html.index('class="error-summary"'))]
    assert 'href="#items-0-quantity"' in summary and 'href="#cpv_main"' in summary  # rows are in the summary
    assert db.session.scalar(select(func.count()).select_from(Intent)) == 0


def test_edit_keeps_rows_and_records_history_shown_on_the_page(client, auth, staff, announced):
    intent = announced()
    auth.login(staff)
    html = client.get(f"/intents/{intent.id}/edit").get_data(as_text=True)
    assert 'value="Laptops"' in html and 'value="20000"' in html and 'value="2500000"' in html
    assert re.search(r'id="tco_certified"[^>]*checked', html) or re.search(r'checked[^>]*id="tco_certified"', html)
    assert 'name="items-4-cpv"' in html  # two rows + three blank
    new_date = intent.planned_notice_date + dt.timedelta(days=21)
    data = form_data(title="Laptops for city staff", planned_notice_date=new_date.isoformat(),
                     cpv_main="30213100-6")
    response = client.post(f"/intents/{intent.id}/edit", data=data)
    assert response.status_code == 303
    page = text_of(client.get(f"/intents/{intent.id}"))
    assert "History" in page and "Planned contract notice" in page and new_date.isoformat() in page


def test_status_pages(client, auth, staff, announced, supplier, outbox):
    intent = announced()
    subscriptions.follow_intent(supplier, intent)
    db.session.commit()
    auth.login(staff)
    assert "Mark the tender published" in client.get(f"/intents/{intent.id}/manage").get_data(as_text=True)
    bad = client.post(f"/intents/{intent.id}/tender-published", data={"tender_url": "not a link"})
    assert bad.status_code == 400 and "starting with https://" in bad.get_data(as_text=True)
    assert client.post(f"/intents/{intent.id}/withdraw", data={"reason": ""}).status_code == 400
    ok = client.post(f"/intents/{intent.id}/tender-published", data={"tender_url": "https://ted.europa.eu/n/9"})
    assert ok.status_code == 303
    [mail] = outbox("intents.tender_published")
    assert mail.recipients == [supplier.email] and "https://ted.europa.eu/n/9" in mail.body_text
    page = client.get(f"/intents/{intent.id}").get_data(as_text=True)
    assert 'href="https://ted.europa.eu/n/9"' in page
    assert client.get(f"/intents/{intent.id}/edit").status_code == 303  # no longer editable
    assert client.post(f"/intents/{intent.id}/awarded", data={"note": ""}).status_code == 303
    db.session.expire_all()
    assert intent.status == IntentStatus.AWARDED


def test_withdraw_from_the_page_and_delete_a_draft(client, auth, staff, announced, intent_input):
    intent = announced()
    auth.login(staff)
    assert client.post(f"/intents/{intent.id}/withdraw", data={"reason": "Budget cut"}).status_code == 303
    page = text_of(client.get(f"/intents/{intent.id}"))
    assert "Withdrawn" in page and "Budget cut" in page and "takes no more questions" in page
    draft = services.create_intent(staff, intent_input(title="Draft to delete"))
    db.session.commit()
    assert client.post(f"/intents/{draft.id}/delete").status_code == 303
    assert client.post(f"/intents/{intent.id}/delete").status_code == 303  # refused with a message
    assert db.session.get(Intent, intent.id) is not None
    mine = client.get("/intents/mine").get_data(as_text=True)
    assert intent.title in mine and "Draft to delete" not in mine


# -- the public list, the intent page and the feed -----------------------------------------------------------

@pytest.fixture
def catalogue(announced, staff, make_user, make_org, intent_input):
    """Three announced intents of two buyers in two countries, and one draft."""
    from dialogue.intents.inputs import CriterionInput, ItemInput

    other_buyer = make_user(make_org(name="Kommune Oslo", kind=OrganisationKind.PUBLIC_BUYER, country="NO"))
    today = utcnow().date()
    laptops = announced()
    phones = announced(other_buyer, title="Smartphones for Oslo", cpv_main="32250000-0", additional_cpv=[],
                       items=[ItemInput(description="Phones", quantity="900")], lots=[],
                       criteria=[CriterionInput("electronics_watch", ticked=True)], currency="NOK",
                       place_country="NO", place_nuts="", planned_notice_date=today + dt.timedelta(days=300),
                       contract_start_date=None)
    software = announced(title="Case management software", cpv_main="48000000-8", additional_cpv=[], items=[],
                         lots=[], criteria=[], planned_notice_date=today + dt.timedelta(days=30),
                         contract_start_date=None)
    services.create_intent(staff, intent_input(title="Hidden draft"))
    db.session.commit()
    return {"laptops": laptops, "phones": phones, "software": software, "oslo": other_buyer.organisation}


def titles(client, query: str = "") -> list[str]:
    html = client.get("/intents" + query).get_data(as_text=True)
    return re.findall(r'<h2 class="card-title"><a href="/intents/\d+">(.*?)</a>', html)


def test_list_filters(client, catalogue):
    laptops, phones, software = catalogue["laptops"].title, catalogue["phones"].title, catalogue["software"].title
    assert set(titles(client)) == {laptops, phones, software}  # no draft
    assert set(titles(client, "?cpv=302")) == {laptops}
    assert set(titles(client, "?cpv=32250000-0")) == {laptops, phones}  # an item of the laptop tender is phones
    assert set(titles(client, "?division=48")) == {software}
    assert set(titles(client, f"?buyer={catalogue['oslo'].id}")) == {phones}
    assert set(titles(client, "?country=NO")) == {phones}
    today = utcnow().date()
    assert set(titles(client, f"?planned_from={(today + dt.timedelta(days=200)).isoformat()}")) == {phones}
    assert set(titles(client, f"?planned_to={(today + dt.timedelta(days=45)).isoformat()}")) == {software}
    assert set(titles(client, "?criterion=tco_certified")) == {laptops}
    assert set(titles(client, "?criterion=electronics_watch")) == {laptops, phones}
    assert set(titles(client, "?q=oslo")) == {phones}  # the buyer's name counts
    assert set(titles(client, "?q=case+software")) == {software}
    response = client.get("/intents?cpv=abc&planned_from=soon")
    assert response.status_code == 400 and "at least the two digits" in response.get_data(as_text=True)
    assert "Enter a date as YYYY-MM-DD" in response.get_data(as_text=True)


def test_list_pages_and_status_filter(client, catalogue, staff):
    services.withdraw_intent(catalogue["software"], staff, "Not needed")
    db.session.commit()
    assert catalogue["software"].title not in titles(client)
    assert titles(client, "?status=withdrawn") == [catalogue["software"].title]
    assert set(titles(client, "?status=public")) == {i.title for k, i in catalogue.items() if k != "oslo"}


def test_pagination_keeps_the_filters(client, announced):
    for n in range(21):
        announced(title=f"Printer tender {n:02d}")
    html = client.get("/intents?q=printer").get_data(as_text=True)
    assert len(re.findall(r'class="card-title"', html)) == 20
    assert 'href="/intents?page=2&amp;q=printer"' in html
    page_two = client.get("/intents?page=2&q=printer").get_data(as_text=True)
    assert len(re.findall(r'class="card-title"', page_two)) == 1 and 'rel="prev"' in page_two


def test_intent_page_shows_what_a_supplier_plans_on(client, announced, staff, supplier, reseller):
    intent = announced()
    hidden = questions.ask_question(intent, supplier, "Is lot 1 open to resellers?")
    shown = questions.ask_question(intent, reseller, "May we offer refurbished units?", show_organisation=True)
    questions.answer_question(hidden, staff, "Yes, resellers may bid.")
    questions.answer_question(shown, staff, "Yes, as an option.")
    waiting = questions.ask_question(intent, supplier, "Unanswered question")
    db.session.commit()
    page = text_of(client.get(f"/intents/{intent.id}"))
    for text in ("Laptops for city staff", "30213100-6 Portable computers", "30213200-7 Tablet computer",
                 "20,000", "units a year", "€2,500,000", "Open procedure", "48 months", "Finland (NUTS FI1B1)",
                 "TCO Certified", "EPEAT Gold", "Electronics Watch affiliation", "Take-back",
                 "Human-rights due diligence", "Is lot 1 open to resellers?", "Yes, resellers may bid.",
                 "by a supplier or reseller", "Nordic Resale AB", "Europe/"):
        assert text in page, text
    assert supplier.organisation.name not in page  # hidden by default
    assert "Unanswered question" not in page  # not published until answered
    assert "Sign in" in page
    html = client.get(f"/intents/{intent.id}").get_data(as_text=True)
    assert "<strong>laptops</strong>" in html  # Markdown rendered
    assert waiting.status == QuestionStatus.PENDING


def test_markdown_cannot_inject_markup(client, staff, intent_input):
    intent = services.create_intent(staff, intent_input(description="A [link](https://example.org) and *text*"))
    services.announce_intent(intent, staff)
    db.session.commit()
    html = client.get(f"/intents/{intent.id}").get_data(as_text=True)
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">link</a>' in html


def test_atom_feed(client, catalogue):
    response = client.get("/intents/feed.atom?country=NO")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["Smartphones for Oslo (Kommune Oslo)"]
    entry = entries[0]
    assert entry.find("a:link", ns).get("href") == f"http://dialogue.test/intents/{catalogue['phones'].id}"
    assert entry.find("a:category", ns).get("term") == "32250000-0"
    assert "Electronics Watch" in entry.find("a:summary", ns).text
    assert root.find("a:link[@rel='self']", ns).get("href") == "http://dialogue.test/intents/feed.atom?country=NO"
    everything = ET.fromstring(client.get("/intents/feed.atom").data)
    assert len(everything.findall("a:entry", ns)) == 3


def test_list_and_intent_page_use_a_constant_number_of_queries(client, catalogue, announced, staff, supplier):
    def statements(url: str) -> tuple[int, int]:
        """The statements of the page built afresh, then of the page with its cached parts reused."""
        cache.clear()
        counts = []

        def count(*_args):
            counts[-1] += 1

        for _build_then_reuse in range(2):
            counts.append(0)
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                assert client.get(url).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        return tuple(counts)

    intent = catalogue["laptops"]
    first = questions.ask_question(intent, supplier, "First question")
    questions.answer_question(first, staff, "First answer")
    db.session.commit()
    client.get("/intents")  # the CPV table is filled on first use
    list_before, page_before = statements("/intents"), statements(f"/intents/{intent.id}")
    for n in range(5):
        announced(title=f"More {n}")
        question = questions.ask_question(intent, supplier, f"Question {n}")
        questions.answer_question(question, staff, f"Answer {n}")
    db.session.commit()
    assert statements("/intents") == list_before
    assert statements(f"/intents/{intent.id}") == page_before


# -- Q&A through the pages ---------------------------------------------------------------------------------

def test_supplier_asks_on_the_page_and_buyer_answers_on_the_questions_page(client, auth, announced, staff,
                                                                            supplier, outbox):
    intent = announced()
    auth.login(supplier)
    page = client.get(f"/intents/{intent.id}").get_data(as_text=True)
    assert 'action="/intents/%d/questions"' % intent.id in page
    bad = client.post(f"/intents/{intent.id}/questions", data={"text": "<script>x()</script>"})
    assert bad.status_code == 400 and "plain text" in bad.get_data(as_text=True)
    assert client.post(f"/intents/{intent.id}/questions", data={"text": "Is Gold needed?"}).status_code == 303
    assert "Is Gold needed?" in client.get(f"/intents/{intent.id}").get_data(as_text=True)  # the asker sees it
    question = db.session.scalar(select(IntentQuestion))
    # A supplier cannot answer.
    assert client.post(f"/intents/{intent.id}/questions/{question.id}/answer",
                       data={f"q{question.id}-answer": "Self-answer"}).status_code == 403
    auth.login(staff)
    manage = client.get(f"/intents/{intent.id}/questions/manage").get_data(as_text=True)
    assert "Is Gold needed?" in manage and supplier.name in manage  # the buyer's record names the asker
    response = client.post(f"/intents/{intent.id}/questions/{question.id}/answer",
                           data={f"q{question.id}-public_text": "Is EPEAT Gold needed?",
                                 f"q{question.id}-answer": "Gold is intended."})
    assert response.status_code == 303
    auth.logout()
    public = text_of(client.get(f"/intents/{intent.id}"))
    assert "Is EPEAT Gold needed?" in public and "Gold is intended." in public
    assert [m.recipients for m in outbox("intents.answer")] == [[supplier.email]]


def test_reword_and_merge_on_the_questions_page(client, auth, announced, staff, supplier, reseller):
    intent = announced()
    a = questions.ask_question(intent, supplier, "Question A")
    b = questions.ask_question(intent, reseller, "Question A, again")
    db.session.commit()
    auth.login(staff)
    assert client.post(f"/intents/{intent.id}/questions/{a.id}/wording",
                       data={f"q{a.id}-public_text": "Question A (reworded)"}).status_code == 303
    assert client.post(f"/intents/{intent.id}/questions/{b.id}/merge",
                       data={f"m{b.id}-target_id": str(a.id)}).status_code == 303
    db.session.expire_all()
    assert a.public_text == "Question A (reworded)" and a.original_text == "Question A"
    assert b.status == QuestionStatus.MERGED and b.merged_into_id == a.id
    assert client.post(f"/intents/{intent.id}/questions/{a.id}/merge",
                       data={f"m{a.id}-target_id": str(a.id)}).status_code == 400


def test_a_question_on_a_withdrawn_intent_is_refused(client, auth, announced, staff, supplier):
    intent = announced()
    services.withdraw_intent(intent, staff, "Cancelled")
    db.session.commit()
    auth.login(supplier)
    assert 'action="/intents/%d/questions"' % intent.id not in client.get(f"/intents/{intent.id}").get_data(
        as_text=True)
    response = client.post(f"/intents/{intent.id}/questions", data={"text": "Still on?"})
    assert response.status_code == 409 and "withdrawn" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(IntentQuestion)) == 0


# -- alerts, follows and one-click unsubscribe ---------------------------------------------------------------

def test_alerts_page(client, auth, supplier, staff):
    auth.login(supplier)
    assert client.get("/intents/alerts?cpv=302").status_code == 200
    assert client.post("/intents/alerts", data={"cpv_prefix": "", "buyer_id": ""}).status_code == 400
    bad = client.post("/intents/alerts", data={"cpv_prefix": "laptops", "buyer_id": ""})
    assert bad.status_code == 400 and "at least the two digits" in bad.get_data(as_text=True)
    assert client.post("/intents/alerts", data={"cpv_prefix": "30213100-6",
                                                "buyer_id": str(staff.organisation.id)}).status_code == 303
    page = text_of(client.get("/intents/alerts"))
    assert "CPV 302131 (Portable computers) from City of Testholm" in page
    again = client.post("/intents/alerts", data={"cpv_prefix": "302131", "buyer_id": str(staff.organisation.id)})
    assert again.status_code == 409 and "already have this alert" in again.get_data(as_text=True)
    alert = db.session.scalar(select(IntentSubscription))
    assert client.post(f"/intents/alerts/{alert.id}/remove").status_code == 303
    db.session.expire_all()
    assert alert.unsubscribed_at is not None


def test_follow_and_unfollow(client, auth, announced, supplier):
    intent = announced()
    auth.login(supplier)
    assert client.post(f"/intents/{intent.id}/follow").status_code == 303
    assert "Stop following" in client.get(f"/intents/{intent.id}").get_data(as_text=True)
    assert client.post(f"/intents/{intent.id}/unfollow").status_code == 303
    assert "Follow this planned tender" in client.get(f"/intents/{intent.id}").get_data(as_text=True)


def test_unsubscribe_by_link_and_button_and_by_rfc8058_post(client, supplier):
    alert = subscriptions.subscribe(supplier, cpv_prefix="302")
    db.session.commit()
    token = notify.unsubscribe_token(alert)
    # Opening the link changes nothing (mail scanners and previews open links): it shows a button.
    page = client.get(f"/intents/unsubscribe/{token}")  # no sign-in needed
    assert page.status_code == 200 and "You are subscribed" in page.get_data(as_text=True)
    assert f'action="/intents/unsubscribe/{token}"' in page.get_data(as_text=True)
    db.session.expire_all()
    assert alert.unsubscribed_at is None
    response = client.post(f"/intents/unsubscribe/{token}")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "You are unsubscribed" in page.get_data(as_text=True)
    db.session.expire_all()
    assert alert.unsubscribed_at is not None
    undo = client.post(f"/intents/unsubscribe/{token}/undo")
    assert undo.status_code == 303
    assert "You are subscribed again." in client.get(undo.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert alert.unsubscribed_at is None
    # RFC 8058: the mail program POSTs List-Unsubscribe=One-Click, with no cookie and no CSRF token.
    client.application.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/intents/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 204
    db.session.expire_all()
    assert alert.unsubscribed_at is not None
    # Any other POST is a form of this site and needs its token.
    subscriptions.resubscribe(alert)
    db.session.commit()
    assert client.post(f"/intents/unsubscribe/{token}", data={}).status_code == 400
    db.session.expire_all()
    assert alert.unsubscribed_at is None
    assert client.get("/intents/unsubscribe/forged-token").status_code == 404


def test_alert_mail_arrives_over_smtp_with_unsubscribe_headers(app, smtp_server, announced, supplier):
    from dialogue.outbox.worker import deliver_due

    subscriptions.subscribe(supplier, cpv_prefix="30")
    db.session.commit()
    intent = announced()
    app.config["MAIL_PORT"] = smtp_server.port
    assert deliver_due()["sent"] == 1
    [received] = smtp_server.messages
    message = received["message"]
    assert received["to"] == [supplier.email]
    assert message["List-Unsubscribe"].strip().startswith("<http://dialogue.test/intents/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert intent.title in message["Subject"]


# -- linking to events ---------------------------------------------------------------------------------------

def test_event_section_and_manage_links_templates(app, client, make_event, announced, staff, intent_input):
    from flask import render_template_string

    event = make_event(cohosts=[staff.organisation])
    intent = announced()
    draft = services.create_intent(staff, intent_input(title="Draft intent"))
    db.session.add_all([EventIntent(event=event, intent=intent), EventIntent(event=event, intent=draft)])
    db.session.commit()
    with app.test_request_context():
        html = render_template_string('{% include "intents/_event_section.html" ignore missing %}', event=event,
                                      is_organiser=False, registration=None, is_participant=False)
        assert intent.title in html and "Draft intent" not in html and "Link planned tenders" not in html
        html = render_template_string('{% include "intents/_event_section.html" %}', event=event,
                                      is_organiser=True, registration=None, is_participant=True)
        assert f"/events/{event.slug}/intents" in html
        links_html = render_template_string('{% include "intents/_manage_links.html" %}', event=event)
        assert f'href="/events/{event.slug}/intents"' in links_html


def test_organisers_link_intents_from_the_event_side(client, auth, make_user, make_event, make_org, announced):
    organiser = make_user(make_org(kind=OrganisationKind.NETWORK))
    event = make_event(organiser=organiser)
    other_buyer = make_user(make_org(kind=OrganisationKind.PUBLIC_BUYER))
    intent = announced(other_buyer)
    auth.login(organiser)
    page = client.get(f"/events/{event.slug}/intents?q=laptops").get_data(as_text=True)
    assert intent.title in page
    assert client.post(f"/events/{event.slug}/intents", data={"intent_id": str(intent.id)}).status_code == 303
    link = db.session.scalar(select(EventIntent))
    assert link.intent_id == intent.id
    assert "Presented at an event" in text_of(client.get(f"/intents/{intent.id}"))
    assert client.post(f"/events/{event.slug}/intents/{link.id}/remove").status_code == 303
    assert db.session.scalar(select(EventIntent)) is None


def test_buyer_links_to_an_event_it_cohosts_only(client, auth, staff, make_event, make_org, announced):
    intent = announced()
    own = make_event(cohosts=[staff.organisation], title="Our forum")
    foreign = make_event(cohosts=[make_org()], title="Their forum")
    auth.login(staff)
    page = client.get(f"/intents/{intent.id}/manage").get_data(as_text=True)
    assert "Our forum" in page and "Their forum" not in page
    assert client.post(f"/intents/{intent.id}/events", data={"event_id": str(foreign.id)}).status_code == 400
    assert client.post(f"/intents/{intent.id}/events", data={"event_id": str(own.id)}).status_code == 303
    link = db.session.scalar(select(EventIntent))
    assert (link.event_id, link.intent_id) == (own.id, intent.id)
    assert "Our forum" in text_of(client.get(f"/intents/{intent.id}"))
    assert client.post(f"/intents/{intent.id}/events/{link.id}/remove").status_code == 303
