"""A readiness matrix for the Nordic cities' smartphone tender, answered by the demo suppliers and resellers,
with its counts published.

Modest, plausible answers: the laptop and PC makers say what does not apply to them, the reseller says
what it can offer now and later. Organisations missing from the demo are skipped. A second run finds the
matrix and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from dialogue.models import utcnow
from dialogue.readiness import queries, services

# criterion subject or kind -> (choice, days from today for "can meet by", comment); per organisation slug
ANSWERS = {
    "nordic-it": {
        "tco_certified": ("meets_today", None, "We resell TCO Certified smartphones from two manufacturers."),
        "electronics_watch": ("can_meet_by", 300, "We would need our manufacturers to agree to disclose final "
                                                  "assembly sites; talks have started."),
        "refurbished": ("meets_today", None, "Refurbished phones with a 24-month warranty, the same as new ones."),
        "take_back": ("meets_today", None, "Collection from each city office, certified data wiping."),
        "contract_performance": ("can_meet_by", 180, "Yearly supply-chain reporting from the next contract year."),
    },
    "circular-computing": {
        "tco_certified": ("not_applicable", None, "We remanufacture laptops; we do not supply smartphones."),
        "refurbished": ("cannot", None, "Our remanufacturing covers laptops only."),
        "take_back": ("meets_today", None, "We take back and wipe devices of any brand."),
    },
    "dell": {
        "tco_certified": ("not_applicable", None, "We do not sell smartphones."),
        "take_back": ("meets_today", None, "Take-back and recycling of end-of-use devices."),
    },
    "hp": {
        "tco_certified": ("not_applicable", None, "We do not sell smartphones."),
        "take_back": ("meets_today", None, "Take-back of devices of any brand for reuse or recycling."),
    },
}
# Who answers for each organisation (a key of the demo's people).
ANSWERED_BY = {"nordic-it": "reseller", "circular-computing": "supplier", "dell": "supplier-dell",
               "hp": "supplier-hp"}
INTRO = ("Tell us, criterion by criterion, whether you can meet what we intend to ask for, today or by when. "
         "We publish how many suppliers answered what, without names, so every bidder has the same picture.")


def _rows(matrix, plan: dict, today: dt.date) -> list[services.AnswerInput]:
    rows = []
    for criterion in matrix.criteria:
        found = plan.get(criterion.subject or (criterion.kind.value if criterion.kind else ""))
        if found is None:
            continue
        choice, days, comment = found
        rows.append(services.AnswerInput(criterion_id=criterion.id, choice=choice, comment=comment,
                                         by_date=today + dt.timedelta(days=days) if days else None))
    return rows


def build(world: dict) -> None:
    intent = world.get("intents", {}).get("nordic-smartphones")
    if intent is None or queries.get_matrix(intent.id) is not None:
        return
    buyer = world["people"]["buyer"]
    closes = (utcnow() + dt.timedelta(days=45)).replace(hour=15, minute=0, second=0, microsecond=0, tzinfo=None)
    matrix = services.set_up_matrix(intent, buyer, intro=INTRO, closes_local=closes)
    today = utcnow().date()
    for slug, plan in ANSWERS.items():
        person = world["people"].get(ANSWERED_BY[slug])
        if slug not in world["orgs"] or person is None or person.organisation is None:
            continue
        services.save_answers(matrix, person, _rows(matrix, plan, today))
    services.publish_aggregate(matrix, buyer)
