"""The rules of the market-readiness matrix. Services flush, never commit, and refuse with DialogueError.

- The buyer's staff (as for editing the intent: members of the buyer organisation, platform admins)
  set the matrix up from the tender's structured criteria, add, edit and remove rows, set the closing
  time and publish the anonymised counts; every change is in the audit log.
- Members of a supplier, manufacturer or reseller organisation answer per criterion, for their
  organisation, while the planned tender is announced and until the closing time.
- The published counts are a copy taken at publication, so every bidder reads the same figures with
  the same date until the buyer publishes again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError, NotAllowed, NotFound
from dialogue.core.permissions import signed_in
from dialogue.core.text import bounded_text
from dialogue.core.timeutil import format_local, local_to_utc
from dialogue.core.urls import clean_http_url
from dialogue.extensions import db
from dialogue.intents.access import ASKING_KINDS, is_buyer_staff
from dialogue.intents.criteria import criterion_title
from dialogue.models import (
    Intent,
    IntentStatus,
    ReadinessAnswer,
    ReadinessChoice,
    ReadinessCriterion,
    ReadinessMatrix,
    User,
    utcnow,
)
from dialogue.readiness.evidence import receive_evidence
from dialogue.readiness.queries import aggregate

MAX_TITLE = 200
MAX_TEXT = 2000
MAX_COMMENT = 2000
MAX_ROWS = 60


def field_name(criterion_id: int, part: str) -> str:
    """The answer form's field for one part of one row: ``c12_by_date``."""
    return f"c{criterion_id}_{part}"


@dataclass
class AnswerInput:
    """One row of the answer form; ``choice`` "" means no answer (an earlier one is withdrawn)."""

    criterion_id: int
    choice: str
    by_date: dt.date | None = None
    comment: str = ""
    evidence_url: str = ""
    filename: str | None = None
    stream: BinaryIO | None = None
    remove_file: bool = False


# --- who may ----------------------------------------------------------------------------------------

def _require_buyer(intent: Intent, actor: User) -> None:
    if not is_buyer_staff(intent, actor):
        raise NotAllowed(_("Only the staff of %(buyer)s can do this.", buyer=intent.buyer.name))


def _require_editable(intent: Intent) -> None:
    if not intent.is_editable:
        raise Conflict(_("The planned tender is no longer being prepared: the readiness questions cannot "
                         "change."))


def answer_refusal(matrix: ReadinessMatrix, user: User | None, now: dt.datetime) -> str | None:
    """Why ``user`` may not answer now, in words for them; None when they may."""
    if not signed_in(user):
        return _("Sign in as a supplier, manufacturer or reseller to answer.")
    if user.organisation is None or user.organisation.kind not in ASKING_KINDS:
        return _("Suppliers, manufacturers and resellers answer the readiness questions.")
    if not user.is_verified:
        return _("Confirm your email address to answer.")
    if matrix.intent.status != IntentStatus.ANNOUNCED:
        return _("This planned tender takes no answers: it is not announced or its tender is already out.")
    if matrix.is_closed(now):
        return _("Answers closed on %(date)s.", date=format_local(matrix.closes_at, matrix.intent.timezone))
    return None


# --- the buyer's side ---------------------------------------------------------------------------------

def _clean_row(title: str | None, text: str | None) -> tuple[str, str]:
    title = bounded_text(title, field="title", limit=MAX_TITLE, too_long=_("Keep the title under 200 characters."))
    title = " ".join(title.split())
    if not title:
        raise DialogueError(_("Give the criterion a title."), field="title")
    return title, bounded_text(text, field="text", limit=MAX_TEXT, too_long=_("Keep the text under 2,000 characters."))


def set_up_matrix(intent: Intent, actor: User, *, intro: str | None, closes_local: dt.datetime | None,
                  now: dt.datetime | None = None) -> ReadinessMatrix:
    """Create the matrix with a row per structured criterion of the tender, or change its intro and
    closing time. The closing time is a wall-clock time in the intent's zone and must be ahead."""
    _require_buyer(intent, actor)
    _require_editable(intent)
    now = now or utcnow()
    if closes_local is None:
        raise DialogueError(_("Give the date and time answers close."), field="closes_at")
    closes_at = local_to_utc(closes_local, intent.timezone, "closes_at")
    if closes_at <= now:
        raise DialogueError(_("Choose a closing time in the future."), field="closes_at")
    intro = bounded_text(intro, field="intro", limit=5000, too_long=_("Keep the introduction under 5,000 characters."))
    matrix = db.session.scalar(select(ReadinessMatrix).where(ReadinessMatrix.intent_id == intent.id))
    zone = intent.timezone
    if matrix is None:
        matrix = ReadinessMatrix(intent=intent, intro=intro, closes_at=closes_at, created_by_id=actor.id,
                                 updated_by_id=actor.id)
        for position, criterion in enumerate(sorted(intent.criteria, key=lambda c: (c.position, c.id))):
            matrix.criteria.append(ReadinessCriterion(
                intent_criterion=criterion, kind=criterion.kind, subject=criterion.subject,
                title=criterion_title(criterion)[:MAX_TITLE], text=criterion.text or "", position=position))
        db.session.add(matrix)
        db.session.flush()
        record_action(actor, "readiness.setup", f"Set up the readiness matrix of “{intent.title}” with "
                      f"{len(matrix.criteria)} criteria, answers closing {format_local(closes_at, zone)}",
                      intent=intent, criteria=len(matrix.criteria))
        return matrix
    changes = {}
    if matrix.closes_at != closes_at:
        changes["closes_at"] = [format_local(matrix.closes_at, zone), format_local(closes_at, zone)]
    if matrix.intro != intro:
        changes["intro"] = True
    matrix.intro, matrix.closes_at, matrix.updated_by_id = intro, closes_at, actor.id
    db.session.flush()
    if changes:
        what = (f"answers now close {changes['closes_at'][1]} (were {changes['closes_at'][0]})"
                if "closes_at" in changes else "changed the introduction")
        record_action(actor, "readiness.settings", f"Readiness matrix of “{intent.title}”: {what}", intent=intent,
                      **{k: v for k, v in changes.items() if k == "closes_at"})
    return matrix


def add_criterion(matrix: ReadinessMatrix, actor: User, *, title: str | None, text: str | None) -> ReadinessCriterion:
    _require_buyer(matrix.intent, actor)
    _require_editable(matrix.intent)
    if len(matrix.criteria) >= MAX_ROWS:
        raise DialogueError(_("A matrix holds at most %(n)s criteria.", n=MAX_ROWS), field="title")
    title, text = _clean_row(title, text)
    row = ReadinessCriterion(title=title, text=text,
                             position=max((c.position for c in matrix.criteria), default=-1) + 1)
    matrix.criteria.append(row)
    matrix.updated_by_id = actor.id
    db.session.flush()
    record_action(actor, "readiness.criterion.add", f"Added “{title}” to the readiness matrix of "
                  f"“{matrix.intent.title}”", intent=matrix.intent, criterion=row.id)
    return row


def edit_criterion(row: ReadinessCriterion, actor: User, *, title: str | None, text: str | None) -> ReadinessCriterion:
    intent = row.matrix.intent
    _require_buyer(intent, actor)
    _require_editable(intent)
    title, text = _clean_row(title, text)
    if (title, text) == (row.title, row.text):
        return row
    old = row.title
    row.title, row.text = title, text
    row.matrix.updated_by_id = actor.id
    db.session.flush()
    record_action(actor, "readiness.criterion.edit", f"Reworded “{old}” in the readiness matrix of "
                  f"“{intent.title}”" + (f" (now “{title}”)" if title != old else ""), intent=intent,
                  criterion=row.id, answers=len(row.answers))
    return row


def remove_criterion(row: ReadinessCriterion, actor: User) -> None:
    """A row someone has answered stays: the answers are part of the consultation record."""
    intent = row.matrix.intent
    _require_buyer(intent, actor)
    _require_editable(intent)
    if row.answers:
        raise Conflict(_("“%(title)s” has answers already, so it stays in the matrix. Reword it if it needs "
                         "to be clearer.", title=row.title))
    record_action(actor, "readiness.criterion.remove", f"Removed “{row.title}” from the readiness matrix of "
                  f"“{intent.title}”", intent=intent)
    row.matrix.updated_by_id = actor.id
    row.matrix.criteria.remove(row)
    db.session.flush()


def publish_aggregate(matrix: ReadinessMatrix, actor: User, now: dt.datetime | None = None) -> ReadinessMatrix:
    """Publish the counts per criterion as they are now, without any organisation's name. Publishing
    again replaces the figures and the date."""
    intent = matrix.intent
    _require_buyer(intent, actor)
    if not intent.is_public:
        raise Conflict(_("Announce the planned tender before publishing what the market answered."))
    figures = aggregate(matrix)
    if figures["responding"] == 0:
        raise Conflict(_("Nobody has answered yet: there is nothing to publish."))
    again = matrix.published_at is not None
    matrix.published_aggregate = figures
    matrix.published_at = now or utcnow()
    matrix.published_by_id = actor.id
    db.session.flush()
    record_action(actor, "readiness.publish", f"{'Published again' if again else 'Published'} the readiness "
                  f"counts of “{intent.title}” ({figures['responding']} responding organisations)", intent=intent,
                  responding=figures["responding"])
    return matrix


# --- the market's side --------------------------------------------------------------------------------

def _lock(matrix: ReadinessMatrix) -> None:
    # Two colleagues saving at once: the second waits, then sees the first one's rows (PostgreSQL; SQLite
    # already holds its write lock from the start of the request).
    db.session.execute(select(ReadinessMatrix.id).where(ReadinessMatrix.id == matrix.id).with_for_update())


def _clean_answer(row: AnswerInput, today: dt.date) -> tuple[ReadinessChoice, dt.date | None, str, str | None]:
    try:
        choice = ReadinessChoice(row.choice)
    except ValueError:
        raise DialogueError(_("Choose one of the answers."), field=field_name(row.criterion_id, "choice")) from None
    by_date = row.by_date
    if choice == ReadinessChoice.CAN_MEET_BY:
        if by_date is None:
            raise DialogueError(_("Give the date by which you can meet it."),
                                field=field_name(row.criterion_id, "by_date"))
        if by_date <= today:
            raise DialogueError(_("The date by which you can meet it must be in the future."),
                                field=field_name(row.criterion_id, "by_date"))
    else:
        by_date = None
    comment = bounded_text(row.comment, field=field_name(row.criterion_id, "comment"), limit=MAX_COMMENT,
                           too_long=_("Keep the comment under 2,000 characters."))
    url = clean_http_url(row.evidence_url, field_name(row.criterion_id, "evidence_url"))
    return choice, by_date, comment, url


def _apply(answer: ReadinessAnswer, row: AnswerInput, cleaned: tuple, file: tuple | None) -> bool:
    """Write one cleaned row onto its answer; True when something changed."""
    choice, by_date, comment, url = cleaned
    before = (answer.choice, answer.by_date, answer.comment, answer.evidence_url, answer.evidence_sha256)
    answer.choice, answer.by_date, answer.comment, answer.evidence_url = choice, by_date, comment, url
    if file is not None:
        staged, name, mime = file
        answer.evidence_sha256, answer.evidence_filename, answer.evidence_mimetype = staged.sha256, name, mime
    elif row.remove_file:
        answer.evidence_sha256 = answer.evidence_filename = answer.evidence_mimetype = None
    return answer.id is None or before != (answer.choice, answer.by_date, answer.comment, answer.evidence_url,
                                           answer.evidence_sha256)


def _require_answering(matrix: ReadinessMatrix, user: User, now: dt.datetime) -> None:
    refusal = answer_refusal(matrix, user, now)
    if refusal is None:
        return
    if user is None or user.organisation is None or user.organisation.kind not in ASKING_KINDS:
        raise NotAllowed(refusal)
    raise DialogueError(refusal)


def save_answers(matrix: ReadinessMatrix, user: User, rows: list[AnswerInput],
                 now: dt.datetime | None = None) -> int:
    """Save the organisation's answers, row by row; returns how many changed. A row left without an answer
    withdraws an earlier one. Refused as a whole (nothing kept, no file stored) when one row is wrong."""
    now = now or utcnow()
    _lock(matrix)
    db.session.refresh(matrix)
    _require_answering(matrix, user, now)
    org = user.organisation
    criteria = {c.id: c for c in matrix.criteria}
    existing = {a.criterion_id: a for a in db.session.scalars(
        select(ReadinessAnswer).where(ReadinessAnswer.organisation_id == org.id,
                                      ReadinessAnswer.criterion_id.in_(criteria)))}
    plans = []
    for row in rows:
        if row.criterion_id not in criteria:
            raise NotFound(_("That criterion is no longer in the matrix. Reload the page."))
        if row.choice or row.criterion_id in existing:
            plans.append((row, _clean_answer(row, now.date()) if row.choice else None))
    files: dict[int, tuple] = {}
    try:
        for row, cleaned in plans:
            if cleaned is not None and row.stream is not None and row.filename:
                files[row.criterion_id] = receive_evidence(row.stream, row.filename,
                                                           field_name(row.criterion_id, "evidence_file"))
        changed = 0
        for row, cleaned in plans:
            answer = existing.get(row.criterion_id)
            if cleaned is None:
                db.session.delete(answer)
                changed += 1
                continue
            if answer is None:
                answer = ReadinessAnswer(criterion=criteria[row.criterion_id], organisation_id=org.id)
                db.session.add(answer)
            if _apply(answer, row, cleaned, files.get(row.criterion_id)):
                answer.answered_by_id = user.id
                answer.updated_at = now
                changed += 1
        db.session.flush()
        for staged, _name, _mime in files.values():
            staged.keep()  # in place before the rows that name it commit
    finally:
        for staged, _name, _mime in files.values():
            staged.discard()
    if changed:
        record_action(user, "readiness.answer", f"{org.name} saved {changed} readiness answers on "
                      f"“{matrix.intent.title}”", intent=matrix.intent, organisation=org.id, changed=changed)
    return changed
