"""The public list of intents: filters, search and pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from dialogue.extensions import db
from dialogue.intents.cpv import like_escape
from dialogue.intents.criteria import SLOTS_BY_KEY
from dialogue.models import (
    Intent,
    IntentCpvCode,
    IntentCriterion,
    IntentItem,
    IntentPartner,
    IntentStatus,
    Organisation,
)

PER_PAGE = 20
# What the list shows for each status choice; "public" is everything but drafts.
STATUS_FILTERS = {
    "announced": (IntentStatus.ANNOUNCED,),
    "tender_published": (IntentStatus.TENDER_PUBLISHED,),
    "awarded": (IntentStatus.AWARDED,),
    "withdrawn": (IntentStatus.WITHDRAWN,),
    "public": (IntentStatus.ANNOUNCED, IntentStatus.TENDER_PUBLISHED, IntentStatus.AWARDED, IntentStatus.WITHDRAWN),
}


@dataclass
class Filters:
    q: str = ""
    cpv_prefix: str = ""        # digits, already normalised ("302")
    buyer_id: int | None = None
    country: str = ""
    planned_from: dt.date | None = None
    planned_to: dt.date | None = None
    criterion: str = ""
    status: str = "announced"


def cpv_condition(prefix: str):
    """Any of the intent's codes (main, additional, items) starts with the prefix."""
    pattern = f"{like_escape(prefix)}%"
    return or_(Intent.cpv_main.like(pattern, escape="\\"),
               exists().where(IntentCpvCode.intent_id == Intent.id, IntentCpvCode.code.like(pattern, escape="\\")),
               exists().where(IntentItem.intent_id == Intent.id, IntentItem.cpv.like(pattern, escape="\\")))


def criterion_condition(key: str):
    slot = SLOTS_BY_KEY[key]
    condition = [IntentCriterion.intent_id == Intent.id, IntentCriterion.kind == slot.kind]
    if slot.subject is not None:
        condition.append(IntentCriterion.subject == slot.subject)
    return exists().where(*condition)


def query(filters: Filters):
    stmt = (select(Intent).join(Intent.buyer).options(contains_eager(Intent.buyer), selectinload(Intent.criteria))
            .where(Intent.status.in_(STATUS_FILTERS.get(filters.status, STATUS_FILTERS["announced"]))))
    if filters.cpv_prefix:
        stmt = stmt.where(cpv_condition(filters.cpv_prefix))
    if filters.buyer_id:
        stmt = stmt.where(or_(Intent.buyer_id == filters.buyer_id,
                              exists().where(IntentPartner.intent_id == Intent.id,
                                             IntentPartner.organisation_id == filters.buyer_id)))
    if filters.country:
        stmt = stmt.where(Intent.place_country == filters.country)
    if filters.planned_from:
        stmt = stmt.where(Intent.planned_notice_date >= filters.planned_from)
    if filters.planned_to:
        stmt = stmt.where(Intent.planned_notice_date <= filters.planned_to)
    if filters.criterion in SLOTS_BY_KEY:
        stmt = stmt.where(criterion_condition(filters.criterion))
    words = filters.q.split()[:8]
    for word in words:
        pattern = f"%{like_escape(word.lower())}%"
        stmt = stmt.where(or_(func.lower(Intent.title).like(pattern, escape="\\"),
                              func.lower(Intent.description).like(pattern, escape="\\"),
                              func.lower(Organisation.name).like(pattern, escape="\\")))
    return stmt


def list_intents(filters: Filters, page: int = 1, per_page: int = PER_PAGE, *,
                 with_codes: bool = False) -> tuple[list[Intent], bool]:
    stmt = query(filters).order_by(Intent.announced_at.desc(), Intent.id.desc())
    if with_codes:
        stmt = stmt.options(selectinload(Intent.additional_cpv), selectinload(Intent.items))
    rows = list(db.session.scalars(stmt.limit(per_page + 1).offset((page - 1) * per_page)).unique())
    return rows[:per_page], len(rows) > per_page
