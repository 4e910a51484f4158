"""Demo planned tenders, modelled on real ones: Helsinki's ICT equipment tender (about 20,000 laptops,
6,000-7,000 phones and 5,000 tablets a year: Helsinki's own figures, carried by Helsinki's own intent), the
Nordic cities' joint intent for fair and circular smartphones (without a joint total no source gives), and
a Make ICT Fair buyer's tender presented in Nijmegen in 2018, dated as it happened.

Intents are looked up by title, so a second run adds nothing. They are built through the services
(every value is checked), and before any alert exists, so building the demo queues no mail.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.intents import links, services
from dialogue.intents.inputs import CriterionInput, IntentInput, ItemInput, LotInput
from dialogue.models import (
    AuditEntry,
    ChangeAction,
    Event,
    EventIntent,
    Intent,
    IntentQuestion,
    IntentSubscription,
    QuestionStatus,
    utcnow,
)

HELSINKI_TITLE = "ICT equipment for City of Helsinki staff: laptops, phones and tablets"
NORDIC_TITLE = "Fair and circular smartphones for four Nordic cities"
HAARLEM_TITLE = "Sustainable ICT workplace equipment for Haarlem"


def _helsinki(today: dt.date) -> IntentInput:
    return IntentInput(
        title=HELSINKI_TITLE,
        description=(
            "The City of Helsinki (about 40,000 staff) plans a framework agreement for end-user ICT equipment: "
            "laptops, mobile phones and tablets with accessories, delivery, installation, repair and "
            "take-back.\n\n"
            "We intend to ask for products with a type 1 ecolabel covering social and environmental "
            "supply-chain criteria, and for contract clauses that let workers' conditions in the supply "
            "chain be monitored. We want to hear from manufacturers and resellers what the market can "
            "deliver before we fix the criteria."),
        rationale="Helsinki buys about 20,000 laptops, 6,000-7,000 phones and 5,000 tablets a year. The current "
                  "framework ends, and the city's procurement strategy asks for fair and circular ICT.",
        cpv_main="30200000-1",
        additional_cpv=["30213100-6", "30213200-7", "32250000-0", "50320000-4", "51610000-1"],
        items=[
            ItemInput(cpv="30213100-6", description="Laptops for office staff", quantity=Decimal("20000"),
                      unit="units a year", lot_number=1),
            ItemInput(cpv="32250000-0", description="Mobile phones (6,000-7,000 a year)", quantity=Decimal("6500"),
                      unit="units a year", lot_number=2),
            ItemInput(cpv="30213200-7", description="Tablets", quantity=Decimal("5000"), unit="units a year",
                      lot_number=2),
        ],
        lots=[
            LotInput(number=1, title="Laptops and accessories"),
            LotInput(number=2, title="Mobile phones and tablets"),
        ],
        criteria=[
            CriterionInput("tco_certified", ticked=True,
                           text="Laptops, tablets and phones TCO Certified (current generation) or equivalent."),
            CriterionInput("electronics_watch", ticked=True,
                           text="The contract will ask the supplier to disclose final assembly sites and to "
                                "cooperate with independent monitoring of working conditions, such as "
                                "Electronics Watch's."),
            CriterionInput("take_back", ticked=True,
                           text="The supplier takes back devices at end of use and reports how many were "
                                "reused and recycled."),
            CriterionInput("repairability", ticked=True,
                           text="Spare parts and batteries available for at least five years."),
            CriterionInput("human_rights_due_diligence",
                           text="Bidders describe their process for finding and remedying human-rights risks "
                                "in the supply chain (UN Guiding Principles)."),
            CriterionInput("award", text="Price and total cost of ownership; extra points for a longer "
                                         "warranty and for refurbished devices offered as an option."),
        ],
        currency="EUR", procedure_type="framework_agreement",
        planned_notice_date=today + dt.timedelta(days=150), contract_start_date=today + dt.timedelta(days=330),
        contract_duration_months=48, place_country="FI", place_nuts="FI1B1",
        contact_name="Anna Virtanen", contact_email="anna.virtanen@hel.example.org", timezone="Europe/Helsinki")


def _nordic(today: dt.date, partner_ids: list[int]) -> IntentInput:
    return IntentInput(
        title=NORDIC_TITLE,
        description=(
            "Malmö, Helsinki, Oslo and Copenhagen plan to buy smartphones together, with criteria for fair "
            "working conditions and circularity across the supply chain. The intent is presented at the "
            "Nordic Forum for Market Dialogue towards fair, circular smartphones.\n\n"
            "We would like to learn which manufacturers can document their supply chain down to the "
            "smelters, and which resellers can offer refurbished phones at scale.\n\n"
            "Each city states its own volumes; Helsinki's phones and tablets are in Helsinki's own planned "
            "tender for ICT equipment."),
        cpv_main="32250000-0",
        items=[ItemInput(cpv="32250000-0", description="Smartphones for the staff of the four cities; each city "
                                                        "states its own volumes")],
        criteria=[
            CriterionInput("tco_certified", ticked=True, text="TCO Certified Smartphones or equivalent."),
            CriterionInput("electronics_watch", ticked=True,
                           text="The contract will ask the supplier to cooperate with independent monitoring "
                                "of working conditions, such as Electronics Watch's."),
            CriterionInput("refurbished", ticked=True,
                           text="Refurbished phones are accepted, with the same warranty as new ones."),
            CriterionInput("take_back", ticked=True, text="Take-back of old phones with data wiping."),
            CriterionInput("contract_performance",
                           text="Supply-chain transparency: the supplier names final assembly sites and "
                                "reports on audits during the contract."),
        ],
        currency="EUR", procedure_type="open",
        planned_notice_date=today + dt.timedelta(days=240), contract_duration_months=36, place_country="SE",
        partner_ids=partner_ids, contact_name="Erik Lund", contact_email="erik.lund@malmo.example.org",
        timezone="Europe/Stockholm")


def _haarlem() -> IntentInput:
    return IntentInput(
        title=HAARLEM_TITLE,
        description="Haarlem presented this tender at Make ICT Fair's Live Market Engagement in Nijmegen "
                    "(3 October 2018), back-to-back with the EcoProcura conference.",
        cpv_main="30213300-8",
        additional_cpv=["30231000-7"],
        items=[ItemInput(cpv="30213300-8", description="Desktop computers"),
               ItemInput(cpv="30231000-7", description="Computer screens")],
        criteria=[
            CriterionInput("tco_certified", ticked=True, text="TCO Certified or equivalent."),
            CriterionInput("electronics_watch", ticked=True,
                           text="Contract conditions that allow independent monitoring of working conditions, "
                                "such as Electronics Watch's."),
            CriterionInput("refurbished", ticked=True, text="Refurbished screens accepted."),
        ],
        currency="EUR", procedure_type="open",
        planned_notice_date=dt.date(2019, 3, 1), contract_duration_months=48, place_country="NL",
        contact_name="Joost de Vries", contact_email="joost.devries@haarlem.example.org",
        timezone="Europe/Amsterdam")


# When each step of Haarlem's 2018 tender happened; what the record and the history show.
HAARLEM_MOMENTS = {
    ChangeAction.CREATED: dt.datetime(2018, 9, 3, 8, 0, tzinfo=dt.timezone.utc),
    ChangeAction.ANNOUNCED: dt.datetime(2018, 9, 10, 9, 0, tzinfo=dt.timezone.utc),
    ChangeAction.EVENT_LINKED: dt.datetime(2018, 9, 17, 10, 0, tzinfo=dt.timezone.utc),
    ChangeAction.TENDER_PUBLISHED: dt.datetime(2019, 3, 4, 10, 0, tzinfo=dt.timezone.utc),
}
AUDITED_AS = {"intent.announce": ChangeAction.ANNOUNCED, "intent.event_link": ChangeAction.EVENT_LINKED,
              "intent.tender_published": ChangeAction.TENDER_PUBLISHED}
NORDIC_FORUM, SECOND_STAGE, MAKE_ICT = "nordic-forum-smartphones", "nordic-forum-second-stage", "make-ict-fair-2018"
TIMING_SESSION = "Smartphones: volumes, timing and criteria"


def _as_it_happened(intent: Intent) -> None:
    """Date the intent, its history, its link to the event and its audit entries when each step happened,
    not when the demo was loaded."""
    db.session.flush()
    moments = HAARLEM_MOMENTS
    for change in intent.changes:
        change.at = moments.get(change.action, moments[ChangeAction.CREATED])
    for link in db.session.scalars(select(EventIntent).where(EventIntent.intent_id == intent.id)):
        link.linked_at = moments[ChangeAction.EVENT_LINKED]
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.intent_id == intent.id)):
        entry.created_at = moments[AUDITED_AS.get(entry.action, ChangeAction.CREATED)]
    intent.created_at = moments[ChangeAction.CREATED]
    intent.announced_at = moments[ChangeAction.ANNOUNCED]
    intent.tender_published_at = intent.updated_at = moments[ChangeAction.TENDER_PUBLISHED]


def _name_the_timing(slug: str) -> None:
    """The session on timing names the months the presented tenders plan, read from the tenders themselves."""
    event = _event(slug)
    if event is None:
        return
    session = next((s for s in event.sessions if s.title == TIMING_SESSION), None)
    presented = db.session.scalars(select(Intent).join(EventIntent, EventIntent.intent_id == Intent.id)
                                   .where(EventIntent.event_id == event.id, Intent.planned_notice_date.is_not(None))
                                   .order_by(Intent.planned_notice_date, Intent.id)).all()
    if session is None or not presented:
        return
    plans = "; ".join(f"{i.buyer.name}: contract notice planned for {i.planned_notice_date:%B %Y}"
                      for i in presented)
    text = f"The planned tenders ({plans}), the social criteria we intend to use and how we will verify them."
    if session.description != text:
        session.description = text


def _find(title: str, buyer_id: int) -> Intent | None:
    return db.session.scalar(select(Intent).where(Intent.title == title, Intent.buyer_id == buyer_id))


def _event(slug: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug))


def _link(intent: Intent, slug: str, actor) -> None:
    event = _event(slug)
    if event is None:
        return
    if db.session.scalar(select(EventIntent.id).where(EventIntent.event_id == event.id,
                                                      EventIntent.intent_id == intent.id)):
        return
    if links.can_link(intent, event, actor):
        links.link_intent(intent, event, actor)


def _subscribe(user, *, cpv_prefix=None, buyer=None) -> None:
    exists = db.session.scalar(select(IntentSubscription.id).where(
        IntentSubscription.user_id == user.id, IntentSubscription.intent_id.is_(None),
        (IntentSubscription.cpv_prefix == cpv_prefix) if cpv_prefix else IntentSubscription.cpv_prefix.is_(None),
        (IntentSubscription.buyer_id == buyer.id) if buyer else IntentSubscription.buyer_id.is_(None)))
    if exists is None:
        db.session.add(IntentSubscription(user_id=user.id, cpv_prefix=cpv_prefix, buyer=buyer))


def build(world: dict) -> None:
    orgs, people = world["orgs"], world["people"]
    today = utcnow().date()

    helsinki = _find(HELSINKI_TITLE, orgs["helsinki"].id)
    if helsinki is None:
        helsinki = services.create_intent(people["organiser"], _helsinki(today))
        services.announce_intent(helsinki, people["organiser"])

    nordic = _find(NORDIC_TITLE, orgs["malmo"].id)
    if nordic is None:
        partners = [orgs[slug].id for slug in ("helsinki", "oslo", "copenhagen")]
        nordic = services.create_intent(people["buyer"], _nordic(today, partners))
        services.announce_intent(nordic, people["buyer"])

    haarlem = _find(HAARLEM_TITLE, orgs["haarlem"].id)
    if haarlem is None:
        # A tender of 2018, told as it happened: announced before the Nijmegen event, published in 2019.
        joost = people["buyer-haarlem"]
        haarlem = services.create_intent(joost, _haarlem(), on=dt.date(2018, 9, 1))
        services.announce_intent(haarlem, joost, on=dt.date(2018, 9, 1))
        services.publish_tender(haarlem, joost, "https://www.tenderned.nl/")
        _link(haarlem, MAKE_ICT, joost)
        _as_it_happened(haarlem)
    db.session.flush()

    for intent in (helsinki, nordic):
        for slug in (NORDIC_FORUM, SECOND_STAGE):
            _link(intent, slug, people["organiser"])
    _name_the_timing(NORDIC_FORUM)

    # A question answered in public, and one still waiting in the buyer's queue. Written directly:
    # the demo queues no mail.
    supplier, dell = people["supplier"], people["supplier-dell"]
    asked = "Would remanufactured laptops that meet the TCO Certified criteria count as equivalent in lot 1?"
    if not db.session.scalar(select(IntentQuestion.id).where(IntentQuestion.intent_id == helsinki.id,
                                                            IntentQuestion.original_text == asked)):
        now = utcnow()
        db.session.add(IntentQuestion(
            intent=helsinki, asker_id=supplier.id, asker_organisation_id=orgs["circular-computing"].id,
            show_organisation=True, original_text=asked, public_text=asked, status=QuestionStatus.ANSWERED,
            asked_at=now - dt.timedelta(days=6), answered_at=now - dt.timedelta(days=2),
            answered_by_id=people["organiser"].id,
            answer="Yes. Remanufactured laptops are welcome in lot 1 if they hold TCO Certified or can show "
                   "they meet its criteria by equivalent evidence. They get the same warranty terms as new ones."))
    waiting = "Will the phones lot accept devices that are TCO Certified but from a previous generation?"
    if not db.session.scalar(select(IntentQuestion.id).where(IntentQuestion.intent_id == helsinki.id,
                                                            IntentQuestion.original_text == waiting)):
        db.session.add(IntentQuestion(intent=helsinki, asker_id=dell.id, asker_organisation_id=orgs["dell"].id,
                                      original_text=waiting, public_text=waiting, status=QuestionStatus.PENDING,
                                      asked_at=utcnow() - dt.timedelta(days=1)))

    # Alerts come after the intents, so that announcing them above mailed no one.
    _subscribe(supplier, cpv_prefix="302")
    _subscribe(people["reseller"], cpv_prefix="3225")
    _subscribe(people["reseller"], buyer=orgs["malmo"])
    db.session.flush()
    world["intents"] = {"helsinki-ict": helsinki, "nordic-smartphones": nordic, "haarlem-ict": haarlem}
