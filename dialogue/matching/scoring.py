"""Match scores between planned tenders and supplier profiles, with the reasons for each point.

A pure module over plain data (no database), like ``meetings/scheduler.py``: the pages, the command
line and the auto-scheduler's priorities all score with the same code.

A score is 0 to 100. It is made of five parts, each with a weight:

=========  ======  ===========================================================================
part       weight  what earns it
=========  ======  ===========================================================================
cpv        40      the best pair of tender code x offered code, by depth of the CPV hierarchy:
                   the same code 100 %, the same 7, 6 digits 90 %, 85 %, the same category
                   (5 digits) 75 %, class (4) 60 %, group (3) 40 %, division (2) 20 %
labels     20      each label the tender asks (TCO Certified, EPEAT, Blue Angel, another) held
                   and valid today: 100 %; held at a lower generation or tier: 50 %
criteria   15      each Electronics Watch or circularity criterion the profile says it meets:
                   disclosed production sites 100 %, will disclose under contract 75 %;
                   refurbished, take-back, repairability 100 % when offered
country    10      the place of performance is among the countries served or is the
                   organisation's own country
text       15      character n-gram TF-IDF cosine of the tender's words and the profile's,
                   computed over the candidates compared; a cosine of 0.35 or more earns it all
=========  ======  ===========================================================================

A part the tender does not ask about (no label criterion, no Electronics Watch or circularity
criterion, no place of performance) is left out and the others are scaled up to 100, so a profile
that meets everything a tender asks scores near 100 whatever the tender asks. Each reason carries
its points after that scaling, in whole points that add up to the rounded total, and the score is
their sum: what a person reads adds up.
Equal scores are ordered by name, then id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from dialogue.matching.text import TextIndex
from dialogue.models.profile import LabelScheme

WEIGHTS = {"cpv": 40, "labels": 20, "criteria": 15, "country": 10, "text": 15}
# Share of the CPV weight by the number of leading digits two codes share (8 is the same code).
CPV_DEPTH_SHARE = {8: 1.0, 7: 0.9, 6: 0.85, 5: 0.75, 4: 0.6, 3: 0.4, 2: 0.2}
TEXT_FULL = 0.35           # a cosine this high earns the whole text weight
LOWER_LEVEL_SHARE = 0.5    # a label held at a lower generation or tier than asked
WILL_DISCLOSE_SHARE = 0.75
LABEL_SUBJECTS = ("tco_certified", "epeat", "blue_angel", "other")
CIRCULARITY = {"refurbished": "refurbishment", "take_back": "take_back", "repairability": "repair"}
EPEAT_ORDER = {"bronze": 1, "silver": 2, "gold": 3}
GENERATION_RE = re.compile(r"(?:generation|gen\.?|sukupolvi|sukupolven)\s*(\d{1,2})\b|\b(\d{1,2})\.?\s*(?:th\s+)?"
                           r"(?:generation|gen\b|sukupolv)", re.IGNORECASE)
DIGITS_RE = re.compile(r"\d{1,2}")


@dataclass(frozen=True)
class CriterionFacts:
    kind: str                 # CriterionKind value
    subject: str | None = None
    tier: str | None = None   # EPEAT tier asked
    name: str | None = None   # the other label's name
    text: str = ""


@dataclass(frozen=True)
class TenderFacts:
    id: int
    title: str
    cpv: tuple[str, ...]
    criteria: tuple[CriterionFacts, ...] = ()
    place_country: str | None = None
    text: str = ""            # title, description, rationale and criteria texts
    buyer_id: int | None = None


@dataclass(frozen=True)
class LabelFacts:
    scheme: str               # LabelScheme value
    level: str | None = None  # generation or tier
    name: str | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class OfferFacts:
    id: int                   # the organisation
    name: str
    country: str = ""
    cpv: tuple[str, ...] = ()
    labels: tuple[LabelFacts, ...] = ()
    countries_served: tuple[str, ...] = ()
    electronics_watch: str = "not_stated"
    take_back: bool = False
    refurbishment: bool = False
    repair: bool = False
    text: str = ""            # description and offering
    kind: str = ""
    slug: str = ""


@dataclass(frozen=True)
class Reason:
    kind: str                 # cpv, labels, criteria, country, text
    points: int
    words: object             # a lazy string: shown in the reader's language
    met: bool = True

    def __str__(self) -> str:
        return str(self.words)


@dataclass(frozen=True)
class Match:
    tender: TenderFacts
    offer: OfferFacts
    score: int
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


# CPV -------------------------------------------------------------------------------------------------

def significant(code: str) -> str:
    """The digits that place a code in the hierarchy: trailing zeros name no finer level (at least 2)."""
    digits = code.split("-")[0].strip()[:8]
    return digits.rstrip("0").ljust(2, "0") if digits else ""


def cpv_depth(a: str, b: str) -> int:
    """8 for the same code, else how many leading significant digits the two share (0 to 7)."""
    sa, sb = significant(a), significant(b)
    if not sa or not sb:
        return 0
    if sa == sb:
        return 8
    depth = 0
    for x, y in zip(sa, sb, strict=False):
        if x != y:
            break
        depth += 1
    return min(depth, 7) if depth >= 2 else 0  # a shared first digit is no shared division


LEVEL_WORDS = {
    8: _l("the same code"), 7: _l("the same sub-category (7 digits)"), 6: _l("the same sub-category (6 digits)"),
    5: _l("the same category (5 digits)"), 4: _l("the same class (4 digits)"), 3: _l("the same group (3 digits)"),
    2: _l("the same division (2 digits)"),
}


def cpv_part(tender: TenderFacts, offer: OfferFacts) -> tuple[float, object]:
    best = (0, "", "")
    for t in tender.cpv:
        for o in offer.cpv:
            depth = cpv_depth(t, o)
            if depth > best[0]:
                best = (depth, t, o)
    depth, t, o = best
    if depth < 2:
        return 0.0, _l("No offered CPV code is in the division of the tender's codes.")
    if depth == 8:
        return 1.0, _l("Offers %(code)s, a code of the tender.", code=o)
    return CPV_DEPTH_SHARE[depth], _l("Offers %(offered)s: %(level)s as the tender's %(code)s.",
                                      offered=o, level=LEVEL_WORDS[depth], code=t)


# Labels -------------------------------------------------------------------------------------------

def generation_asked(criterion: CriterionFacts) -> int | None:
    for text in (criterion.name or "", criterion.text):
        m = GENERATION_RE.search(text)
        if m:
            return int(m.group(1) or m.group(2))
    return None


def _number(level: str | None) -> int | None:
    m = DIGITS_RE.search(level or "")
    return int(m.group()) if m else None


def _label_name(criterion: CriterionFacts) -> str:

    if criterion.subject == "other":
        return criterion.name or str(LabelScheme.OTHER.label)
    return str(LabelScheme(criterion.subject).label)


def _held(criterion: CriterionFacts, label: LabelFacts) -> bool:
    if criterion.subject != "other":
        return label.scheme == criterion.subject
    asked = (criterion.name or "").casefold().strip()
    if not asked:
        return label.scheme == "other"
    have = (label.name or label.scheme.replace("_", " ")).casefold()
    return asked in have or have in asked


def label_share(criterion: CriterionFacts, offer: OfferFacts, today: dt.date) -> tuple[float, object]:
    """How far the profile's labels meet one label criterion, and why."""
    name = _label_name(criterion)
    held = [lab for lab in offer.labels if _held(criterion, lab)]
    valid = [lab for lab in held if lab.valid_until is None or lab.valid_until >= today]
    if not valid:
        if held:
            last = max(lab.valid_until for lab in held)
            return 0.0, _l("Asks for %(label)s: the label held expired on %(date)s.", label=name, date=last.isoformat())
        return 0.0, _l("Asks for %(label)s: not among the labels held.", label=name)
    if criterion.subject == "tco_certified":
        asked = generation_asked(criterion)
        best = max((_number(lab.level) or 0 for lab in valid), default=0)
        # A level that is not a generation number (TCO Certified Edge) is named as it is held.
        shown = best or ", ".join(sorted({lab.level for lab in valid if lab.level})) or None
        if asked is None:
            if shown is None:
                return 1.0, _l("Asks for %(label)s: holds it.", label=name)
            return 1.0, _l("Asks for %(label)s: holds %(label)s %(held)s.", label=name, held=shown)
        if best >= asked:
            return 1.0, _l("Asks for %(label)s generation %(asked)s: holds generation %(held)s.",
                           label=name, asked=asked, held=best)
        return LOWER_LEVEL_SHARE, _l("Asks for %(label)s generation %(asked)s: holds generation %(held)s.",
                                     label=name, asked=asked, held=shown or "–")
    if criterion.subject == "epeat" and criterion.tier:
        best = max(valid, key=lambda lab: EPEAT_ORDER.get((lab.level or "").casefold(), 0))
        tier = (best.level or "").casefold()
        if EPEAT_ORDER.get(tier, 0) >= EPEAT_ORDER.get(criterion.tier, 0):
            return 1.0, _l("Asks for EPEAT %(asked)s: holds EPEAT %(held)s.", asked=criterion.tier, held=tier or "?")
        return LOWER_LEVEL_SHARE, _l("Asks for EPEAT %(asked)s: holds EPEAT %(held)s, a lower tier.",
                                     asked=criterion.tier, held=tier or "?")
    return 1.0, _l("Asks for %(label)s: holds it.", label=name)


# Electronics Watch and circularity ----------------------------------------------------------------

def criterion_share(criterion: CriterionFacts, offer: OfferFacts) -> tuple[float, object]:
    if criterion.subject == "electronics_watch":
        if offer.electronics_watch == "disclosed":
            return 1.0, _l("Electronics Watch: production sites disclosed.")
        if offer.electronics_watch == "will_disclose":
            return WILL_DISCLOSE_SHARE, _l("Electronics Watch: will disclose production sites under contract.")
        return 0.0, _l("Electronics Watch: disclosure not stated.")
    words = {"refurbished": (_l("Refurbished products: offers refurbishment."),
                             _l("Refurbished products: refurbishment not offered.")),
             "take_back": (_l("Take-back: offers it."), _l("Take-back: not offered.")),
             "repairability": (_l("Repairability: offers repair."), _l("Repairability: repair not offered."))}
    yes, no = words[criterion.subject]
    return (1.0, yes) if getattr(offer, CIRCULARITY[criterion.subject]) else (0.0, no)


def asked_labels(tender: TenderFacts) -> list[CriterionFacts]:
    return [c for c in tender.criteria if c.kind == "label" and c.subject in LABEL_SUBJECTS]


def asked_criteria(tender: TenderFacts) -> list[CriterionFacts]:
    return [c for c in tender.criteria
            if (c.kind == "affiliation" and c.subject == "electronics_watch")
            or (c.kind == "circularity" and c.subject in CIRCULARITY)]


# Putting it together ------------------------------------------------------------------------------

def score_pair(tender: TenderFacts, offer: OfferFacts, similarity: float, shared: Sequence[str],
               today: dt.date) -> Match:
    """One tender and one profile: the parts that apply, scaled to 100, each with its reason."""
    parts: list[tuple[str, float, object]] = []  # (kind, share of the kind's weight, words)
    share, words = cpv_part(tender, offer)
    parts.append(("cpv", share, words))
    for kind, asked, judge in (("labels", asked_labels(tender), lambda c: label_share(c, offer, today)),
                               ("criteria", asked_criteria(tender), lambda c: criterion_share(c, offer))):
        for criterion in asked:
            share, words = judge(criterion)
            parts.append((kind, share / len(asked), words))
    if tender.place_country:
        served = tender.place_country in offer.countries_served or tender.place_country == offer.country
        parts.append(("country", 1.0 if served else 0.0,
                      _l("Serves %(country)s, where the contract is performed.", country=tender.place_country)
                      if served else _l("%(country)s, where the contract is performed, is not among the countries "
                                        "served.", country=tender.place_country)))
    text_share = min(1.0, max(0.0, similarity) / TEXT_FULL)
    parts.append(("text", text_share,
                  _l("Texts alike (%(pct)s%%); words in common: %(words)s.", pct=round(similarity * 100),
                     words=", ".join(shared)) if shared else
                  _l("Texts alike (%(pct)s%%).", pct=round(similarity * 100))))
    total = sum(WEIGHTS[k] for k in dict.fromkeys(kind for kind, _, _ in parts))
    points = whole_points([WEIGHTS[kind] * share * 100 / total for kind, share, _ in parts])
    reasons = tuple(Reason(kind, p, words, share > 0) for (kind, share, words), p in zip(parts, points, strict=True))
    return Match(tender=tender, offer=offer, score=max(0, min(100, sum(points))), reasons=reasons)


def whole_points(raw: Sequence[float]) -> list[int]:
    """Round each part so that the parts add up to the rounded total (largest remainders get the odd points)."""
    floors = [int(x) for x in raw]
    missing = round(sum(raw)) - sum(floors)
    by_remainder = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in by_remainder[:max(0, missing)]:
        floors[i] += 1
    return floors


def rank_offers(tender: TenderFacts, offers: Sequence[OfferFacts], today: dt.date) -> list[Match]:
    """The profiles for one tender, best first (equal scores by name)."""
    index = TextIndex([tender.text] + [o.text for o in offers])
    matches = [score_pair(tender, offer, index.similarity(0, i), index.shared_words(0, i), today)
               for i, offer in enumerate(offers, start=1)]
    return sorted(matches, key=lambda m: (-m.score, m.offer.name.casefold(), m.offer.id))


def rank_tenders(offer: OfferFacts, tenders: Sequence[TenderFacts], today: dt.date) -> list[Match]:
    """The planned tenders for one profile, best first (equal scores by title)."""
    index = TextIndex([offer.text] + [t.text for t in tenders])
    matches = [score_pair(tender, offer, index.similarity(0, i), index.shared_words(0, i), today)
               for i, tender in enumerate(tenders, start=1)]
    return sorted(matches, key=lambda m: (-m.score, m.tender.title.casefold(), m.tender.id))
