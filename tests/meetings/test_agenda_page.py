"""The personal agenda: requests sent and received, read in a fixed number of statements."""

from sqlalchemy import event as sa_event

from dialogue.extensions import db
from dialogue.meetings import requests


def statements(client, url: str) -> tuple[int, str]:
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
