import re

import pytest
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import Invitation, MemberRole, Membership, Organisation, OrganisationKind, User
from tests.conftest import TEST_PASSWORD

SIGNUP = {
    "name": "Sam Supplier", "email": "Sam@Circular.example.org", "password": "green laptops again",
    "password_confirm": "green laptops again", "org_name": "Circular Computing", "org_kind": "manufacturer",
    "country": "GB", "registration_number": "", "website": "https://circularcomputing.com",
}


def link_in(message, path: str) -> str:
    match = re.search(rf"http://dialogue\.test({re.escape(path)}[^\s\"<]+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_signup_creates_person_and_organisation_and_sends_verification(client, outbox):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 303
    user = db.session.scalar(select(User))
    assert user.email == "sam@circular.example.org"
    assert user.password_hash.startswith("scrypt:")
    assert not user.is_verified
    assert user.organisation.name == "Circular Computing"
    assert user.organisation.kind == OrganisationKind.MANUFACTURER
    assert user.membership.role == MemberRole.ADMIN
    [mail] = outbox("auth.verify")
    assert mail.recipients == ["sam@circular.example.org"]

    verify_path = link_in(mail, "/verify/")
    assert client.get(verify_path).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).is_verified


@pytest.mark.parametrize("change, field, message", [
    ({"password": "short", "password_confirm": "short"}, "password", "at least 10 characters"),
    ({"password": "1234567890", "password_confirm": "1234567890"}, "password", "too easy to guess"),
    ({"password_confirm": "something else entirely"}, "password_confirm", "do not match"),
    ({"email": "not-an-email"}, "email", "valid email address"),
    ({"country": "XX"}, "country", "Not a valid choice"),
    ({"country": "FI", "registration_number": "FI12345678"}, "registration_number", "not a valid VAT"),
    ({"org_name": ""}, "org_name", "organisation"),
    ({"website": "javascript:alert(1)"}, "website", "full address"),
])
def test_signup_bad_input_is_reported_next_to_the_field_and_writes_nothing(client, outbox, change, field, message):
    response = client.post("/signup", data={**SIGNUP, **change})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message.lower() in html.lower()
    assert count(User) == 0 and count(Organisation) == 0 and outbox() == []


def test_signup_with_existing_email_looks_the_same_and_tells_the_owner(client, make_user, outbox):
    make_user(email="sam@circular.example.org")
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 303 and response.headers["Location"].endswith("/signup/check-email")
    assert count(User) == 1
    assert count(Organisation) == 1  # the new organisation was not created
    [mail] = outbox("auth.exists")
    assert mail.recipients == ["sam@circular.example.org"]


def test_duplicate_vat_number_points_to_invitation(client, make_org):
    make_org(country="FI", registration_number="FI20774740")
    response = client.post("/signup", data={**SIGNUP, "country": "FI", "registration_number": "2077474-0"})
    assert response.status_code == 409  # a conflict with an existing organisation
    assert "already registered" in response.get_data(as_text=True)


def test_tampered_and_expired_verification_links(app, client, make_user):
    from dialogue.auth import services

    user = make_user(verified=False)
    token = services.make_verify_token(user)
    response = client.get(f"/verify/{token[:-3]}abc")
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)
    app.config["VERIFY_LINK_MAX_AGE"] = -1
    response = client.get(f"/verify/{token}")
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_verified


def test_login_and_logout(client, auth, make_user):
    user = make_user(email="erik@malmo.example.org")
    response = auth.login_form("ERIK@malmo.example.org")
    assert response.status_code == 303
    assert "Sign out" in client.get("/").get_data(as_text=True)
    assert client.post("/logout").status_code == 303
    assert "Sign in" in client.get("/").get_data(as_text=True)
    assert db.session.get(User, user.id).last_login_at is not None


def test_login_errors_do_not_reveal_whether_the_account_exists(client, auth, make_user):
    make_user(email="erik@malmo.example.org")
    wrong_password = auth.login_form("erik@malmo.example.org", "wrong password here")
    unknown = auth.login_form("nobody@malmo.example.org", "wrong password here")
    assert wrong_password.status_code == unknown.status_code == 400
    message = "The email address or password is not correct."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_login_next_parameter_cannot_leave_the_site(client, make_user):
    make_user(email="erik@malmo.example.org")
    for target in ("https://evil.example", "//evil.example", "/\\evil.example"):
        response = client.post(f"/login?next={target}", data={"email": "erik@malmo.example.org",
                                                               "password": TEST_PASSWORD})
        assert response.headers["Location"] == "/"
        client.post("/logout")


def test_login_is_throttled_per_address(client, auth, make_user):
    make_user(email="erik@malmo.example.org")
    statuses = [auth.login_form("erik@malmo.example.org", "wrong password here").status_code for _ in range(6)]
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    # The right password is refused too while the limit holds, and the page says why.
    response = auth.login_form("erik@malmo.example.org")
    assert response.status_code == 429 and "Too many attempts" in response.get_data(as_text=True)


def test_password_reset_flow_and_link_used_once(client, make_user, outbox):
    user = make_user(email="anna@hel.example.org")
    response = client.post("/reset", data={"email": "anna@hel.example.org"})
    assert response.status_code == 200
    unknown = client.post("/reset", data={"email": "nobody@hel.example.org"})
    assert unknown.get_data(as_text=True) == response.get_data(as_text=True)
    [mail] = outbox("auth.reset")
    path = link_in(mail, "/reset/")
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a brand new passphrase", "password_confirm":
                                       "a brand new passphrase"})
    assert response.status_code == 303
    assert db.session.get(User, user.id).session_version == 2  # the reset signed out old sessions
    assert client.post("/login", data={"email": "anna@hel.example.org",
                                       "password": "a brand new passphrase"}).status_code == 303
    client.post("/logout")
    again = client.post(path, data={"password": "another new passphrase", "password_confirm":
                                    "another new passphrase"})
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)
    assert len(outbox("auth.password_changed")) == 1


def test_change_password_signs_out_other_sessions(app, client, auth, make_user):
    user = make_user()
    auth.login(user)
    other = app.test_client()
    Auth = type(auth)
    Auth(other).login(user)
    response = client.post("/account/password", data={"current_password": "wrong one entirely",
                                                       "password": "a much better passphrase",
                                                       "password_confirm": "a much better passphrase"})
    assert response.status_code == 400 and "current password is not correct" in response.get_data(as_text=True)
    response = client.post("/account/password", data={"current_password": TEST_PASSWORD,
                                                       "password": "a much better passphrase",
                                                       "password_confirm": "a much better passphrase"})
    assert response.status_code == 303
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302  # the other device must sign in again


def test_profile_time_zone_and_language(client, auth, make_user):
    user = make_user()
    auth.login(user)
    response = client.post("/account", data={"name": "Anna V", "locale": "fi", "timezone": "Mars/Olympus"})
    assert response.status_code == 400 and 'id="timezone-error"' in response.get_data(as_text=True)
    response = client.post("/account", data={"name": "Anna V", "locale": "sv", "timezone": "Europe/Stockholm"})
    assert response.status_code == 303
    user = db.session.get(User, user.id)
    assert (user.name, user.locale, user.timezone) == ("Anna V", "sv", "Europe/Stockholm")


def test_pages_that_need_an_account_redirect_to_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_organisation_admin_invites_a_colleague_who_signs_up(client, auth, make_user, outbox):
    admin = make_user(role=MemberRole.ADMIN)
    org = admin.organisation
    auth.login(admin)
    response = client.post(f"/organisations/{org.slug}/invitations", data={"email": "New.Colleague@example.org",
                                                                           "role": "member"})
    assert response.status_code == 303
    [mail] = outbox("organisation.invitation")
    path = link_in(mail, "/invitations/")
    auth.logout()
    page = client.get(path)
    assert "new.colleague@example.org" in page.get_data(as_text=True)
    response = client.post(path, data={"name": "New Colleague", "password": "joining the city team",
                                       "password_confirm": "joining the city team"})
    assert response.status_code == 303
    colleague = db.session.scalar(select(User).where(User.email == "new.colleague@example.org"))
    assert colleague.organisation.id == org.id and colleague.membership.role == MemberRole.MEMBER
    assert colleague.is_verified  # the link proved the address
    assert client.get(path).status_code == 404  # used once


def test_member_cannot_invite_and_last_admin_cannot_step_down(client, auth, make_user):
    admin = make_user(role=MemberRole.ADMIN)
    member = make_user(admin.organisation)
    org = admin.organisation
    auth.login(member)
    assert client.post(f"/organisations/{org.slug}/invitations", data={"email": "x@example.org",
                                                                       "role": "admin"}).status_code == 403
    assert client.post(f"/organisations/{org.slug}/members/{admin.membership.id}/role",
                       data={"role": "member"}).status_code == 403
    auth.login(admin)
    client.post(f"/organisations/{org.slug}/members/{admin.membership.id}/role", data={"role": "member"})
    db.session.expire_all()
    assert db.session.get(Membership, admin.membership.id).role == MemberRole.ADMIN
    assert count(Invitation) == 0


def test_organisation_members_are_visible_to_members_only(client, auth, make_user):
    admin = make_user(role=MemberRole.ADMIN, email="boss@hel.example.org")
    outsider = make_user()
    slug = admin.organisation.slug
    assert "boss@hel.example.org" not in client.get(f"/organisations/{slug}").get_data(as_text=True)
    auth.login(outsider)
    assert "boss@hel.example.org" not in client.get(f"/organisations/{slug}").get_data(as_text=True)
    auth.login(admin)
    assert "boss@hel.example.org" in client.get(f"/organisations/{slug}").get_data(as_text=True)
