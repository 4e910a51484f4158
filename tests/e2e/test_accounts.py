import re

from tests.e2e.conftest import check_accessibility, latest_mail, sign_in


def test_a_new_supplier_signs_up_confirms_and_signs_in(page, server_db):
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Riikka Reseller")
    page.get_by_label("Work email address").fill("riikka@fairphones.example.org")
    page.get_by_label("Password", exact=True).fill("fair phones for all")
    page.get_by_label("Confirm password").fill("fair phones for all")
    page.get_by_label("Organisation name").fill("Fair Phones Oy")
    page.get_by_label("Kind of organisation").select_option(label="Reseller")
    page.get_by_label("Country").select_option(label="Finland")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your email").wait_for()

    body = latest_mail(server_db, "riikka@fairphones.example.org", "auth.verify")
    link = re.search(r"http://\S+/verify/\S+", body).group(0)
    page.goto(link)
    sign_in(page, "riikka@fairphones.example.org", "fair phones for all")
    page.goto("/account")
    assert page.get_by_text("confirmed", exact=True).is_visible()
    assert page.get_by_role("link", name="Fair Phones Oy").first.is_visible()


def test_sign_up_errors_are_announced_next_to_the_fields(page):
    page.goto("/signup")
    page.get_by_role("button", name="Create account").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    assert summary.is_visible()
    assert page.locator("#name-error").inner_text().strip().endswith("Enter your name.")
    assert page.get_by_label("Your name").get_attribute("aria-invalid") == "true"


def test_foundation_pages_have_no_serious_accessibility_violations(page):
    violations = []
    for url in ("/", "/login", "/signup", "/reset", "/accessibility"):
        page.goto(url)
        violations += check_accessibility(page, url)
    page.goto("/signup")
    page.get_by_role("button", name="Create account").click()
    violations += check_accessibility(page, "/signup with errors")
    assert violations == []
