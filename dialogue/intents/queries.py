"""What the public list of planned tenders reads: its cards as columns (the list only shows them), the
criteria named on each card, and the buyers, countries and CPV divisions its filters offer; and which
changes move the cached parts of the list and of an intent's page."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from dialogue.core import cache
from dialogue.extensions import db
from dialogue.intents import cpv
from dialogue.intents.browse import PER_PAGE, Filters, query
from dialogue.intents.criteria import criterion_title
from dialogue.models import (
    BuyerGroup,
    CriterionKind,
    Event,
    EventIntent,
    HarmonisedCriterion,
    Intent,
    IntentChange,
    IntentCpvCode,
    IntentCriterion,
    IntentItem,
    IntentLot,
    IntentPartner,
    IntentQuestion,
    IntentStatus,
    Organisation,
    OrganisationKind,
)

# The criteria a card names; the others are on the intent's page.
CARD_KINDS = (CriterionKind.LABEL, CriterionKind.AFFILIATION, CriterionKind.CIRCULARITY)


@dataclass(slots=True)
class Card:
    id: int
    title: str
    status: IntentStatus
    buyer: str
    place_country: str | None
    cpv_main: str
    planned_notice_date: dt.date | None
    estimated_value: Decimal | None
    currency: str | None
    criteria: list[str] = field(default_factory=list)


def list_cards(filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> tuple[list[Card], bool]:
    """One page of the list, newest announcement first, and whether another page follows: two queries,
    one for the cards and one for the criteria they name."""
    rows = db.session.execute(
        query(filters).with_only_columns(
            Intent.id, Intent.title, Intent.status, Organisation.name, Intent.place_country, Intent.cpv_main,
            Intent.planned_notice_date, Intent.estimated_value, Intent.currency, maintain_column_froms=True)
        .order_by(Intent.announced_at.desc(), Intent.id.desc())
        .limit(per_page + 1).offset((page - 1) * per_page)).all()
    cards = [Card(*row) for row in rows[:per_page]]
    by_id = {card.id: card for card in cards}
    if by_id:
        criteria = db.session.execute(
            select(IntentCriterion.intent_id, IntentCriterion.kind, IntentCriterion.subject, IntentCriterion.name,
                   IntentCriterion.tier)
            .where(IntentCriterion.intent_id.in_(by_id), IntentCriterion.kind.in_(CARD_KINDS))
            .order_by(IntentCriterion.intent_id, IntentCriterion.position, IntentCriterion.id))
        for criterion in criteria:
            by_id[criterion.intent_id].criteria.append(criterion_title(criterion))
    return cards, len(rows) > per_page


def filter_choices() -> tuple[list, list[str]]:
    """The public buyers (``id``, ``name``) and the countries that have public intents, by name, in one query."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind, Intent.place_country)
        .join(Intent, Intent.buyer_id == Organisation.id).where(Intent.is_public).distinct()
        .order_by(Organisation.name, Organisation.id)).all()
    buyers = {row.id: row for row in rows if row.kind == OrganisationKind.PUBLIC_BUYER}
    return list(buyers.values()), sorted({row.place_country for row in rows if row.place_country})



def presented_at(intent_id: int, *, drafts: bool) -> list:
    """The events the intent is linked to, by start (``slug``, ``title``, ``starts_at``, ``timezone``,
    ``venue``); events not yet published only with ``drafts`` (for the buyer's staff)."""
    stmt = (select(Event.slug, Event.title, Event.starts_at, Event.timezone, Event.venue)
            .join(EventIntent, EventIntent.event_id == Event.id).where(EventIntent.intent_id == intent_id)
            .order_by(Event.starts_at, EventIntent.id))
    return list(db.session.execute(stmt if drafts else stmt.where(Event.is_public)))


Division = namedtuple("Division", "code label")
Buyer = namedtuple("Buyer", "id name")

# What the cached parts of the intents pages show (dialogue.core.cache). An intent and the rows it is
# made of move ("intent-list",), which the list and its filters show, and ("intent-page", id); names of
# organisations move ("people",); texts in other languages move ("intents",); the CPV vocabulary moves
# ("cpv",); the buyer groups' libraries, which a criterion is compared with, move ("harmonised",).
LIST_SCOPES = [("intent-list",), ("people",), ("intents",), ("cpv",)]


def page_scopes(intent_id: int) -> list[tuple]:
    return [("intent-page", intent_id), ("people",), ("intents",), ("cpv",), ("harmonised",)]


def filter_options() -> tuple[list[Division], list[Buyer], list[str]]:
    """The CPV divisions, the public buyers and the countries the list's filters offer, read once per
    version of what they show (three queries then, none otherwise)."""
    def build() -> tuple[tuple[Division, ...], tuple[Buyer, ...], tuple[str, ...]]:
        buyers, countries = filter_choices()
        return (tuple(Division(d.code, d.label) for d in cpv.divisions()), tuple(Buyer(b.id, b.name) for b in buyers),
                tuple(countries))

    divisions, buyers, countries = cache.kept("intents/filter-options", LIST_SCOPES, build)
    return list(divisions), list(buyers), list(countries)


def _part_scopes(row) -> list[tuple]:
    return [("intent-list",), ("intent-page", row.intent_id)]


cache.watch(Intent, lambda intent: [("intent-list",), ("intent-page", intent.id)])
for _part in (IntentItem, IntentLot, IntentCpvCode, IntentCriterion, IntentPartner, IntentChange):
    cache.watch(_part, _part_scopes)
cache.watch(IntentQuestion, lambda question: [("intent-page", question.intent_id)])
cache.watch(Organisation, lambda org: [("intent-list",)] if cache.changed(org, "kind") else [])
cache.watch(HarmonisedCriterion, lambda _criterion: [("harmonised",)])
cache.watch(BuyerGroup, lambda group: [("harmonised",)] if cache.changed(group, "name", "slug") else [])
