"""Who may do what: each role against each protected endpoint, and URL guessing."""

import io

import pytest
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import EventStatus, Material
from tests.materials.conftest import pdf, stored_files
from tests.materials.test_routes import add, form


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# The table: each role against each protected action on a participants-only item in the speaker's session.
ROLES = ["anonymous", "non_participant", "pending", "participant", "other_supplier", "speaker", "speaker_admin",
         "organiser"]
EXPECTED = {
    #                  upload  download replace delete package
    "anonymous":       (302,   403,     302,    302,   403),
    "non_participant": (403,   403,     403,    403,   403),
    "pending":         (403,   403,     403,    403,   403),
    "participant":     (403,   200,     403,    403,   200),
    "other_supplier":  (403,   200,     403,    403,   200),
    "speaker":         (303,   200,     303,    303,   200),
    "speaker_admin":   (403,   200,     303,    303,   200),
    "organiser":       (303,   200,     303,    303,   200),
}
ACTIONS = ["upload", "download", "replace", "delete", "package"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_permissions(client, auth, world, upload_dir, role, action):
    material = add(world)
    if role != "anonymous":
        auth.login(getattr(world, role))
    slug = world.event.slug
    if action == "upload":
        response = client.post(f"/events/{slug}/materials/new", data=form(world, data=pdf("new")),
                               content_type="multipart/form-data")
    elif action == "download":
        response = client.get(f"/materials/{material.id}/download")
    elif action == "replace":
        response = client.post(f"/materials/{material.id}/replace",
                               data={"file": (io.BytesIO(pdf("v2")), "v2.pdf"), "note": ""},
                               content_type="multipart/form-data")
    elif action == "delete":
        response = client.post(f"/materials/{material.id}/delete")
    else:
        response = client.get(f"/events/{slug}/materials/package.zip")
    expected = EXPECTED[role][ACTIONS.index(action)]
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    if action == "download" and expected == 200:
        assert response.data == pdf()
    if action == "replace":
        assert len(db.session.get(Material, material.id).versions) == (2 if expected == 303 else 1)
    if action == "delete":
        assert (db.session.get(Material, material.id).removed_at is not None) is (expected == 303)
        assert (material.current.sha256 in stored_files(upload_dir)) is (expected != 303)
    if action == "upload":
        assert count(Material) == (2 if expected == 303 else 1)


def test_a_non_participant_guessing_urls_gets_nothing(client, auth, world):
    participants = add(world)
    organisers = add(world, world.organiser, title="Internal notes", visibility="organisers", data=pdf("notes"))
    auth.login(world.non_participant)
    for url in (f"/materials/{participants.id}", f"/materials/{participants.id}/download",
                f"/materials/{participants.id}/versions/1/download"):
        response = client.get(url)
        assert response.status_code == 403 and b"registered participants" in response.data
    for url in (f"/materials/{organisers.id}", f"/materials/{organisers.id}/download", "/materials/999/download"):
        assert client.get(url).status_code == 404
    page = client.get(f"/events/{world.event.slug}/materials").get_data(as_text=True)
    assert "Helsinki ICT plan" not in page and "Internal notes" not in page
    assert "1 more material is available to registered participants" in page
    auth.login(world.participant)
    assert client.get(f"/materials/{organisers.id}/download").status_code == 404


def test_a_drafts_materials_do_not_exist_for_others(client, auth, world):
    material = add(world, world.organiser, visibility="public")
    world.event.status = EventStatus.DRAFT
    db.session.commit()
    auth.login(world.participant)
    assert client.get(f"/materials/{material.id}/download").status_code == 404
    assert client.get(f"/events/{world.event.slug}/materials").status_code == 404
