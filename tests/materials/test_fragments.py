"""The materials sections are rendered once per audience and reused: a change shows at once, and no
audience ever gets a fragment built for another."""

from __future__ import annotations

import io

import pytest

from dialogue.extensions import db
from dialogue.materials import services
from dialogue.models import MaterialVisibility
from tests.materials.conftest import pdf


def _upload(world, title: str, visibility: MaterialVisibility, user=None, session=None):
    material = services.upload_material(user or world.organiser, event=world.event, session=session,
                                        title=title, visibility=visibility, filename="slides.pdf",
                                        stream=io.BytesIO(pdf(title)))
    db.session.commit()
    return material


def _pages(client, world) -> list[str]:
    return [client.get(f"/events/{world.event.slug}").get_data(as_text=True),
            client.get(f"/events/{world.event.slug}/materials").get_data(as_text=True)]


def test_a_change_to_a_material_shows_at_once(client, auth, world):
    auth.login(world.participant)
    assert all("Market plan" not in page for page in _pages(client, world))
    material = _upload(world, "Market plan", MaterialVisibility.PARTICIPANTS, session=world.session)
    assert all("Market plan" in page for page in _pages(client, world))
    services.update_material(material, world.organiser, title="Market plan 2026", description="", language="en",
                             visibility=MaterialVisibility.ORGANISERS)
    db.session.commit()
    assert all("Market plan" not in page for page in _pages(client, world))  # now for organisers only
    auth.login(world.organiser)
    assert all("Market plan 2026" in page for page in _pages(client, world))
    services.remove_material(material, world.organiser)
    db.session.commit()
    assert all("Market plan 2026" not in page for page in _pages(client, world))


@pytest.mark.parametrize("first", ["organiser", "speaker", "participant", "anonymous"])
def test_no_audience_gets_a_fragment_built_for_another(client, auth, world, first):
    _upload(world, "Budget notes", MaterialVisibility.ORGANISERS)
    _upload(world, "Participant slides", MaterialVisibility.PARTICIPANTS, session=world.session)
    _upload(world, "Public flyer", MaterialVisibility.PUBLIC)
    _upload(world, "Speaker deck", MaterialVisibility.PARTICIPANTS, user=world.speaker, session=world.session)
    people = {"organiser": world.organiser, "speaker": world.speaker, "participant": world.participant,
              "other supplier": world.other_supplier, "non-participant": world.non_participant,
              "speaker's administrator": world.speaker_admin, "anonymous": None}
    expected = {  # who sees which item, and who may replace the speaker's deck
        "organiser": ({"Budget notes", "Participant slides", "Public flyer", "Speaker deck"}, True),
        "speaker": ({"Participant slides", "Public flyer", "Speaker deck"}, True),
        "participant": ({"Participant slides", "Public flyer", "Speaker deck"}, False),
        "other supplier": ({"Participant slides", "Public flyer", "Speaker deck"}, False),
        "non-participant": ({"Public flyer"}, False),
        "speaker's administrator": ({"Public flyer", "Speaker deck"}, True),  # not registered, manages the deck
        "anonymous": ({"Public flyer"}, False),
    }
    order = [first] + [name for name in people if name != first]
    for _round in range(2):  # the second round is served from the fragments the first one built
        for name in order:
            if people[name] is None:
                auth.logout()
            else:
                auth.login(people[name])
            visible, manages_deck = expected[name]
            for page in _pages(client, world):
                shown = {title for title in expected["organiser"][0] if f">{title}</a>" in page}
                assert shown == visible, (name, shown)
                assert ("Replace<span class=\"visually-hidden\"> Speaker deck" in page) == manages_deck, name
                assert ("Upload your slides for" in page) == (name == "speaker"), name
                assert ("more material" in page) == (name in ("non-participant", "anonymous",
                                                              "speaker's administrator")), name


def test_languages_do_not_mix(client, world):
    _upload(world, "Public flyer", MaterialVisibility.PUBLIC)
    path = f"/events/{world.event.slug}/materials"
    for _round in range(2):
        english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        finnish = client.get(path, headers={"Accept-Language": "fi"}).get_data(as_text=True)
        assert "Presentations and materials" in english and "Esitykset ja materiaalit" not in english
        assert "Esitykset ja materiaalit" in finnish and "Presentations and materials" not in finnish
