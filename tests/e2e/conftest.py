"""Browser journeys: Playwright drives Debian's Chromium against the app served by gunicorn.

The server runs as a separate process on a free loopback port with a fresh database (a SQLite
file, or a new PostgreSQL database when DIALOGUE_TEST_DATABASE_URL is set). Tests read the
outbox from that database to follow mailed links, as a person would from their inbox.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ROOT, free_port, temporary_database

CHROMIUM = os.environ.get("DIALOGUE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).parent / "artifacts"
DEMO_PASSWORD = "dialogue-demo-2026"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def _require(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("DIALOGUE_REQUIRE_E2E"):
            pytest.fail(reason)
        pytest.skip(reason)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def e2e_database(tmp_path_factory):
    url = os.environ.get("DIALOGUE_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}"
        return
    with temporary_database(url, "dlg_e2e") as database:
        yield database


@pytest.fixture(scope="session")
def live_server(e2e_database, tmp_path_factory):
    """gunicorn serving the app with migrations applied and the demo data loaded."""
    _require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    instance = tmp_path_factory.mktemp("e2e-instance")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": e2e_database, "SECRET_KEY": "e2e-secret", "SESSION_COOKIE_SECURE": "0",
           "BASE_URL": base_url, "UPLOAD_DIR": str(instance / "uploads"), "MAIL_PORT": "9",
           "RATELIMIT_STORAGE_URI": "memory://", "TASK_QUEUE_URL": f"sqlite:///{instance / 'tasks.db'}",
           # Every journey signs in from the same address; the per-account limit still applies.
           "LOGIN_RATE_LIMIT": "300 per minute"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    log = open(instance / "server.log", "wb")
    gunicorn = shutil.which("gunicorn") or "gunicorn"
    server = subprocess.Popen([gunicorn, "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}",
                               "--timeout", "120", "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=log)
    # The task-queue worker next to it, as the quick start runs them (scheduler runs, bulk mail...).
    worker = subprocess.Popen(flask + ["jobs", "worker"], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(f"{base_url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((instance / "server.log").read_text()) from None
                time.sleep(0.2)
        yield {"url": base_url, "database": e2e_database, "env": env}
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=20)
        worker.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server["url"], accept_downloads=True, locale="en-GB")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def other_page(browser, live_server, request):
    """Open a page for a second person in the same journey, e.g. the buyer who answers a supplier.

    Each gets its own browser context (its own cookies); a screenshot of its last page is saved too.
    """
    opened = []

    def open_page(email: str | None = None, password: str = DEMO_PASSWORD):
        context = browser.new_context(base_url=live_server["url"], accept_downloads=True, locale="en-GB")
        context.set_default_timeout(15000)
        page = context.new_page()
        opened.append(page)
        if email:
            as_user(page, email, password)
        return page

    yield open_page
    ARTIFACTS.mkdir(exist_ok=True)
    for number, page in enumerate(opened, start=1):
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{number}.png"), full_page=True)
        page.context.close()


@pytest.fixture(scope="session")
def server_app(live_server):
    """The app on the served database, for setting up what a journey starts from (never its steps)."""
    from dialogue import create_app
    from dialogue.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": live_server["database"], "SECRET_KEY": "e2e-secret",
                      "TESTING": True, "BASE_URL": live_server["url"],
                      "UPLOAD_DIR": live_server["env"]["UPLOAD_DIR"]})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def server_db(live_server):
    """Read the served app's database from the test, e.g. to follow a link from the outbox."""
    engine = create_engine(live_server["database"])
    yield engine
    engine.dispose()


def latest_mail(server_db, recipient: str, category: str | None = None) -> str:
    """The text body of the newest outbox message to ``recipient``."""
    query = "SELECT recipients, body_text, category FROM outbox_messages ORDER BY id DESC"
    with server_db.connect() as conn:
        for recipients, body, kind in conn.execute(text(query)):
            if recipient in str(recipients) and (category is None or kind == category):
                return body
    raise AssertionError(f"no mail to {recipient} ({category})")


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


_SIGNED_IN: dict[str, list[dict]] = {}  # email -> session cookies on the one live server


def as_user(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign ``page`` in as ``email``: through the sign-in form the first time, then with the same
    session cookie, so journeys do not spend their time (and the sign-in rate limit) signing in."""
    page.context.clear_cookies()
    if email not in _SIGNED_IN:
        sign_in(page, email, password)
        _SIGNED_IN[email] = page.context.cookies()
    else:
        page.context.add_cookies(_SIGNED_IN[email])


def download(page, action) -> tuple[str, bytes]:
    """Run ``action`` (e.g. a click on a link) and return the downloaded file's name and content."""
    with page.expect_download() as info:
        action()
    result = info.value
    return result.suggested_filename, Path(result.path()).read_bytes()


# Ids that a label, an ARIA reference or a link points at, and ids of controls, must be unique: with a
# duplicate the browser ties the label to the first element and the second control has no name.
# axe only lists this as "needs review", so it is checked here.
_DUPLICATE_IDS = """() => {
  const count = {};
  for (const el of document.querySelectorAll('[id]')) count[el.id] = (count[el.id] || 0) + 1;
  const used = new Set();
  for (const label of document.querySelectorAll('label[for]')) used.add(label.htmlFor);
  for (const el of document.querySelectorAll('[aria-labelledby], [aria-describedby], [aria-controls]'))
    for (const name of ['aria-labelledby', 'aria-describedby', 'aria-controls'])
      for (const id of (el.getAttribute(name) || '').split(/\\s+/)) if (id) used.add(id);
  for (const link of document.querySelectorAll('a[href^="#"]')) used.add(link.getAttribute('href').slice(1));
  const controls = 'a[href], button, select, textarea, input:not([type=hidden]), [tabindex]';
  for (const el of document.querySelectorAll(controls)) if (el.id) used.add(el.id);
  return [...used].filter(id => count[id] > 1).sort();
}"""


@functools.cache
def _axe_source() -> str:
    _require(AXE.exists(), f"axe-core not installed ({AXE}); run: npm ci --prefix tests/e2e")
    return AXE.read_text()


def check_accessibility(page, context: str) -> list[dict]:
    """Run axe-core on the current page; return serious and critical violations (WCAG 2.1 A/AA),
    and ids used by labels, ARIA or controls that occur more than once."""
    # Evaluated through the DevTools protocol, so the page's CSP (no inline script) stays on.
    page.evaluate(_axe_source())
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        resultTypes: ['violations']})""")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    found = [{"page": context, "id": v["id"], "impact": v["impact"], "help": v["help"],
              "nodes": [n["target"] for n in v["nodes"]][:5]} for v in bad]
    duplicates = page.evaluate(_DUPLICATE_IDS)
    if duplicates:
        found.append({"page": context, "id": "duplicate-id-referenced", "impact": "serious",
                      "help": "Ids used by labels, ARIA or controls must be unique", "nodes": duplicates})
    return found
