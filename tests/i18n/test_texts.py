"""Event, agenda and planned-tender texts in several languages: each reader gets theirs or the first given."""

import datetime as dt

import pytest

from dialogue.extensions import db
from dialogue.models import AgendaSession, EventText, MemberRole, SessionKind


@pytest.fixture
def bilingual(make_user, make_event):
    organiser = make_user()
    event = make_event(organiser=organiser, languages=["en", "fi"], title="Fair phones market dialogue",
                       summary="Buyers meet suppliers", description="Bring your **take-back** plans.")
    session = AgendaSession(event=event, title="Buyer presentations", kind=SessionKind.BUYER_PRESENTATION,
                            starts_at=event.starts_at, ends_at=event.starts_at + dt.timedelta(hours=1),
                            description="Helsinki and Malmö present their plans.")
    db.session.add(session)
    db.session.commit()
    return organiser, event, session


def _read(client, url, language):
    client.get(f"/language/{language}")
    return client.get(url).get_data(as_text=True)


def test_organisers_give_texts_in_the_events_further_languages(client, auth, bilingual):
    organiser, event, session = bilingual
    auth.login(organiser)
    index = client.get(f"/events/{event.slug}/texts").get_data(as_text=True)
    assert f'href="/events/{event.slug}/texts/fi" lang="fi"' in index and "/texts/sv" not in index
    response = client.post(f"/events/{event.slug}/texts/fi", data={
        "title": "Reilujen puhelinten markkinavuoropuhelu", "summary": "",
        "description": "Tuokaa **takaisinotto**suunnitelmanne.",
        f"s{session.id}_title": "Hankkijoiden esitykset", f"s{session.id}_description": ""})
    assert response.status_code == 303
    form = client.get(f"/events/{event.slug}/texts/fi").get_data(as_text=True)
    assert "Reilujen puhelinten markkinavuoropuhelu" in form and "Hankkijoiden esitykset" in form

    auth.logout()
    finnish = _read(client, f"/events/{event.slug}", "fi")
    assert "<h1 id=\"event-title\">Reilujen puhelinten markkinavuoropuhelu</h1>" in finnish
    assert "<strong>takaisinotto</strong>" in finnish and "Hankkijoiden esitykset" in finnish
    assert "Buyers meet suppliers" in finnish  # a field left empty: the text as first given
    assert "Helsinki and Malmö present their plans." in finnish
    assert "Reilujen puhelinten markkinavuoropuhelu" in _read(client, "/", "fi")
    english = _read(client, f"/events/{event.slug}", "en")
    assert "Fair phones market dialogue" in english and "Hankkijoiden" not in english
    assert "Fair phones market dialogue" in _read(client, f"/events/{event.slug}", "sv")


def test_emptying_every_field_takes_a_language_back(client, auth, bilingual):
    organiser, event, session = bilingual
    auth.login(organiser)
    client.post(f"/events/{event.slug}/texts/fi", data={"title": "Otsikko"})
    assert db.session.query(EventText).count() == 1
    client.post(f"/events/{event.slug}/texts/fi", data={"title": "  "})
    assert db.session.query(EventText).count() == 0


def test_only_the_events_languages_and_its_organisers(client, auth, make_user, bilingual):
    organiser, event, _session = bilingual
    auth.login(organiser)
    assert client.get(f"/events/{event.slug}/texts/sv").status_code == 404
    assert client.post(f"/events/{event.slug}/texts/en", data={"title": "x"}).status_code == 404
    too_long = client.post(f"/events/{event.slug}/texts/fi", data={"title": "x" * 301})
    assert too_long.status_code == 400 and 'id="title-error"' in too_long.get_data(as_text=True)
    assert db.session.query(EventText).count() == 0
    auth.login(make_user())
    assert client.get(f"/events/{event.slug}/texts/fi").status_code == 403
    assert client.post(f"/events/{event.slug}/texts/fi", data={"title": "Hijacked"}).status_code == 403
    assert db.session.query(EventText).count() == 0


def test_an_event_in_one_language_says_how_to_add_more(client, auth, make_user, make_event):
    organiser = make_user()
    event = make_event(organiser=organiser, languages=["en"])
    auth.login(organiser)
    page = client.get(f"/events/{event.slug}/texts").get_data(as_text=True)
    assert "held in one language" in page


def test_buyer_staff_give_a_planned_tenders_texts_in_any_offered_language(client, auth, make_user, make_org,
                                                                           make_intent):
    buyer = make_org()  # a public buyer
    intent = make_intent(buyer=buyer, title="Laptops for city staff", description="About 4,000 laptops.")
    staff = make_user(buyer, role=MemberRole.MEMBER)
    auth.login(staff)
    response = client.post(f"/intents/{intent.id}/texts/sv", data={"title": "Bärbara datorer för stadens personal",
                                                                     "description": "Cirka 4 000 datorer."})
    assert response.status_code == 303
    auth.logout()
    swedish_list = _read(client, "/intents", "sv")
    assert "Bärbara datorer för stadens personal" in swedish_list
    swedish = client.get(f"/intents/{intent.id}").get_data(as_text=True)
    assert "Cirka 4 000 datorer." in swedish
    assert "Laptops for city staff" in _read(client, f"/intents/{intent.id}", "en")
    auth.login(make_user())
    assert client.post(f"/intents/{intent.id}/texts/sv", data={"title": "x"}).status_code == 403


def test_a_cached_agenda_shows_a_changed_translation_at_once(client, auth, bilingual):
    organiser, event, session = bilingual
    auth.login(organiser)
    client.post(f"/events/{event.slug}/texts/fi", data={f"s{session.id}_title": "Ensimmäinen otsikko"})
    auth.logout()
    assert "Ensimmäinen otsikko" in _read(client, f"/events/{event.slug}", "fi")  # the agenda is cached now
    auth.login(organiser)
    client.post(f"/events/{event.slug}/texts/fi", data={f"s{session.id}_title": "Toinen otsikko"})
    auth.logout()
    page = _read(client, f"/events/{event.slug}", "fi")
    assert "Toinen otsikko" in page and "Ensimmäinen otsikko" not in page
