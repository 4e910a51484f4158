import datetime as dt

import pytest
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.meetings import changes, placement, requests
from dialogue.models import Meeting, MeetingMode, MeetingRequest, MeetingStatus, RequestStatus
from tests.conftest import keep_signed_in


def test_organiser_sets_up_through_the_pages(world, client, auth):
    w = world
    auth.login(w.organiser)
    slug = w.event.slug
    page = client.get(f"/events/{slug}/meetings/setup")
    assert page.status_code == 200 and "Meeting blocks" in page.get_data(as_text=True)
    response = client.post(f"/events/{slug}/meetings/setup", data={
        "mode": "self_booking", "slot_minutes": "20", "break_minutes": "5", "request_expiry_hours": "24",
        "max_meetings_per_supplier": "4", "max_meetings_per_buyer": "", "max_requests_per_supplier": "",
        "max_supplier_staff": "2", "reminder_minutes": "15"})
    assert response.status_code == 303
    db.session.refresh(w.settings)
    assert w.settings.mode == MeetingMode.SELF_BOOKING and w.settings.max_meetings_per_supplier == 4
    response = client.post(f"/events/{slug}/meetings/blocks", data={
        "day": w.day.isoformat(), "start": "16:30", "end": "17:30"})
    assert response.status_code == 303
    overlapping = client.post(f"/events/{slug}/meetings/blocks", data={
        "day": w.day.isoformat(), "start": "15:00", "end": "17:00"})
    assert overlapping.status_code == 409 and "overlaps" in overlapping.get_data(as_text=True)
    response = client.post(f"/events/{slug}/meetings/locations", data={
        "label": "Table", "count": "2", "capacity": "6", "kind": "table"})
    assert response.status_code == 303
    page = client.get(f"/events/{slug}/meetings/setup").get_data(as_text=True)
    assert "Table 5" in page and "16:30" in page


def test_supplier_requests_buyer_accepts_through_the_pages(world, client, auth, make_intent, outbox):
    w = world
    intent = make_intent(w.buyer_org, title="Fair smartphones 2027")
    slug = w.event.slug
    auth.login(w.s1)
    buyers_page = client.get(f"/events/{slug}/meetings/buyers").get_data(as_text=True)
    assert "Fair smartphones 2027" in buyers_page and "City of Oslo" in buyers_page
    form = client.get(f"/events/{slug}/meetings/request/{w.buyer_org.id}?intent={intent.id}").get_data(as_text=True)
    assert "Times that suit you" in form
    response = client.post(f"/events/{slug}/meetings/request/{w.buyer_org.id}", data={
        "intent": str(intent.id), "topic": "", "agenda": "Take-back", "preferred_slots": [str(w.slots[2].id)],
        "priority": "2"})
    assert response.status_code == 303
    req = db.session.scalar(select(MeetingRequest))
    assert req.intent_id == intent.id
    own = client.post(f"/events/{slug}/meetings/request/{w.supplier_org.id}", data={"topic": "x", "priority": "2"})
    assert own.status_code == 400 and "your own organisation" in own.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MeetingRequest.id))) == 1

    auth.login(w.b1)
    detail = client.get(f"/meetings/requests/{req.id}").get_data(as_text=True)
    assert "Fair smartphones 2027" in detail and "Accept and send invitations" in detail
    response = client.post(f"/meetings/requests/{req.id}/accept", data={"slot": str(w.slots[2].id),
                                                                      "buyers": [str(w.b3.id)]})
    assert response.status_code == 303
    meeting = db.session.scalar(select(Meeting))
    agenda = client.get("/meetings").get_data(as_text=True)
    assert "Circular Computing" in agenda and "Table 1" in agenda and "Europe/Helsinki" in agenda
    assert len(outbox("meetings.invitation")) == 3

    auth.login(w.s1)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Ingrid Hansen" in page and "Ask to move the meeting" in page
    assert client.get(f"/meetings/{meeting.id}.ics").mimetype == "text/calendar"
    response = client.post(f"/meetings/{meeting.id}/reschedule", data={"slot": str(w.slots[4].id), "note": "later"})
    assert response.status_code == 303
    auth.login(w.b3)
    assert "Accept the new time" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert client.post(f"/meetings/{meeting.id}/reschedule/accept").status_code == 303
    db.session.refresh(meeting)
    assert meeting.slot_id == w.slots[4].id and meeting.sequence == 1
    response = client.post(f"/meetings/{meeting.id}/cancel", data={"note": "Sorry"})
    assert response.status_code == 303
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.CANCELLED and len(outbox("meetings.cancelled")) == 3


def test_refusals_show_a_reason_and_change_nothing(world, client, auth):
    w = world
    w.settings.mode = MeetingMode.SELF_BOOKING
    db.session.commit()
    auth.login(w.s1)
    response = client.post(f"/events/{w.event.slug}/meetings/book/{w.b1.id}", data={
        "slot": str(w.slots[0].id), "topic": "Phones"})
    assert response.status_code == 303
    auth.login(w.s3)
    taken = client.post(f"/events/{w.event.slug}/meetings/book/{w.b1.id}", data={
        "slot": str(w.slots[0].id), "topic": "Laptops"})
    assert taken.status_code == 409 and "just taken" in taken.get_data(as_text=True)
    # The calendar is shown again as it is now: that time taken, no longer offered.
    page = taken.get_data(as_text=True)
    assert '<span class="tag tag-cancelled">taken</span>' in page
    assert f'<option value="{w.slots[0].id}"' not in page and '<option value="' in page
    outside = client.post(f"/events/{w.event.slug}/meetings/book/{w.b1.id}", data={"slot": "99999", "topic": "x"})
    assert outside.status_code == 400 and "not one of this event&#39;s meeting slots" in outside.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Meeting.id))) == 1


def test_no_show_is_marked_after_the_meeting_and_exported(world, client, auth):
    w = world
    req = requests.create_request(w.event, w.s1, buyer_org_id=w.buyer_org.id, intent_id=None,
                                  topic="=HYPERLINK(1)", agenda="", preferred_slot_ids=[])
    meeting = requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    changes.report_no_show(meeting, w.b1, "They did not come", now=meeting.slot.ends_at + dt.timedelta(minutes=1))
    db.session.commit()
    auth.login(w.organiser)
    manage = client.get(f"/events/{w.event.slug}/meetings/manage").get_data(as_text=True)
    assert "They did not come" in manage
    csv_text = client.get(f"/events/{w.event.slug}/meetings/export.csv").get_data(as_text=True)
    assert "did not take place" in csv_text.splitlines()[0]
    assert ",yes,Erik Lund,They did not come" in csv_text and "'=HYPERLINK(1)" in csv_text


def test_feed_address_is_created_and_revoked_from_the_agenda(world, client, auth):
    w = world
    auth.login(w.s1)
    assert client.post("/meetings/feed/regenerate").status_code == 303
    page = client.get("/meetings").get_data(as_text=True)
    from dialogue.meetings import agenda

    token = agenda.feed_token(w.s1).token
    assert f"/calendar/{token}.ics" in page
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    client.post("/meetings/feed/revoke")
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_event_section_and_manage_links_render(world, app, client, auth):
    from flask import render_template_string

    w = world
    auth.login(w.s1)
    with app.test_request_context():
        from flask_login import login_user

        login_user(w.s1)
        html = render_template_string('{% include "meetings/_event_section.html" %}', event=w.event,
                                      is_organiser=False, registration=None, is_participant=True)
        assert "Request a meeting" in html and f"/events/{w.event.slug}/meetings/buyers" in html
        links = render_template_string('{% include "meetings/_manage_links.html" %}', event=w.event)
        assert "/meetings/setup" in links and "export.csv" in links


ROLES = ("anonymous", "outsider", "observer", "supplier", "buyer", "other_buyer", "organiser")


def _endpoints(w, meeting_id, request_id):
    slug = w.event.slug
    # (method, url, roles allowed: 2xx/3xx; everyone else 302 to sign in, 403 or 404)
    return [
        ("GET", "/meetings", {"outsider", "observer", "supplier", "buyer", "other_buyer", "organiser"}),
        ("GET", f"/events/{slug}/meetings", {"observer", "supplier", "buyer", "other_buyer", "organiser"}),
        ("GET", f"/events/{slug}/meetings/availability", {"supplier", "buyer", "other_buyer"}),
        ("GET", f"/events/{slug}/meetings/request/{w.cohost_org.id}", {"supplier"}),
        ("GET", f"/meetings/{meeting_id}", {"supplier", "buyer", "organiser"}),
        ("GET", f"/meetings/{meeting_id}.ics", {"supplier", "buyer", "organiser"}),
        ("GET", f"/meetings/requests/{request_id}", {"supplier", "buyer", "organiser"}),
        ("POST", f"/meetings/requests/{request_id}/decline", {"buyer"}),
        ("GET", f"/events/{slug}/meetings/setup", {"organiser"}),
        ("GET", f"/events/{slug}/meetings/manage", {"organiser"}),
        ("GET", f"/events/{slug}/meetings/export.csv", {"organiser"}),
        ("GET", f"/events/{slug}/meetings/schedule", {"organiser"}),
        ("GET", f"/events/{slug}/meetings/preview", {"organiser"}),
        ("GET", f"/events/{slug}/meetings/sheets/tables", {"organiser"}),
        ("GET", f"/events/{slug}/meetings/sheets/people", {"organiser"}),
        ("POST", f"/meetings/{meeting_id}/move", {"organiser"}),
        ("POST", f"/events/{slug}/meetings/publish", {"organiser"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_permissions(world, client, auth, make_user, role):
    w = world
    req = requests.create_request(w.event, w.s1, buyer_org_id=w.buyer_org.id, intent_id=None, topic="x",
                                  agenda="", preferred_slot_ids=[])
    meeting = requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    pending = requests.create_request(w.event, w.s1, buyer_org_id=w.buyer_org.id, intent_id=None, topic="y",
                                      agenda="", preferred_slot_ids=[])
    db.session.commit()
    users = {"outsider": make_user(), "observer": w.observer, "supplier": w.s1, "buyer": w.b1,
             "other_buyer": w.b3, "organiser": w.organiser}
    if role != "anonymous":
        auth.login(users[role])
    for method, url, allowed in _endpoints(w, meeting.id, pending.id):
        data = {"slot": str(w.slots[1].id), "location": "0"} if url.endswith("/move") else {}
        response = client.open(url, method=method, data=data)
        if role in allowed:
            assert response.status_code in (200, 303), (role, url, response.status_code)
        elif role == "anonymous":
            assert response.status_code == 302 and "/login" in response.location, (role, url)
        else:
            assert response.status_code in (403, 404), (role, url, response.status_code)
    db.session.expire_all()
    if role != "buyer":
        assert db.session.get(MeetingRequest, pending.id).status == RequestStatus.PENDING


def test_agenda_page_queries_do_not_grow_with_meetings(world, client, auth, app):
    from sqlalchemy import event as sa_event

    w = world
    w.settings.mode = MeetingMode.SELF_BOOKING
    db.session.commit()

    def count_statements():
        keep_signed_in(client)
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/meetings").status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    auth.login(w.b1)
    placement.book_slot(w.event, w.s1, w.b1, w.slots[0].id, topic="One")
    db.session.commit()
    one = count_statements()
    for i, supplier in enumerate((w.s2, w.s3), start=1):
        placement.book_slot(w.event, supplier, w.b1, w.slots[i].id, topic="More")
    db.session.commit()
    assert count_statements() == one


def test_declining_a_decided_request_shows_why_on_its_page(world, client, auth):
    w = world
    req = requests.create_request(w.event, w.s1, buyer_org_id=w.buyer_org.id, intent_id=None, topic="Phones",
                                  agenda="", preferred_slot_ids=[])
    db.session.commit()
    auth.login(w.b1)
    assert client.post(f"/meetings/requests/{req.id}/decline", data={"note": "No budget"}).status_code == 303
    again = client.post(f"/meetings/requests/{req.id}/decline", data={"note": "Still no"})
    assert again.status_code == 409 and "This request is already declined" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(MeetingRequest, req.id).decision_note == "No budget"
