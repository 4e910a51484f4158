"""Every main page fits a 360 px phone in each language the header offers, and is valid HTML.

Width: the page's scroll width stays at the viewport's (a wide table scrolls inside its own box, a
long Finnish compound breaks). Validity: the Nu Html Checker (vnu.jar, run with Java) reports no
error on the same pages, signed out and signed in.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.e2e.conftest import _require, as_user

PHONE = {"width": 360, "height": 740}
VNU = Path(__file__).parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NORDIC = "/events/nordic-forum-smartphones"
ORGANISER = "anna.virtanen@hel.example.org"
SUPPLIER = "sam.taylor@circular.example.org"

PUBLIC = ["/", NORDIC, "/intents", "{intent}", "/groups", "/directory", "/login", "/signup", "/accessibility",
          "/privacy", f"{NORDIC}/register"]
ORGANISER_PAGES = [f"{NORDIC}/manage", f"{NORDIC}/registrations", f"{NORDIC}/materials", f"{NORDIC}/meetings/manage",
                   f"{NORDIC}/meetings/schedule", f"{NORDIC}/meetings/fairness", f"{NORDIC}/playbook",
                   f"{NORDIC}/check-in", f"{NORDIC}/invitations", f"{NORDIC}/record", "/events/mine", "/account"]
SUPPLIER_PAGES = ["/meetings", f"{NORDIC}/meetings", f"{NORDIC}/registration", f"{NORDIC}/materials", "{intent}"]


@pytest.fixture(scope="module")
def languages(server_app):
    return server_app.config["LANGUAGES"]


@pytest.fixture(scope="module")
def intent_url(server_db):
    with server_db.connect() as conn:
        intent = conn.execute(text("SELECT id FROM intents WHERE status = 'announced' ORDER BY id LIMIT 1")
                              ).scalar_one()
    return f"/intents/{intent}"


def _choose(page, code: str) -> None:
    """Pick a language with the header's switch (a link signed out, a button signed in), as a person would."""
    page.locator(f'nav.languages [lang="{code}"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == code


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _visit(browser, live_server, who, urls, languages, intent_url):
    wide, html = [], {}
    context = browser.new_context(base_url=live_server["url"], viewport=PHONE, locale="en-GB")
    page = context.new_page()
    try:
        if who:
            as_user(page, who)
        page.goto("/")
        for code in languages:
            _choose(page, code)
            for url in urls:
                url = url.format(intent=intent_url)
                response = page.goto(url)
                assert response.ok, f"{url} answered {response.status}"
                width = _overflow(page)
                if width > PHONE["width"]:
                    wide.append(f"{code} {url}: {width} px")
                if code == "en":
                    html[f"{who or 'anonymous'} {url}"] = response.text()  # as served, before any script
    finally:
        if who:  # leave the account in English for the other journeys
            page.goto("/")
            _choose(page, "en")
        context.close()
    return wide, html


def test_main_pages_fit_a_phone_in_every_language_and_are_valid_html(browser, live_server, languages, intent_url,
                                                                      tmp_path):
    wide, pages = [], {}
    for who, urls in ((None, PUBLIC), (ORGANISER, ORGANISER_PAGES), (SUPPLIER, SUPPLIER_PAGES)):
        found, html = _visit(browser, live_server, who, urls, languages, intent_url)
        wide += found
        pages.update(html)
    assert not wide, "wider than a 360 px phone:\n" + "\n".join(wide)

    java = shutil.which("java")
    _require(java is not None and VNU.exists(),
             "the Nu Html Checker needs Java (apt-get install -y default-jre-headless) and npm ci in tests/e2e")
    names = {}
    for number, (name, content) in enumerate(sorted(pages.items())):
        (tmp_path / f"page-{number}.html").write_text(content)
        names[f"page-{number}.html"] = name
    result = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--errors-only",
                             *sorted(str(tmp_path / n) for n in names)], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr)["messages"]
    errors = [f"{names.get(Path(m.get('url', '')).name, m.get('url'))}: line {m.get('lastLine')}: {m['message']}"
              for m in messages if m.get("type") in ("error", "non-document-error")]
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors[:40])
