"""The site header is rendered once per language and audience and shared: each person still sees
their own organisation in it, and nobody else's."""

from __future__ import annotations

import re

from dialogue.extensions import db


def _header(page) -> str:
    return re.search(r'<header class="site-header">.*?</header>', page.get_data(as_text=True), re.S).group(0)


def test_people_of_different_organisations_each_see_their_own(app, make_user, make_org):
    first = make_user(make_org(name="Malmö <Stad> & Co", slug="malmo-stad"))
    second = make_user(make_org(name="Oslo kommune", slug="oslo-kommune"))
    alone = make_user(with_org=False)
    seen = {}
    for person in (first, second, alone, first):
        browser = app.test_client()
        with browser.session_transaction() as session:
            session["_user_id"], session["_fresh"] = person.get_id(), True
        seen[person.id] = _header(browser.get("/"))
    assert 'href="/organisations/malmo-stad">Malmö &lt;Stad&gt; &amp; Co</a>' in seen[first.id]
    assert "Oslo" not in seen[first.id]
    assert 'href="/organisations/oslo-kommune">Oslo kommune</a>' in seen[second.id]
    assert "Malm" not in seen[second.id]
    assert "/organisations/" not in seen[alone.id] and "dlgpiece" not in seen[alone.id]
    # Both organisations' people got the one header kept for people with an organisation.
    kept = app.extensions["dialogue_site_pieces"]
    assert len([key for key in kept if key[0] == "header" and key[3] == (True, False, True)]) == 1


def test_a_renamed_organisation_shows_at_the_next_page(app, client, auth, make_user, make_org):
    org = make_org(name="Turku", slug="turku")
    auth.login(make_user(org))
    assert ">Turku</a>" in _header(client.get("/"))
    org.name = "Åbo"
    db.session.commit()
    header = _header(client.get("/"))
    assert ">Åbo</a>" in header and ">Turku</a>" not in header
