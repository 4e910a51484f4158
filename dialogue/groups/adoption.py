"""A planned tender adopts criteria from the libraries of the buyer groups its buyer belongs to.

Each adopted criterion becomes (or replaces the text of) the tender's criterion of the same kind and
subject, linked to the library criterion and the version adopted. The buyer may then reword it on the
tender's form: the link stays, and the tender's page shows where its text differs from the library's
current text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.extensions import db
from dialogue.intents.access import is_buyer_staff
from dialogue.intents.criteria import SLOTS
from dialogue.intents.services import record_change
from dialogue.models import (
    BuyerGroup,
    ChangeAction,
    CriterionKind,
    GroupMember,
    HarmonisedCriterion,
    Intent,
    IntentCriterion,
    User,
    utcnow,
)


def groups_of_buyer(organisation_id: int) -> list[BuyerGroup]:
    """The groups an organisation belongs to, with their libraries."""
    return list(db.session.scalars(
        select(BuyerGroup).join(GroupMember).where(GroupMember.organisation_id == organisation_id)
        .options(selectinload(BuyerGroup.criteria)).order_by(BuyerGroup.name)))


def slot_of(criterion: HarmonisedCriterion) -> tuple[CriterionKind, str | None, int]:
    """(kind, subject, position) of the tender criterion a library criterion fills: a label, affiliation or
    circularity subject has its own place on the tender; any other criterion is one of the directive's kinds."""
    for position, slot in enumerate(SLOTS):
        if criterion.subject and slot.subject == criterion.subject:
            return slot.kind, slot.subject, position
    for position, slot in enumerate(SLOTS):
        if slot.kind == criterion.kind and slot.subject is None:
            return slot.kind, None, position
    return criterion.kind, None, len(SLOTS)


def adopt_criteria(intent: Intent, actor: User, chosen: list[HarmonisedCriterion]) -> list[IntentCriterion]:
    """Adopt library criteria of the buyer's groups into a tender that is still being prepared."""
    if not is_buyer_staff(intent, actor):
        raise NotAllowed(_("Only the staff of %(buyer)s can do this.", buyer=intent.buyer.name))
    if not intent.is_editable:
        raise Conflict(_("This planned tender can no longer be edited: the tender notice is out or it was withdrawn."))
    if not chosen:
        raise DialogueError(_("Choose at least one criterion."), field="criteria")
    member_of = {g.id for g in groups_of_buyer(intent.buyer_id)}
    places: dict[tuple, HarmonisedCriterion] = {}
    for criterion in chosen:
        if criterion.group_id not in member_of:
            raise NotAllowed(_("%(buyer)s is not a member of %(group)s.", buyer=intent.buyer.name,
                               group=criterion.group.name))
        kind, subject, _position = slot_of(criterion)
        if (kind, subject) in places:
            raise DialogueError(_("%(a)s and %(b)s would both fill the same criterion of the tender: adopt one.",
                                  a=places[(kind, subject)].title, b=criterion.title), field="criteria")
        places[(kind, subject)] = criterion
    adopted = []
    for (kind, subject), criterion in places.items():
        row = next((c for c in intent.criteria if c.kind == kind and c.subject == subject), None)
        if row is None:
            row = IntentCriterion(kind=kind, subject=subject, position=slot_of(criterion)[2])
            intent.criteria.append(row)
        row.text, row.harmonised_id, row.harmonised_version = criterion.text, criterion.id, criterion.version
        adopted.append(row)
    intent.criteria.sort(key=lambda c: c.position)
    intent.updated_at = utcnow()
    names = "; ".join(f"{c.title} ({c.group.name}, version {c.version})" for c in places.values())
    record_change(intent, actor, ChangeAction.EDITED, [{"field": "criteria", "old": None, "new": None}],
                  note=f"Harmonised criteria adopted: {names}")
    db.session.flush()
    record_action(actor, "intent.criteria_adopted", f"Harmonised criteria adopted: {names}"[:500], intent=intent,
                  criteria=[c.id for c in places.values()])
    return adopted


# -- how a tender's criterion compares with the library -------------------------------------------------

def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@dataclass
class Harmonised:
    group: BuyerGroup
    criterion: HarmonisedCriterion
    version: int                          # the version adopted
    differs: bool                         # the tender's text is not the library's current text
    newer: bool                           # the library has moved on since the adoption
    changes: list[tuple[str, str]]        # ("equal" | "delete" | "insert", words): library -> tender


def word_diff(library: str, tender: str) -> list[tuple[str, str]]:
    """The library's text turned into the tender's, word by word."""
    a, b = library.split(), tender.split()
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("insert", " ".join(b[j1:j2])))
    return parts


def harmonised(row: IntentCriterion) -> Harmonised | None:
    """How an adopted criterion stands against its library; None when it was not adopted."""
    criterion = row.harmonised
    if criterion is None:
        return None
    differs = _normal(row.text) != _normal(criterion.text)
    return Harmonised(group=criterion.group, criterion=criterion, version=row.harmonised_version or 1,
                      differs=differs, newer=(row.harmonised_version or 1) < criterion.version,
                      changes=word_diff(criterion.text, row.text) if differs else [])


def link_note(row: IntentCriterion) -> str | None:
    """One line for machine-readable copies (OCDS, the record): 'Harmonised with G, version n (differs)'."""
    found = harmonised(row)
    if found is None:
        return None
    return (f"harmonised with {found.group.name}, version {found.version}"
            + (" (the tender's text differs from the library's current text)" if found.differs else ""))
