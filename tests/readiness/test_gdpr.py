"""The person who answered is personal data: in their download, and gone from the answer when they are erased."""

import io
import json
import zipfile

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import ReadinessAnswer
from tests.conftest import TEST_PASSWORD
from tests.readiness.conftest import answer


def test_a_persons_answers_are_in_their_data_and_stay_with_the_organisation_after_erasure(
        client, auth, matrix, supplier, make_user):
    make_user(supplier.organisation)  # someone else stays in the organisation
    answer(matrix, supplier, "meets_today", "cannot", comment="We are working on it")
    auth.login(supplier)
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/data/download").data))
    mine = json.loads(archive.read("data.json"))["readiness_answers_you_gave"]
    assert [(a["criterion"], a["answer"], a["for_organisation"]) for a in mine] == [
        ("TCO Certified", "meets_today", "Fair Devices Ltd"), ("Take-back", "cannot", "Fair Devices Ltd")]
    assert "readiness_answers_you_gave.csv" in archive.namelist()
    assert client.post("/account/erase", data={"password": TEST_PASSWORD, "confirm": "y"}).status_code == 303
    answers = list(db.session.scalars(select(ReadinessAnswer).order_by(ReadinessAnswer.id)))
    assert len(answers) == 2 and all(a.answered_by_id is None for a in answers)
    assert answers[1].comment == "We are working on it"


def test_the_buyer_who_set_up_the_matrix_finds_it_in_their_data(client, auth, matrix, staff):
    auth.login(staff)
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/data/download").data))
    managed = json.loads(archive.read("data.json"))["readiness_matrices_you_managed"]
    assert managed == [{"planned_tender": "Fair smartphones", "set_up": True, "last_changed": True,
                        "last_published": False, "published_at": None}]
