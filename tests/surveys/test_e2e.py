"""Browser journey: the conditional question appears and hides as the answer changes (static/js/surveys.js)."""

import os
import shutil
import threading

import pytest
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import SurveyAnswer, SurveyInvitation, utcnow
from dialogue.surveys import delivery
from tests.surveys.conftest import question

pytestmark = pytest.mark.e2e


def _browser_or_skip():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if chromium is None or sync_playwright is None:
        if os.environ.get("DIALOGUE_REQUIRE_E2E"):
            pytest.fail("Chromium and Playwright are needed for the browser journeys")
        pytest.skip("no Chromium or Playwright here")
    return chromium, sync_playwright


@pytest.fixture
def live_server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_conditional_question_follows_the_answer_in_the_browser(live_server, past_event, participants, make_survey):
    chromium, sync_playwright = _browser_or_skip()
    survey = make_survey(past_event[0])
    delivery.send_due(utcnow())
    db.session.commit()
    token = db.session.scalar(select(SurveyInvitation.token).where(
        SurveyInvitation.user_id == participants["supplier"].user_id))
    bid, keeps = question(survey, "Will you bid"), question(survey, "What keeps you")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(f"{live_server}/s/{token}")
            block = page.locator(f"#question-{keeps.id}")
            assert block.is_hidden()
            page.check(f"#q{bid.id}-5")  # "No"
            assert block.is_visible()
            page.check(f"#q{bid.id}-1")  # "Yes": hidden again, and its field is not sent
            assert block.is_hidden()
            page.check(f"#q{bid.id}-5")
            page.fill(f"#q{keeps.id}", "The lots are too large for us.")
            page.check(f"#q{question(survey, 'How useful').id}-4")
            page.check(f"#q{question(survey, 'How clearly').id}-3")
            page.get_by_role("button", name="Send my answers").click()
            page.wait_for_url(f"**/s/{token}/thanks")
            assert "Thank you" in page.content()
        finally:
            browser.close()
    db.session.expire_all()
    assert db.session.scalar(select(SurveyAnswer.text).where(SurveyAnswer.question_id == keeps.id)) == \
        "The lots are too large for us."


def test_survey_pages_have_no_serious_accessibility_violations(live_server, past_event, participants,
                                                               make_survey):
    from tests.conftest import TEST_PASSWORD
    from tests.e2e.conftest import check_accessibility, sign_in

    chromium, sync_playwright = _browser_or_skip()
    event, organiser = past_event
    survey = make_survey(event)
    delivery.send_due(utcnow())
    db.session.commit()
    tokens = list(db.session.scalars(select(SurveyInvitation.token).order_by(SurveyInvitation.id)))
    violations = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_context(base_url=live_server).new_page()
            page.goto(f"/s/{tokens[0]}")
            violations += check_accessibility(page, "survey form")
            page.get_by_role("button", name="Send my answers").click()
            page.get_by_role("alert").wait_for()
            violations += check_accessibility(page, "survey form with errors")
            page.check(f"#q{question(survey, 'How useful').id}-4")
            page.check(f"#q{question(survey, 'How clearly').id}-4")
            page.check(f"#q{question(survey, 'Will you bid').id}-1")
            page.get_by_role("button", name="Send my answers").click()
            page.wait_for_url("**/thanks")
            sign_in(page, organiser.email, TEST_PASSWORD)
            base = f"/events/{event.slug}/surveys/{survey.id}"
            for url in (f"/events/{event.slug}/surveys", base, f"{base}/questions/new", f"{base}/respondents",
                        f"{base}/results", f"{base}/results/print"):
                page.goto(url)
                violations += check_accessibility(page, url)
        finally:
            browser.close()
    assert violations == []
