"""Sessions end when people sign out, strangers learn nothing from sign-up, guessing does not lock
anyone out, and personal pages are never cached."""

import re

import pytest
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import User
from tests.conftest import TEST_PASSWORD

SIGNUP = {
    "name": "Sam Supplier", "email": "sam@circular.example.org", "password": "green laptops again",
    "password_confirm": "green laptops again", "org_name": "Circular Computing", "org_kind": "manufacturer",
    "country": "GB", "registration_number": "", "website": "",
}


def link_in(message, path: str) -> str:
    match = re.search(rf"http://dialogue\.test({re.escape(path)}[^\s\"<]+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def client_from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client, email: str, password: str = TEST_PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


# -- sign-out ------------------------------------------------------------------------------------------------

def test_sign_out_deletes_the_remember_cookie_and_every_copy_stops_working(app, client, make_user):
    make_user(email="erik@malmo.example.org")
    other_device = app.test_client()
    assert sign_in(other_device, "erik@malmo.example.org").status_code == 303
    assert sign_in(client, "erik@malmo.example.org", remember="y").status_code == 303
    copied_session = client.get_cookie("session").value
    copied_remember = client.get_cookie("remember_token").value
    assert client.get("/account").status_code == 200

    response = client.post("/logout")
    assert response.status_code == 303
    deleted = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=;")]
    assert deleted and "Expires=Thu, 01 Jan 1970" in deleted[0]
    assert client.get_cookie("remember_token") is None
    assert "You are signed out on every device." in client.get("/").get_data(as_text=True)

    for name, value in (("session", copied_session), ("remember_token", copied_remember)):
        thief = app.test_client()
        thief.set_cookie(name, value)
        replay = thief.get("/account")
        assert replay.status_code == 302 and "/login" in replay.headers["Location"], name
    # Signing out signs out everywhere: the person's other device must sign in again too.
    assert other_device.get("/account").status_code == 302


# -- sign-up timing ------------------------------------------------------------------------------------------

def test_sign_up_hashes_once_and_answers_alike_whether_or_not_the_address_has_an_account(app, monkeypatch,
                                                                                           outbox):
    from dialogue.auth import services

    hashed = []
    real = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda password: hashed.append(password) or real(password))

    answers = []
    for org_name in ("Circular Computing", "Another Company"):
        hashed.clear()
        visitor = app.test_client()
        response = visitor.post("/signup", data={**SIGNUP, "org_name": org_name})
        page = visitor.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"], page.status_code,
                        page.get_data(as_text=True)))
        assert hashed == [SIGNUP["password"]]

    assert answers[0] == answers[1]
    assert db.session.scalar(select(User)).email == SIGNUP["email"]
    assert len(outbox("auth.verify")) == 1 and len(outbox("auth.exists")) == 1


# -- password guessing and the sign-in link ------------------------------------------------------------------

def test_a_stranger_guessing_an_address_does_not_lock_its_owner_out(app, make_user, outbox):
    make_user(email="erik@malmo.example.org")
    attacker = client_from(app, "198.51.100.7")
    answers = [sign_in(attacker, "ERIK@malmo.example.org", "wrong password here") for _ in range(6)]
    assert [a.status_code for a in answers] == [400] * 5 + [429]
    throttled = answers[-1].get_data(as_text=True)
    assert "sign in with a link sent to your email address" in throttled and 'href="/login/link"' in throttled
    # The right password is refused too from that network, on any machine of it.
    assert sign_in(client_from(app, "198.51.100.200"), "erik@malmo.example.org").status_code == 429

    owner = client_from(app, "203.0.113.5")
    assert sign_in(owner, "erik@malmo.example.org").status_code == 303
    assert owner.get("/account").status_code == 200

    # A colleague of the attacker's network gets in with the emailed link, which the count does not touch.
    colleague = client_from(app, "198.51.100.8")
    assert colleague.post("/login/link", data={"email": "erik@malmo.example.org"}).status_code == 200
    path = link_in(outbox("auth.sign_in_link")[-1], "/login/link/")
    assert colleague.post(path, data={}).status_code == 303
    assert colleague.get("/account").status_code == 200


def test_networks_are_counted_as_a_24_or_a_64():
    from dialogue.auth.throttle import network_of

    assert network_of("198.51.100.7") == network_of("198.51.100.250") == "198.51.100.0/24"
    assert network_of("198.51.101.7") != network_of("198.51.100.7")
    assert network_of("2001:db8:1:2:aaaa::1") == network_of("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert network_of("2001:db8:1:3::1") != network_of("2001:db8:1:2::1")
    assert network_of("::ffff:198.51.100.7") == "198.51.100.0/24"


def test_sign_in_link_signs_in_once_and_expires(app, client, make_user, outbox):
    from dialogue.auth import services

    user = make_user(email="anna@hel.example.org", verified=False)
    sent = client.post("/login/link", data={"email": "Anna@hel.example.org"})
    unknown = client.post("/login/link", data={"email": "nobody@hel.example.org"})
    assert sent.status_code == unknown.status_code == 200
    assert sent.get_data(as_text=True) == unknown.get_data(as_text=True)
    [mail] = outbox("auth.sign_in_link")
    assert mail.recipients == ["anna@hel.example.org"] and mail.body_html
    path = link_in(mail, "/login/link/")

    # Opening the link (as a mail scanner would) signs no one in and does not spend it.
    assert client.get(path).status_code == 200
    assert client.get("/account").status_code == 302
    assert client.post(path, data={"remember": "y"}).status_code == 303
    assert client.get("/account").status_code == 200
    assert client.get_cookie("remember_token") is not None
    db.session.expire_all()
    assert db.session.get(User, user.id).is_verified  # the link reached the inbox

    replay = app.test_client()
    for answer in (replay.get(path), replay.post(path, data={})):
        assert answer.status_code == 400 and "already been used" in answer.get_data(as_text=True)
    assert replay.get("/account").status_code == 302

    fresh = services.make_sign_in_token(db.session.get(User, user.id))
    app.config["SIGN_IN_LINK_MAX_AGE"] = -1
    expired = replay.post(f"/login/link/{fresh}", data={})
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)
    assert replay.get("/account").status_code == 302


def test_sign_in_links_are_limited_per_address(client, make_user, outbox):
    make_user(email="anna@hel.example.org")
    answers = [client.post("/login/link", data={"email": "anna@hel.example.org"}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert len(outbox("auth.sign_in_link")) == 3


# -- ?next= --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/account%0D%0ASet-Cookie:%20x=1", "/account%0Aevil", "/%09/evil.example",
                                    "/account%7F"])
def test_next_with_control_characters_goes_home(client, make_user, target):
    make_user(email="erik@malmo.example.org")
    response = client.post(f"/login?next={target}", data={"email": "erik@malmo.example.org",
                                                           "password": TEST_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_next_with_a_nul_character_is_refused_before_signing_in(client, make_user):
    # NUL never reaches a view: the input guard answers every request carrying one with a 400.
    make_user(email="erik@malmo.example.org")
    response = client.post("/login?next=/account%00", data={"email": "erik@malmo.example.org",
                                                             "password": TEST_PASSWORD})
    assert response.status_code == 400 and "Location" not in response.headers


# -- no-store ------------------------------------------------------------------------------------------------

@pytest.fixture
def personal_world(make_user, make_event, make_registration):
    from dialogue.intents import notify, subscriptions
    from dialogue.models import CalendarFeedToken

    person = make_user()
    event = make_event()
    registration = make_registration(event, person)
    feed = CalendarFeedToken(user=person)
    db.session.add(feed)
    alert = subscriptions.subscribe(person, cpv_prefix="302")
    db.session.commit()
    return {"person": person, "event": event.slug, "ticket": registration.ticket_token, "feed": feed.token,
            "unsubscribe": notify.unsubscribe_token(alert)}


@pytest.mark.parametrize("signed_in, path", [
    (True, "/"),
    (True, "/account"),
    (True, "/intents/alerts"),
    (True, "/events/{event}"),
    (False, "/tickets/{ticket}"),
    (False, "/calendar/{feed}.ics"),
    (False, "/intents/unsubscribe/{unsubscribe}"),
    (False, "/signup/check-email"),
])
def test_personal_pages_are_never_stored(client, auth, personal_world, signed_in, path):
    if signed_in:
        auth.login(personal_world["person"])
    response = client.get(path.format(**personal_world))
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/", "/events/{event}"])
def test_public_pages_signed_out_keep_their_caching(client, personal_world, path):
    response = client.get(path.format(**personal_world))
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
