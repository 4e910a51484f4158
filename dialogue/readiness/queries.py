"""What the readiness pages, the export, the API and the consultation record read: each in a fixed number of
queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.extensions import db
from dialogue.models import (
    Intent,
    Organisation,
    ReadinessAnswer,
    ReadinessChoice,
    ReadinessCriterion,
    ReadinessMatrix,
)


def get_matrix(intent_id: int) -> ReadinessMatrix | None:
    return db.session.scalar(select(ReadinessMatrix).where(ReadinessMatrix.intent_id == intent_id).options(
        joinedload(ReadinessMatrix.intent).joinedload(Intent.buyer), selectinload(ReadinessMatrix.criteria)))


@dataclass
class Summary:
    """What the intent's page needs to know of its matrix: whether it is there, open, and published."""

    closes_at: dt.datetime
    published_at: dt.datetime | None
    published: dict | None


def summary(intent_id: int) -> Summary | None:
    row = db.session.execute(select(ReadinessMatrix.closes_at, ReadinessMatrix.published_at,
                                    ReadinessMatrix.published_aggregate)
                             .where(ReadinessMatrix.intent_id == intent_id)).first()
    return Summary(*row) if row else None


def aggregate(matrix: ReadinessMatrix) -> dict:
    """The counts per criterion, as published: no organisation named, only how many answered what.

    ``responding`` per criterion counts every organisation that answered it (not applicable included);
    ``latest_by_date`` is the latest date given by those who can meet it later.
    """
    in_matrix = ReadinessCriterion.matrix_id == matrix.id
    rows = db.session.execute(
        select(ReadinessAnswer.criterion_id, ReadinessAnswer.choice, func.count(), func.max(ReadinessAnswer.by_date))
        .join(ReadinessCriterion, ReadinessCriterion.id == ReadinessAnswer.criterion_id).where(in_matrix)
        .group_by(ReadinessAnswer.criterion_id, ReadinessAnswer.choice)).all()
    responding = db.session.scalar(
        select(func.count(distinct(ReadinessAnswer.organisation_id)))
        .join(ReadinessCriterion, ReadinessCriterion.id == ReadinessAnswer.criterion_id).where(in_matrix))
    counts: dict[int, dict] = {}
    latest: dict[int, dt.date] = {}
    for criterion_id, choice, n, last in rows:
        counts.setdefault(criterion_id, {})[ReadinessChoice(choice).value] = n
        if choice == ReadinessChoice.CAN_MEET_BY and last is not None:
            latest[criterion_id] = last
    criteria = []
    for criterion in matrix.criteria:
        found = counts.get(criterion.id, {})
        numbers = {choice.value: found.get(choice.value, 0) for choice in ReadinessChoice}
        criteria.append({
            "id": criterion.id, "title": criterion.title, "text": criterion.text,
            "kind": criterion.kind.value if criterion.kind else None, "subject": criterion.subject,
            **numbers, "responding": sum(numbers.values()),
            "latest_by_date": latest[criterion.id].isoformat() if criterion.id in latest else None})
    return {"responding": responding or 0, "criteria": criteria}


def own_answers(matrix: ReadinessMatrix, organisation_id: int) -> dict[int, ReadinessAnswer]:
    """One organisation's answers by criterion: all a supplier ever sees of the answers themselves."""
    return {a.criterion_id: a for a in db.session.scalars(
        select(ReadinessAnswer).join(ReadinessCriterion, ReadinessCriterion.id == ReadinessAnswer.criterion_id)
        .where(ReadinessCriterion.matrix_id == matrix.id, ReadinessAnswer.organisation_id == organisation_id))}


@dataclass
class FullMatrix:
    """Organisations x criteria, for the buyer and the consultation record."""

    matrix: ReadinessMatrix
    organisations: list[Organisation]
    answers: dict[tuple[int, int], ReadinessAnswer] = field(default_factory=dict)

    @property
    def criteria(self) -> list[ReadinessCriterion]:
        return self.matrix.criteria

    def answer(self, organisation: Organisation, criterion: ReadinessCriterion) -> ReadinessAnswer | None:
        return self.answers.get((organisation.id, criterion.id))

    def rows(self):
        """(organisation, criterion number, criterion, answer or None), one per pair."""
        for organisation in self.organisations:
            for number, criterion in enumerate(self.criteria, 1):
                yield organisation, number, criterion, self.answer(organisation, criterion)


def full_matrix(matrix: ReadinessMatrix) -> FullMatrix:
    answers = list(db.session.scalars(
        select(ReadinessAnswer).join(ReadinessCriterion, ReadinessCriterion.id == ReadinessAnswer.criterion_id)
        .where(ReadinessCriterion.matrix_id == matrix.id).options(joinedload(ReadinessAnswer.organisation))))
    organisations = sorted({a.organisation_id: a.organisation for a in answers}.values(),
                           key=lambda o: (o.name.lower(), o.id))
    return FullMatrix(matrix, organisations, {(a.organisation_id, a.criterion_id): a for a in answers})


def full_matrix_of(intent_id: int) -> FullMatrix | None:
    """The consultation record's view: None when the intent has no matrix."""
    found = full_matrices_of([intent_id])
    return found[0] if found else None


def published(intent: Intent) -> tuple[dt.datetime, dict] | None:
    """The published counts of a public intent, with their date; None when nothing is published."""
    if not intent.is_public:
        return None
    row = db.session.execute(select(ReadinessMatrix.published_at, ReadinessMatrix.published_aggregate)
                             .where(ReadinessMatrix.intent_id == intent.id,
                                    ReadinessMatrix.published_at.is_not(None))).first()
    return (row[0], row[1]) if row else None


def full_matrices_of(intent_ids: list[int]) -> list[FullMatrix]:
    """The matrices of several planned tenders (an event's record), in the order of ``intent_ids``."""
    if not intent_ids:
        return []
    matrices = {m.intent_id: m for m in db.session.scalars(
        select(ReadinessMatrix).where(ReadinessMatrix.intent_id.in_(intent_ids)).options(
            joinedload(ReadinessMatrix.intent), selectinload(ReadinessMatrix.criteria)))}
    return [full_matrix(matrices[i]) for i in intent_ids if i in matrices]
