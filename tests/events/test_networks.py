"""Networks of public buyers organise events: a network's administrator creates one and co-hosts it with
buyers; suppliers still cannot, and a supplier is no co-host."""

from __future__ import annotations

from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import Event, MemberRole, OrganisationKind, StaffRole
from tests.events.test_routes import event_form


def test_a_network_admin_creates_an_event_and_adds_a_buyer_co_host(client, auth, make_org, make_user):
    iclei = make_org(kind=OrganisationKind.NETWORK, name="ICLEI Europe")
    nijmegen = make_org(kind=OrganisationKind.PUBLIC_BUYER, name="Gemeente Nijmegen")
    admin = make_user(iclei, role=MemberRole.ADMIN, name="Mark Hidson")
    auth.login(admin)
    assert "Create an event" in client.get("/").get_data(as_text=True)
    form = client.get("/events/new").get_data(as_text=True)
    assert "ICLEI Europe" in form and "Gemeente Nijmegen" in form
    response = client.post("/events/new", data=event_form(title="Live Market Engagement", cohosts=[]))
    assert response.status_code == 303, response.get_data(as_text=True)
    event = db.session.scalar(select(Event))
    assert [c.organisation.name for c in event.cohosts] == ["ICLEI Europe"]
    assert [(s.user_id, s.role) for s in event.staff] == [(admin.id, StaffRole.ORGANISER)]

    manage = client.get(f"/events/{event.slug}/manage").get_data(as_text=True)
    assert "Gemeente Nijmegen" in manage
    response = client.post(f"/events/{event.slug}/cohosts", data={"organisation": nijmegen.id})
    assert response.status_code == 303
    db.session.expire_all()
    assert {c.organisation.name for c in event.cohosts} == {"ICLEI Europe", "Gemeente Nijmegen"}


def test_suppliers_neither_create_events_nor_co_host_them(client, auth, make_org, make_user, make_event):
    supplier_org = make_org(kind=OrganisationKind.SUPPLIER, name="Fairphone")
    supplier_admin = make_user(supplier_org, role=MemberRole.ADMIN)
    network_member = make_user(make_org(kind=OrganisationKind.NETWORK), role=MemberRole.MEMBER)
    for user in (supplier_admin, network_member):
        auth.login(user)
        assert client.get("/events/new").status_code == 403
        assert client.post("/events/new", data=event_form()).status_code == 403
    assert db.session.scalar(select(func.count(Event.id))) == 0

    organiser = make_user(make_org(kind=OrganisationKind.NETWORK, name="ICLEI Europe"), role=MemberRole.ADMIN)
    event = make_event(organiser=organiser)
    auth.login(organiser)
    assert "Fairphone" not in client.get(f"/events/{event.slug}/manage").get_data(as_text=True)
    response = client.post(f"/events/{event.slug}/cohosts", data={"organisation": supplier_org.id})
    assert response.status_code == 400
    db.session.expire_all()
    assert "Fairphone" not in {c.organisation.name for c in event.cohosts}
