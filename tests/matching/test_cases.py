"""The scorer against hand-labelled cases (cases.json): the ranking must agree with a procurement officer."""

import datetime as dt
import json
import math
from pathlib import Path

import pytest

from dialogue.matching import scoring

CASES = json.loads((Path(__file__).parent / "cases.json").read_text(encoding="utf-8"))
TODAY = dt.date.fromisoformat(CASES["today"])


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def tender_of(case: dict) -> scoring.TenderFacts:
    t = case["tender"]
    criteria = tuple(scoring.CriterionFacts(kind=c["kind"], subject=c.get("subject"), tier=c.get("tier"),
                                            name=c.get("name"), text=c.get("text", "")) for c in t["criteria"])
    text = "\n".join([t["title"], t["description"]] + [c.get("name") or "" for c in t["criteria"]]
                     + [c.get("text", "") for c in t["criteria"]])
    return scoring.TenderFacts(id=1, title=t["title"], cpv=tuple(t["cpv"]), criteria=criteria,
                               place_country=t.get("place_country"), text=text)


def offers_of(case: dict) -> list[scoring.OfferFacts]:
    offers = []
    for n, c in enumerate(case["candidates"], start=1):
        labels = tuple(scoring.LabelFacts(scheme=lab["scheme"], level=lab.get("level"), name=lab.get("name"),
                                          valid_until=_date(lab.get("valid_until"))) for lab in c.get("labels", []))
        offers.append(scoring.OfferFacts(
            id=n, name=c["name"], country=c["country"], cpv=tuple(c["cpv"]), labels=labels,
            countries_served=tuple(c.get("countries_served", [])),
            electronics_watch=c.get("electronics_watch", "not_stated"), take_back=c.get("take_back", False),
            refurbishment=c.get("refurbishment", False), repair=c.get("repair", False), text=c["text"],
            kind=c.get("kind", "supplier")))
    return offers


def ndcg(ranked_grades: list[int]) -> float:
    def dcg(grades):
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades))
    ideal = dcg(sorted(ranked_grades, reverse=True))
    return dcg(ranked_grades) / ideal if ideal else 1.0


def rank(case: dict) -> list[scoring.Match]:
    return scoring.rank_offers(tender_of(case), offers_of(case), TODAY)


def test_there_are_enough_labelled_cases():
    assert len(CASES["cases"]) >= 8
    assert all(4 <= len(case["candidates"]) <= 6 for case in CASES["cases"])


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_the_labelled_first_choice_ranks_first(case):
    ranked = rank(case)
    assert ranked[0].offer.name == case["first"], [(m.offer.name, m.score) for m in ranked]
    # and a candidate judged no fit never ranks above one judged a good fit
    grades = {c["name"]: c["grade"] for c in case["candidates"]}
    positions = {m.offer.name: i for i, m in enumerate(ranked)}
    for good in (n for n, g in grades.items() if g >= 2):
        for bad in (n for n, g in grades.items() if g == 0):
            assert positions[good] < positions[bad], (good, bad)


def test_ranking_agrees_with_the_labels_overall():
    scores = []
    for case in CASES["cases"]:
        grades = {c["name"]: c["grade"] for c in case["candidates"]}
        scores.append(ndcg([grades[m.offer.name] for m in rank(case)]))
    assert sum(scores) / len(scores) >= 0.95
    assert min(scores) >= 0.9


def test_the_labels_would_catch_a_broken_scorer(monkeypatch):
    """Sanity check of the check: with the CPV part turned around, the labelled order is lost."""
    monkeypatch.setattr(scoring, "cpv_part", lambda tender, offer: (0.0, "") if any(
        scoring.cpv_depth(t, o) >= 5 for t in tender.cpv for o in offer.cpv) else (1.0, ""))
    firsts = sum(rank(case)[0].offer.name == case["first"] for case in CASES["cases"])
    assert firsts < len(CASES["cases"]) / 2
