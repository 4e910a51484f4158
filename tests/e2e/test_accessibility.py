"""WCAG 2.1 AA on the main pages: axe-core finds no serious or critical violation, signed out and
signed in, including the states a person reaches by acting (errors, a scanned ticket, drafts).

The fifteen pages: home, event page, registration, ticket, check-in, intents list, intent page, Q&A,
materials, meeting request, personal agenda, scheduler preview, survey form, survey results and the
attendance export page.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.e2e import scenes
from tests.e2e.conftest import as_user, check_accessibility

NORDIC = "/events/nordic-forum-smartphones"
MAKE_ICT = "/events/make-ict-fair-2018"
SUPPLIER = "sam.taylor@circular.example.org"
HAARLEM = "joost.devries@haarlem.example.org"  # organises Make ICT Fair


@pytest.fixture(scope="module")
def ids(server_db):
    """Demo records the pages are about, looked up by their natural keys."""
    queries = {
        "ticket": "SELECT r.ticket_token FROM registrations r JOIN users u ON u.id = r.user_id "
                  "JOIN events e ON e.id = r.event_id "
                  "WHERE u.email = :supplier AND e.slug = 'nordic-forum-smartphones'",
        "intent": "SELECT id FROM intents WHERE title = :malmo_intent",
        "answered_intent": "SELECT i.id FROM intents i JOIN organisations o ON o.id = i.buyer_id "
                           "WHERE o.slug = 'helsinki' ORDER BY i.id LIMIT 1",
        "copenhagen": "SELECT id FROM organisations WHERE slug = 'copenhagen'",
        "pending_request": "SELECT r.id FROM meeting_requests r JOIN organisations o ON o.id = r.supplier_org_id "
                           "JOIN events e ON e.id = r.event_id "
                           "WHERE o.slug = 'nordic-it' AND r.status = 'pending' "
                           "AND e.slug = 'nordic-forum-smartphones'",
        "meeting": "SELECT m.id FROM meetings m JOIN organisations o ON o.id = m.supplier_org_id "
                   "WHERE o.slug = 'circular-computing' AND m.status = 'confirmed' ORDER BY m.id LIMIT 1",
        "results": "SELECT s.id FROM surveys s JOIN events e ON e.id = s.event_id WHERE e.slug = 'make-ict-fair-2018'",
    }
    params = {"supplier": SUPPLIER, "malmo_intent": scenes.MALMO_INTENT}
    with server_db.connect() as conn:
        return {name: conn.execute(text(sql), params).scalar_one() for name, sql in queries.items()}


@pytest.fixture(scope="module")
def survey(server_app):
    return scenes.event_with_open_survey(server_app)


def visit(page, pages) -> list[dict]:
    violations = []
    for name, url in pages:
        response = page.goto(url)
        assert response.ok, f"{name}: {url} answered {response.status}"
        violations += check_accessibility(page, f"{name} ({url})")
    return violations


def test_pages_signed_out(page, ids, survey):
    violations = visit(page, [
        ("home", "/"),
        ("event page", NORDIC),
        ("registration: sign in first", f"{NORDIC}/register"),
        ("ticket", f"/tickets/{ids['ticket']}"),
        ("intents list", "/intents"),
        ("intents list, filtered", "/intents?q=phones"),
        ("intent page", f"/intents/{ids['intent']}"),
        ("Q&A", f"/intents/{ids['answered_intent']}#questions"),
        ("materials", f"{NORDIC}/materials"),
        ("survey form", f"/s/{survey['participants'][0]['token']}"),
    ])
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("alert").first.wait_for()
    violations += check_accessibility(page, "survey form with errors")
    assert violations == []


def test_pages_of_a_registered_supplier(page, ids):
    as_user(page, SUPPLIER)
    violations = visit(page, [
        ("home", "/"),
        ("event page", NORDIC),
        ("registration", f"{NORDIC}/registration"),
        ("ticket", f"/tickets/{ids['ticket']}"),
        ("intents list", "/intents"),
        ("intent page with the question form", f"/intents/{ids['intent']}"),
        ("Q&A", f"/intents/{ids['answered_intent']}"),
        ("materials", f"{NORDIC}/materials"),
        ("meetings at the event", f"{NORDIC}/meetings"),
        ("buyers taking meetings", f"{NORDIC}/meetings/buyers"),
        ("meeting request", f"{NORDIC}/meetings/request/{ids['copenhagen']}"),
    ])
    page.get_by_role("button", name="Send request").click()
    page.get_by_role("alert").first.wait_for()
    violations += check_accessibility(page, "meeting request with errors")
    violations += visit(page, [
        ("personal agenda", "/meetings"),
        ("meeting", f"/meetings/{ids['meeting']}"),
        ("intent alerts", "/intents/alerts"),
    ])
    assert violations == []


def test_registration_steps_of_a_newcomer(page, server_app):
    newcomer = scenes.supplier(server_app)  # a manufacturer not registered yet: the supplier's questions apply
    as_user(page, newcomer["email"], newcomer["password"])
    violations = visit(page, [("registration: role", f"{NORDIC}/register")])
    page.get_by_label("Supplier").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Register").wait_for()
    violations += check_accessibility(page, "registration: questions")
    page.get_by_role("button", name="Register").click()
    page.get_by_role("alert").first.wait_for()
    violations += check_accessibility(page, "registration with errors")
    assert violations == []


def test_pages_of_a_buyer(page, ids):
    as_user(page, scenes.BUYER)
    assert visit(page, [
        ("meeting request to answer", f"/meetings/requests/{ids['pending_request']}"),
        ("personal agenda", "/meetings"),
        ("meeting, as buyer and organiser", f"/meetings/{ids['meeting']}"),
        ("availability", f"{NORDIC}/meetings/availability"),
    ]) == []


def test_pages_of_an_organiser(page, ids):
    as_user(page, scenes.ORGANISER)
    assert visit(page, [
        ("event management", f"{NORDIC}/manage"),
        ("check-in", f"{NORDIC}/check-in"),
        ("check-in, found by name", f"{NORDIC}/check-in?q=Taylor"),
        ("Q&A for the buyer", f"/intents/{ids['answered_intent']}/questions/manage"),
        ("scheduler preview", f"{NORDIC}/meetings/preview"),
        ("auto-scheduler", f"{NORDIC}/meetings/schedule"),
        ("meetings set-up", f"{NORDIC}/meetings/setup"),
        ("attendance export", f"{NORDIC}/export"),
        ("surveys", f"{NORDIC}/surveys"),
        ("consultation record", f"{NORDIC}/record"),
        ("audit log", f"{NORDIC}/audit"),
        ("consultation record of a planned tender", f"/intents/{ids['answered_intent']}/record"),
        ("create an event", "/events/new"),
        ("announce a planned tender", "/intents/new"),
    ]) == []


def test_the_door_and_the_scheduler_after_acting(page, server_app):
    event = scenes.event_in_progress(server_app, scheduled=True)
    base = f"/events/{event['slug']}"
    as_user(page, scenes.ORGANISER)
    violations = visit(page, [("check-in", f"{base}/check-in")])
    page.get_by_label("Ticket code").fill(event["suppliers"][0]["ticket"])
    page.get_by_role("button", name="Check in").click()
    page.get_by_role("status").first.wait_for()
    violations += check_accessibility(page, "check-in after a scan")
    page.get_by_label("Ticket code").fill("not-a-ticket")
    page.get_by_role("button", name="Check in").click()
    page.get_by_role("alert").first.wait_for()
    violations += check_accessibility(page, "check-in with an unknown code")
    violations += visit(page, [
        ("auto-scheduler after a run", f"{base}/meetings/schedule"),
        ("scheduler preview with drafts", f"{base}/meetings/preview"),
        ("attendance export", f"{base}/export"),
    ])
    assert violations == []


def test_survey_results_and_the_signed_in_survey_form(page, ids, survey):
    as_user(page, HAARLEM)
    violations = visit(page, [
        ("survey results", f"{MAKE_ICT}/surveys/{ids['results']}/results"),
        ("survey results, printable", f"{MAKE_ICT}/surveys/{ids['results']}/results/print"),
        ("survey respondents", f"{MAKE_ICT}/surveys/{ids['results']}/respondents"),
        ("attendance export of a past event", f"{MAKE_ICT}/export"),
    ])
    person = survey["participants"][1]
    as_user(page, person["email"], scenes.PASSWORD)
    violations += visit(page, [("survey form, signed in", f"/s/{person['token']}")])
    assert violations == []


def test_pages_reflow_at_320_pixels(page, ids, survey):
    """WCAG 1.4.10: at 320 CSS pixels wide (a phone, or 1280 zoomed to 400%) nothing needs scrolling
    sideways; wide tables scroll inside their own box."""
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = []

    def check(pages):
        for name, url in pages:
            page.goto(url)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > 320:
                too_wide.append((name, url, width))

    check([("home", "/"), ("event page", NORDIC), ("ticket", f"/tickets/{ids['ticket']}"),
           ("intents list", "/intents"), ("intent page", f"/intents/{ids['intent']}"),
           ("materials", f"{NORDIC}/materials"), ("survey form", f"/s/{survey['participants'][0]['token']}")])
    as_user(page, SUPPLIER)
    check([("registration", f"{NORDIC}/registration"),
           ("meeting request", f"{NORDIC}/meetings/request/{ids['copenhagen']}"), ("personal agenda", "/meetings")])
    as_user(page, scenes.ORGANISER)
    check([("check-in", f"{NORDIC}/check-in"), ("Q&A", f"/intents/{ids['answered_intent']}/questions/manage"),
           ("scheduler preview", f"{NORDIC}/meetings/preview"), ("attendance export", f"{NORDIC}/export"),
           ("registration form", f"{NORDIC}/register")])
    as_user(page, HAARLEM)
    check([("survey results", f"{MAKE_ICT}/surveys/{ids['results']}/results")])
    assert too_wide == []


@pytest.mark.parametrize("language", ["fi", "sv", "da", "nb"])
def test_main_pages_in_every_language(page, ids, language):
    """The same checks in each language the header offers: translated labels, longer words and each
    page's lang attribute must not break what holds in English."""
    def choose():
        page.goto("/")
        page.locator(f'nav.languages [lang="{language}"]').click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language

    choose()
    violations = visit(page, [("home", "/"), ("event page", NORDIC), ("intents list", "/intents"),
                              ("intent page", f"/intents/{ids['intent']}"), ("materials", f"{NORDIC}/materials"),
                              ("ticket", f"/tickets/{ids['ticket']}")])
    for who, pages in ((SUPPLIER, [("registration", f"{NORDIC}/registration"), ("personal agenda", "/meetings"),
                                   ("meetings at the event", f"{NORDIC}/meetings")]),
                       (scenes.ORGANISER, [("event management", f"{NORDIC}/manage"), ("check-in", f"{NORDIC}/check-in"),
                                           ("auto-scheduler", f"{NORDIC}/meetings/schedule"),
                                           ("attendance export", f"{NORDIC}/export")])):
        as_user(page, who)
        choose()
        try:
            violations += visit(page, pages)
        finally:  # the account's language is saved: leave it in English for the other journeys
            page.locator('nav.languages [lang="en"]').click()
            page.wait_for_load_state()
    assert violations == []
