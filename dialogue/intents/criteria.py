"""The intended criteria a buyer can state, in the order the form and the page show them.

Each slot is one structured criterion: a label (or equivalent), the Electronics Watch
affiliation, a circularity aspect, or one of the criteria types of the procurement directive,
each with a short text. Ticked slots exist when ticked; text slots exist when they have a text.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from dialogue.models import CriterionKind, EpeatTier


@dataclass(frozen=True)
class Slot:
    key: str                  # form field name and filter value
    kind: CriterionKind
    subject: str | None       # stored in IntentCriterion.subject
    label: object             # lazy string
    hint: object
    ticked: bool = True       # a tick box (labels, affiliation, circularity); else present when it has a text


SLOTS = (
    Slot("tco_certified", CriterionKind.LABEL, "tco_certified", _l("TCO Certified"),
         _l("Type 1 ecolabel (ISO 14024) with social and environmental supply-chain criteria, or equivalent.")),
    Slot("epeat", CriterionKind.LABEL, "epeat", _l("EPEAT"),
         _l("Give the tier you intend to ask for (Bronze, Silver or Gold), or equivalent.")),
    Slot("blue_angel", CriterionKind.LABEL, "blue_angel", _l("Blue Angel"),
         _l("DE-UZ 78 for computers, or equivalent.")),
    Slot("other_label", CriterionKind.LABEL, "other", _l("Another label"),
         _l("Name the label and say what you would accept as equivalent.")),
    Slot("electronics_watch", CriterionKind.AFFILIATION, "electronics_watch", _l("Electronics Watch affiliation"),
         _l("Worker-driven monitoring of factories in the supply chain: an affiliation of the buyer with "
            "contract clauses, not a product label.")),
    Slot("refurbished", CriterionKind.CIRCULARITY, "refurbished", _l("Refurbished or remanufactured products"),
         _l("E.g. a share of the devices may or must be refurbished.")),
    Slot("take_back", CriterionKind.CIRCULARITY, "take_back", _l("Take-back"),
         _l("E.g. the supplier takes devices back at end of use for reuse or recycling.")),
    Slot("repairability", CriterionKind.CIRCULARITY, "repairability", _l("Repairability"),
         _l("E.g. spare parts and repair information for a number of years, replaceable batteries.")),
    Slot("selection", CriterionKind.SELECTION, None, _l("Selection criteria"),
         _l("What a bidder must show to qualify."), ticked=False),
    Slot("exclusion", CriterionKind.EXCLUSION, None, _l("Exclusion criteria"),
         _l("Grounds on which a bidder is excluded."), ticked=False),
    Slot("technical_specification", CriterionKind.TECHNICAL_SPECIFICATION, None, _l("Technical specifications"),
         _l("Minimum requirements every offer must meet."), ticked=False),
    Slot("award", CriterionKind.AWARD, None, _l("Award criteria"),
         _l("What earns points, and roughly how much weight it carries."), ticked=False),
    Slot("contract_performance", CriterionKind.CONTRACT_PERFORMANCE, None, _l("Contract performance clauses"),
         _l("Obligations during the contract, e.g. supply-chain transparency or reporting."), ticked=False),
    Slot("human_rights_due_diligence", CriterionKind.HUMAN_RIGHTS_DUE_DILIGENCE, None,
         _l("Human-rights due diligence"),
         _l("What the supplier must do to find, prevent and remedy harm in the supply chain."), ticked=False),
)
SLOTS_BY_KEY = {slot.key: slot for slot in SLOTS}

def slot_for(kind: CriterionKind, subject: str | None) -> Slot | None:
    for slot in SLOTS:
        if slot.kind == kind and slot.subject == subject:
            return slot
    return None


def criterion_title(criterion) -> str:
    """"EPEAT Gold", "Label: Fairtrade Gold", "Take-back": how a stored criterion is named on a page."""
    slot = slot_for(criterion.kind, criterion.subject)
    if slot is None:
        return str(CriterionKind(criterion.kind).label)
    if slot.key == "other_label" and criterion.name:
        return criterion.name
    if slot.key == "epeat" and criterion.tier:
        return f"{slot.label} {EpeatTier(criterion.tier).label}"
    return str(slot.label)
