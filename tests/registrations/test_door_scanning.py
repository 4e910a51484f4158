"""The camera scanner's server side: JSON answers, scans queued offline with their own time, the door app."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dialogue.core.errors import DialogueError
from dialogue.core.security import CONTENT_SECURITY_POLICY
from dialogue.extensions import db
from dialogue.models import Attendance, EventFormat, EventStaff, Registration, StaffRole, utcnow
from dialogue.registrations import door
from tests.registrations.test_routes import ROLES, cast  # noqa: F401 - the permission cast is a fixture

JSON = {"Accept": "application/json"}


def millis(when: dt.datetime) -> str:
    return str(int(when.timestamp() * 1000))


@pytest.fixture
def door_event(make_event, make_user, organiser):
    """An event in Helsinki that started an hour ago, and a door keeper signed up as its check-in staff."""
    def make(**overrides):
        start = utcnow().replace(microsecond=0) - dt.timedelta(hours=1)
        event = make_event(organiser=organiser, starts_at=start, ends_at=start + dt.timedelta(hours=8), **overrides)
        keeper = make_user(organiser.organisation, name="Door Keeper")
        db.session.add(EventStaff(event=event, user=keeper, role=StaffRole.CHECKIN))
        db.session.commit()
        return event, keeper
    return make


def scan(client, event, code, scanned_at=None):
    data = {"code": code} if scanned_at is None else {"code": code, "scanned_at": scanned_at}
    return client.post(f"/events/{event.slug}/check-in/scan", data=data, headers=JSON)


def test_a_camera_scan_is_answered_in_json_with_who_it_is(client, auth, door_event, make_registration, make_user,
                                                         make_org):
    event, keeper = door_event()
    guest = make_registration(event, make_user(make_org(name="Dell Technologies"), name="Pat Murphy"))
    auth.login(keeper)
    response = scan(client, event, door.qr_payload(guest))
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("private, no-store")
    answer = response.get_json()
    assert answer["outcome"] == "checked_in" and answer["message"] == "Pat Murphy is checked in."
    assert (answer["name"], answer["organisation"], answer["role"]) == ("Pat Murphy", "Dell Technologies", "Supplier")
    assert answer["counts"]["checked_in"] == 1
    first_time = answer["checked_in_at"]
    assert len(first_time) == 5 and first_time[2] == ":"

    again = scan(client, event, guest.ticket_token)
    assert again.status_code == 200
    assert again.get_json()["outcome"] == "already" and again.get_json()["checked_in_at"] == first_time
    assert "already checked in at" in again.get_json()["message"]
    assert again.get_json()["counts"]["checked_in"] == 1


def test_refusals_are_json_with_their_status(client, auth, door_event, make_event, make_registration):
    event, keeper = door_event(format=EventFormat.HYBRID)
    online = make_registration(event, attendance=Attendance.ONLINE)
    foreign = make_registration(make_event())
    auth.login(keeper)
    for code, status, words in ((foreign.ticket_token, 404, "No ticket of this event"),
                                ("f" * 32, 404, "No ticket of this event"),
                                (online.ticket_token, 409, "attend online"),
                                ("", 400, "Scan or type the ticket code")):
        response = scan(client, event, code)
        assert response.status_code == status, code
        assert response.get_json()["outcome"] == "refused" and words in response.get_json()["message"], code
    db.session.expire_all()
    assert online.checked_in_at is None and foreign.checked_in_at is None


def test_a_queued_scan_keeps_its_time_and_a_second_send_is_already_checked_in(client, auth, door_event,
                                                                               make_registration):
    event, keeper = door_event()
    guest = make_registration(event)
    scanned = utcnow().replace(microsecond=0) - dt.timedelta(minutes=20)
    auth.login(keeper)
    first = scan(client, event, guest.ticket_token, millis(scanned))
    assert first.status_code == 200 and first.get_json()["outcome"] == "checked_in"
    db.session.expire_all()
    assert db.session.get(Registration, guest.id).checked_in_at == scanned
    # The answer was lost on the way back: the phone sends the same scan again.
    second = scan(client, event, guest.ticket_token, millis(scanned))
    assert second.status_code == 200 and second.get_json()["outcome"] == "already"
    db.session.expire_all()
    assert db.session.get(Registration, guest.id).checked_in_at == scanned
    assert db.session.get(Registration, guest.id).checked_in_by_id == keeper.id


@pytest.mark.parametrize("shift, words", [
    (dt.timedelta(hours=1), "in the future"),
    (-dt.timedelta(days=2), "not on a day of this event"),
])
def test_a_queued_scan_from_the_future_or_another_day_is_refused(client, auth, door_event, make_registration,
                                                                 shift, words):
    event, keeper = door_event()
    guest = make_registration(event)
    auth.login(keeper)
    response = scan(client, event, guest.ticket_token, millis(utcnow() + shift))
    assert response.status_code == 400 and words in response.get_json()["message"]
    assert scan(client, event, guest.ticket_token, "yesterday").status_code == 400
    db.session.expire_all()
    assert db.session.get(Registration, guest.id).checked_in_at is None


def test_scan_time_window(door_event):
    event, _keeper = door_event()
    now = utcnow().replace(microsecond=0)
    assert door.scan_time(event, None, now) == now and door.scan_time(event, " ", now) == now
    # A phone clock a minute ahead is read as now; the start of the first local day is still the event's.
    assert door.scan_time(event, millis(now + dt.timedelta(minutes=1)), now) == now
    zone = ZoneInfo(event.timezone)
    midnight = dt.datetime.combine(event.starts_at.astimezone(zone).date(), dt.time(), zone)
    assert door.scan_time(event, millis(midnight), now) == midnight
    with pytest.raises(DialogueError):
        door.scan_time(event, millis(midnight - dt.timedelta(seconds=1)), now)
    with pytest.raises(DialogueError):
        door.scan_time(event, "9" * 30, now)


def test_the_html_scan_still_redirects_and_the_page_offers_the_camera(client, auth, door_event, make_registration):
    event, keeper = door_event()
    guest = make_registration(event)
    auth.login(keeper)
    page = client.get(f"/events/{event.slug}/check-in").get_data(as_text=True)
    assert 'id="door-camera"' in page and "Scan with camera" in page and "vendor/jsqr/jsQR.js" in page
    assert f'rel="manifest" href="/events/{event.slug}/check-in/manifest.webmanifest"' in page
    assert "<script>" not in page
    response = client.post(f"/events/{event.slug}/check-in/scan", data={"code": guest.ticket_token})
    assert response.status_code == 303


def test_the_door_app_manifest_and_service_worker(client, auth, door_event, app):
    event, keeper = door_event()
    auth.login(keeper)
    response = client.get(f"/events/{event.slug}/check-in/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["start_url"] == f"/events/{event.slug}/check-in" and manifest["display"] == "standalone"
    assert manifest["short_name"] == "Check-in" and manifest["theme_color"].startswith("#")
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        assert image.data.startswith(b"\x89PNG")
        size = int(icon["sizes"].split("x")[0])
        assert int.from_bytes(image.data[16:20], "big") == size == int.from_bytes(image.data[20:24], "big")
        image.close()

    auth.logout()
    worker = client.get("/check-in-sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/events/"
    assert "no-cache" in worker.headers["Cache-Control"]
    source = worker.get_data(as_text=True)
    # It keeps the plain check-in page and the static files, never the counts or the check-in answers.
    assert 'request.method !== "GET"' in source and "/check-in$/" in source and "!url.search" in source
    worker.close()
    scope = client.get(f"/events/{event.slug}/check-in").headers
    assert scope["Location"].startswith("/login")


def test_the_manifest_is_for_door_staff_only(client, auth, cast):  # noqa: F811 - the fixture imported above
    url = f"/events/{cast['event'].slug}/check-in/manifest.webmanifest"
    for role in ROLES:
        auth.logout()
        if cast["users"][role] is not None:
            auth.login(cast["users"][role])
        status = client.get(url).status_code
        expected = {"anonymous": 302, "checkin": 200, "organiser": 200}.get(role, 403)
        assert status == expected, role


def test_the_content_security_policy_stays_strict(client):
    policy = dict(part.split(" ", 1) for part in client.get("/").headers["Content-Security-Policy"].split("; "))
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
    assert policy["worker-src"] == "'self'" and policy["manifest-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert not any(word in CONTENT_SECURITY_POLICY for word in ("unsafe", "*", "blob:", "http:"))
    assert "camera=(self)" in client.get("/").headers["Permissions-Policy"]
