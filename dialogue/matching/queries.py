"""What the suggestions read: tenders and profiles as scorer facts, in a fixed number of statements.

Candidates for a tender are the suppliers, manufacturers and resellers that have a profile; the
tenders for an organisation are the announced planned tenders (the rule of the public list).
However many there are, loading takes the same few statements (``selectinload``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from dialogue.extensions import db
from dialogue.intents.browse import STATUS_FILTERS
from dialogue.matching import scoring
from dialogue.models import (
    Event,
    EventIntent,
    EventStatus,
    Intent,
    MeetingMode,
    MeetingSettings,
    Organisation,
    OrganisationKind,
    OrganisationProfile,
    ParticipantRole,
    Registration,
    RegistrationState,
    utcnow,
)

CANDIDATE_KINDS = (OrganisationKind.SUPPLIER, OrganisationKind.MANUFACTURER, OrganisationKind.RESELLER)
ANNOUNCED = STATUS_FILTERS["announced"]
REQUESTING_ROLES = (ParticipantRole.SUPPLIER, ParticipantRole.RESELLER)
# Events where a supplier can still ask for a meeting from the request form.
REQUEST_MODES = (MeetingMode.REQUEST, MeetingMode.ORGANISER)
OPEN_EVENT_STATES = (EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED)


def tender_facts(intent: Intent) -> scoring.TenderFacts:
    criteria = tuple(scoring.CriterionFacts(kind=c.kind.value, subject=c.subject,
                                            tier=c.tier.value if c.tier else None, name=c.name, text=c.text or "")
                     for c in intent.criteria)
    text = "\n".join([intent.title, intent.description or "", intent.rationale or ""]
                     + [i.description for i in intent.items] + [c.name or "" for c in intent.criteria]
                     + [c.text for c in criteria])
    return scoring.TenderFacts(id=intent.id, title=intent.title, cpv=tuple(intent.all_cpv_codes), criteria=criteria,
                               place_country=intent.place_country, text=text, buyer_id=intent.buyer_id)


def offer_facts(profile: OrganisationProfile) -> scoring.OfferFacts:
    org = profile.organisation
    labels = tuple(scoring.LabelFacts(scheme=lab.scheme.value, level=lab.level, name=lab.name,
                                      valid_until=lab.valid_until) for lab in profile.labels)
    return scoring.OfferFacts(
        id=org.id, name=org.name, country=org.country, cpv=tuple(c.code for c in profile.cpv_codes), labels=labels,
        countries_served=tuple(profile.countries_served or ()), electronics_watch=profile.electronics_watch.value,
        take_back=profile.take_back, refurbishment=profile.refurbishment, repair=profile.repair,
        text="\n".join([profile.description or "", profile.offering or "", profile.circularity_note or ""]),
        kind=org.kind.value, slug=org.slug)


def _intent_query():
    return select(Intent).options(selectinload(Intent.additional_cpv), selectinload(Intent.items),
                                  selectinload(Intent.criteria))


def load_intents(intent_ids: Iterable[int]) -> dict[int, scoring.TenderFacts]:
    ids = set(intent_ids)
    if not ids:
        return {}
    return {i.id: tender_facts(i) for i in db.session.scalars(_intent_query().where(Intent.id.in_(ids)))}


def announced_tenders() -> list[scoring.TenderFacts]:
    intents = db.session.scalars(_intent_query().where(Intent.status.in_(ANNOUNCED)).order_by(Intent.id))
    return [tender_facts(i) for i in intents]


def _profile_query():
    return (select(OrganisationProfile).join(OrganisationProfile.organisation)
            .options(contains_eager(OrganisationProfile.organisation), selectinload(OrganisationProfile.cpv_codes),
                     selectinload(OrganisationProfile.labels)))


def candidate_offers() -> list[scoring.OfferFacts]:
    profiles = db.session.scalars(_profile_query().where(Organisation.kind.in_(CANDIDATE_KINDS))
                                  .order_by(Organisation.name, Organisation.id))
    return [offer_facts(p) for p in profiles]


def offer_of(org: Organisation) -> scoring.OfferFacts | None:
    profile = db.session.scalar(_profile_query().where(Organisation.id == org.id))
    return offer_facts(profile) if profile is not None else None


def suggestions_for_intent(intent: Intent, today: dt.date | None = None) -> list[scoring.Match]:
    tender = load_intents([intent.id])[intent.id]
    return scoring.rank_offers(tender, candidate_offers(), today or utcnow().date())


def suggestions_for_organisation(org: Organisation, today: dt.date | None = None) -> list[scoring.Match] | None:
    """Ranked announced tenders, or None when the organisation has no profile to match on."""
    offer = offer_of(org)
    if offer is None:
        return None
    tenders = [t for t in announced_tenders() if t.buyer_id != org.id]
    return scoring.rank_tenders(offer, tenders, today or utcnow().date())


def pair_scores(pairs: Iterable[tuple[int, int]], today: dt.date | None = None) -> dict[tuple[int, int], int]:
    """Scores of (intent id, organisation id) pairs, as the intent's suggestions page shows them."""
    pairs = set(pairs)
    tenders = load_intents(intent_id for intent_id, _ in pairs)
    if not tenders:
        return {}
    offers = candidate_offers()
    today = today or utcnow().date()
    scores = {}
    for tender in tenders.values():
        for match in scoring.rank_offers(tender, offers, today):
            if (tender.id, match.offer.id) in pairs:
                scores[(tender.id, match.offer.id)] = match.score
    return scores


@dataclass(frozen=True)
class MeetingEvent:
    """An event an intent is presented at where meetings can still be requested."""

    intent_id: int
    slug: str
    title: str
    registered: bool  # the person has a confirmed supplier-side registration there


def meeting_events(intent_ids: Iterable[int], user=None) -> dict[int, list[MeetingEvent]]:
    """Per intent, the public, coming events it is linked to that take meeting requests (two statements)."""
    ids = set(intent_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(EventIntent.intent_id, Event.id, Event.slug, Event.title)
        .join(Event, Event.id == EventIntent.event_id)
        .join(MeetingSettings, MeetingSettings.event_id == Event.id)
        .where(EventIntent.intent_id.in_(ids), Event.status.in_(OPEN_EVENT_STATES), Event.ends_at > utcnow(),
               MeetingSettings.mode.in_(REQUEST_MODES))
        .order_by(Event.starts_at, Event.id)).all()
    registered: set[int] = set()
    if rows and user is not None and getattr(user, "is_authenticated", False):
        registered = set(db.session.scalars(select(Registration.event_id).where(
            Registration.user_id == user.id, Registration.state == RegistrationState.CONFIRMED,
            Registration.role.in_(REQUESTING_ROLES), Registration.event_id.in_({r.id for r in rows}))))
    found: dict[int, list[MeetingEvent]] = {}
    for intent_id, event_id, slug, title in rows:
        found.setdefault(intent_id, []).append(MeetingEvent(intent_id, slug, title, event_id in registered))
    return found
