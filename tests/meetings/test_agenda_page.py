"""The personal agenda: requests sent and received, read in a fixed number of statements; its lists kept
until what they show changes, and moved along when a meeting ends or a request expires."""

import datetime as dt

import pytest
from sqlalchemy import event as sa_event

from dialogue.core import cache
from dialogue.extensions import db
from dialogue.meetings import changes, requests
from dialogue.meetings import routes as meeting_routes
from dialogue.models import RequestStatus
from tests.conftest import keep_signed_in


def statements(client, url: str, fresh: bool = True) -> tuple[int, str]:
    """Statements of one request; ``fresh``: with the lists built again (no fragment kept)."""
    if fresh:
        cache.clear()
    keep_signed_in(client)  # the person is read once and kept: counted here are the page's own statements
    counted = []
    listener = lambda *_args: counted.append(1)  # noqa: E731
    sa_event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(counted), response.get_data(as_text=True)


def test_requests_to_me_and_from_my_organisation_do_not_add_statements(world, client, auth):
    w = world
    auth.login(w.b1)
    client.get("/meetings")  # warm up: the user, caches
    before, html = statements(client, "/meetings")
    assert "Requests to you" not in html
    requests.create_request(w.event, w.s1, buyer_org_id=w.buyer_org.id, intent_id=None, topic="Repairable laptops",
                            agenda="", preferred_slot_ids=[w.slots[0].id])
    requests.create_request(w.event, w.s3, buyer_org_id=w.buyer_org.id, intent_id=None, topic="Fair phones",
                            agenda="", preferred_slot_ids=[])
    db.session.commit()

    after, html = statements(client, "/meetings")

    assert after == before
    received = html[html.index("Requests to you"):]
    assert "Repairable laptops" in received and "Fair phones" in received
    assert "Circular Computing" in received and "Dell" in received
    assert "Requests from your organisation" not in html

    auth.logout()
    auth.login(w.s2)  # a colleague of the supplier who asked
    html = client.get("/meetings").get_data(as_text=True)
    assert "Requests to you" not in html
    sent = html[html.index("Requests from your organisation"):]
    assert "Repairable laptops" in sent and "City of Malmö" in sent and "Fair phones" not in sent


def lists_of(html: str) -> str:
    return html[html.index("<h1>"):html.index('id="feed"')]


def test_kept_lists_cost_no_statements_and_follow_every_change_they_show(world, client, auth, make_intent):
    w = world
    intent = make_intent(w.buyer_org, title="Fair smartphones 2027")
    req = requests.create_request(w.event, w.s1, buyer_org_id=w.buyer_org.id, intent_id=intent.id, topic="",
                                  agenda="", preferred_slot_ids=[])
    meeting = requests.accept_request(req, w.b1, slot_id=w.slots[1].id)
    db.session.commit()
    auth.login(w.s1)
    built, html = statements(client, "/meetings")
    assert "Erik Lund (City of Malmö)" in html and "Fair smartphones 2027" in html

    def kept_then_changed(change, *expected, absent=()):
        kept, _html = statements(client, "/meetings", fresh=False)
        assert kept < built  # the lists came from the cache, so a missed change would show stale
        change()
        db.session.commit()
        page = lists_of(client.get("/meetings").get_data(as_text=True))
        for text in expected:
            assert text in page
        for text in absent:
            assert text not in page

    def rename(row, attribute, value):
        return lambda: setattr(row, attribute, value)

    kept_then_changed(rename(w.b1, "name", "Erik Lundqvist"), "Erik Lundqvist (City of Malmö)")
    kept_then_changed(rename(w.buyer_org, "name", "Malmö stad"), "Erik Lundqvist (Malmö stad)")
    kept_then_changed(rename(intent, "title", "Repairable phones"), "Repairable phones")
    kept_then_changed(rename(w.event, "title", "Nordic meetings day"), "Nordic meetings day")
    kept_then_changed(rename(meeting.location, "label", "Booth A"), "Booth A")
    kept_then_changed(lambda: changes.add_participant(meeting, w.b1, w.b2.id), "Eva Berg")
    kept_then_changed(lambda: changes.set_virtual_url(meeting, "https://meet.example.org/r1"),
                      "https://meet.example.org/r1")
    kept_then_changed(lambda: changes.cancel_meeting(meeting, w.b1, "Sorry"), "tag-cancelled")
    # A request of the organisation, sent by a colleague, and its answer.
    other = {}

    def colleague_asks():
        other["req"] = requests.create_request(w.event, w.s2, buyer_org_id=w.cohost_org.id, intent_id=None,
                                               topic="Refurbished tablets", agenda="", preferred_slot_ids=[])

    kept_then_changed(colleague_asks, "Refurbished tablets", "City of Oslo")
    kept_then_changed(lambda: requests.decline_request(other["req"], w.b3, "Not now"), "declined")


def test_lists_are_kept_for_each_person_and_time_zone(world, client, auth):
    w = world
    req = requests.create_request(w.event, w.s1, buyer_org_id=w.buyer_org.id, intent_id=None, topic="Laptops",
                                  agenda="", preferred_slot_ids=[])
    requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    db.session.commit()
    auth.login(w.s1)
    mine = lists_of(client.get("/meetings").get_data(as_text=True))
    assert "Erik Lund" in mine and "No upcoming meetings." not in mine
    auth.logout()
    auth.login(w.s2)  # same organisation, same language, not in the meeting
    colleague = lists_of(client.get("/meetings").get_data(as_text=True))
    assert "No upcoming meetings." in colleague and "Erik Lund" not in colleague
    assert "Laptops" in colleague  # the organisation's request, which they share

    auth.logout()
    auth.login(w.s1)
    w.s1.timezone = "America/New_York"
    db.session.commit()
    moved = lists_of(client.get("/meetings").get_data(as_text=True))
    start = w.slots[0].starts_at.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert f" / {start:%H:%M}" in moved and f" / {start:%H:%M}" not in mine


@pytest.mark.parametrize("cached", [True, False])
def test_a_meeting_moves_to_the_past_and_a_request_expires_as_time_passes(world, client, auth, monkeypatch, cached):
    w = world
    req = requests.create_request(w.event, w.s1, buyer_org_id=w.buyer_org.id, intent_id=None, topic="Laptops",
                                  agenda="", preferred_slot_ids=[])
    meeting = requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    waiting = requests.create_request(w.event, w.s1, buyer_org_id=w.cohost_org.id, intent_id=None, topic="Tablets",
                                      agenda="", preferred_slot_ids=[])
    db.session.commit()
    assert waiting.status == RequestStatus.PENDING and waiting.expires_at < meeting.slot.ends_at
    auth.login(w.s1)

    def page_at(moment):
        if not cached:
            cache.clear()
        monkeypatch.setattr(meeting_routes, "utcnow", lambda: moment)
        return lists_of(client.get("/meetings").get_data(as_text=True))

    before = page_at(waiting.expires_at - dt.timedelta(minutes=1))
    assert "Past meetings" not in before and "expires" in before and "tag-pending" in before
    expired = page_at(waiting.expires_at)
    assert "Past meetings" not in expired and "expires" not in expired and ">expired<" in expired
    ended = page_at(meeting.slot.ends_at)
    assert "Past meetings" in ended and "No upcoming meetings." in ended
    assert page_at(waiting.expires_at - dt.timedelta(minutes=1)) == before


def test_more_meetings_do_not_add_statements(world, client, auth, make_intent):
    w = world

    def meet(supplier, buyer, slot, intent=None):
        req = requests.create_request(w.event, supplier, buyer_org_id=buyer.organisation.id,
                                      intent_id=intent.id if intent else None, topic="Phones", agenda="",
                                      preferred_slot_ids=[])
        requests.accept_request(req, buyer, slot_id=slot.id)
        db.session.commit()

    # (Planned tenders, organisations and participants are read by key, once there is one to read.)
    meet(w.s1, w.b1, w.slots[0], make_intent(w.buyer_org, title="Phones"))
    auth.login(w.b1)
    one, _html = statements(client, "/meetings")
    meet(w.s3, w.b1, w.slots[1], make_intent(w.buyer_org, title="Laptops"))
    meet(w.s2, w.b1, w.slots[2], make_intent(w.buyer_org, title="Tablets"))
    three, html = statements(client, "/meetings")
    assert three == one
    assert "Pat Murphy" in html and "Sue Baker" in html and "Tablets" in html
