"""A person's data in the readiness matrix: the answers they gave for their organisation, and the matrices
they set up or published for their buyer.

The answers belong to the organisation and are part of the consultation record: erasure keeps them
under the organisation and drops the link to the person.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dialogue.extensions import db
from dialogue.gdpr.erasure import forget_person
from dialogue.models import ReadinessAnswer, ReadinessCriterion, ReadinessMatrix, User


def export(user: User) -> dict[str, list[dict]]:
    answers = db.session.scalars(
        select(ReadinessAnswer).where(ReadinessAnswer.answered_by_id == user.id)
        .options(joinedload(ReadinessAnswer.criterion).joinedload(ReadinessCriterion.matrix)
                 .joinedload(ReadinessMatrix.intent), joinedload(ReadinessAnswer.organisation))
        .order_by(ReadinessAnswer.id))
    matrices = db.session.scalars(
        select(ReadinessMatrix).where((ReadinessMatrix.created_by_id == user.id)
                                      | (ReadinessMatrix.updated_by_id == user.id)
                                      | (ReadinessMatrix.published_by_id == user.id))
        .options(joinedload(ReadinessMatrix.intent)).order_by(ReadinessMatrix.id))
    return {
        "readiness_answers_you_gave": [{
            "planned_tender": a.criterion.matrix.intent.title, "criterion": a.criterion.title,
            "for_organisation": a.organisation.name, "answer": a.choice, "by_date": a.by_date, "comment": a.comment,
            "evidence_link": a.evidence_url, "evidence_file": a.evidence_filename, "saved_at": a.updated_at}
            for a in answers],
        "readiness_matrices_you_managed": [{
            "planned_tender": m.intent.title, "set_up": m.created_by_id == user.id,
            "last_changed": m.updated_by_id == user.id, "last_published": m.published_by_id == user.id,
            "published_at": m.published_at} for m in matrices],
    }


def erase(user: User) -> None:
    forget_person(user, ReadinessAnswer.answered_by_id, ReadinessMatrix.created_by_id,
                  ReadinessMatrix.updated_by_id, ReadinessMatrix.published_by_id)
