"""Each part of the score on its own, with the words a person reads."""

import datetime as dt

from dialogue.matching import scoring
from dialogue.matching.scoring import CriterionFacts, LabelFacts, OfferFacts, TenderFacts
from dialogue.matching.text import TextIndex

TODAY = dt.date(2026, 12, 1)


def tender(cpv=("30213100-6",), criteria=(), place=None, text="", title="Laptops"):
    return TenderFacts(id=1, title=title, cpv=cpv, criteria=tuple(criteria), place_country=place, text=text)


def offer(name="Supplier", **values):
    return OfferFacts(id=hash(name) % 1000, name=name, **values)


def parts(match, kind):
    return [r for r in match.reasons if r.kind == kind]


def test_cpv_depth_follows_the_hierarchy():
    assert scoring.cpv_depth("30213100-6", "30213100-6") == 8
    assert scoring.cpv_depth("30213100-6", "30213200-7") == 5     # same category
    assert scoring.cpv_depth("30213100-6", "30214000-2") == 4     # same class
    assert scoring.cpv_depth("30213100-6", "30200000-1") == 3     # the offered group covers it
    assert scoring.cpv_depth("30213100-6", "30121000-7") == 2     # same division
    assert scoring.cpv_depth("30213100-6", "32250000-0") == 0
    assert scoring.cpv_depth("30000000-9", "30000000-9") == 8


def test_exact_code_beats_same_class_beats_same_division_using_the_best_pair():
    t = tender(cpv=("32250000-0", "30213100-6"))
    exact = scoring.cpv_part(t, offer(cpv=("48000000-8", "30213100-6")))
    same_class = scoring.cpv_part(t, offer(cpv=("30214000-2",)))
    same_division = scoring.cpv_part(t, offer(cpv=("30121000-7",)))
    none = scoring.cpv_part(t, offer(cpv=("39130000-2",)))
    assert exact[0] > same_class[0] > same_division[0] > none[0] == 0
    assert str(exact[1]) == "Offers 30213100-6, a code of the tender."
    assert "the same class (4 digits)" in str(same_class[1]) and "30213100-6" in str(same_class[1])


def test_tco_generation_asked_versus_held():
    asked = CriterionFacts(kind="label", subject="tco_certified", text="TCO Certified generation 10 or equivalent")
    assert scoring.generation_asked(asked) == 10
    assert scoring.generation_asked(CriterionFacts(kind="label", subject="tco_certified", text="TCO Certified, "
                                                   "sukupolvi 9")) == 9
    newer = offer(labels=(LabelFacts("tco_certified", "10"),))
    older = offer(labels=(LabelFacts("tco_certified", "9"),))
    assert scoring.label_share(asked, newer, TODAY)[0] == 1.0
    share, words = scoring.label_share(asked, older, TODAY)
    assert share == 0.5 and str(words) == "Asks for TCO Certified generation 10: holds generation 9."
    assert scoring.label_share(asked, offer(), TODAY)[0] == 0.0


def test_epeat_tiers_are_ordered_bronze_silver_gold():
    silver = CriterionFacts(kind="label", subject="epeat", tier="silver")
    for held, share in (("gold", 1.0), ("silver", 1.0), ("bronze", 0.5)):
        assert scoring.label_share(silver, offer(labels=(LabelFacts("epeat", held),)), TODAY)[0] == share


def test_an_expired_label_does_not_count_and_says_so():
    asked = CriterionFacts(kind="label", subject="blue_angel")
    expired = offer(labels=(LabelFacts("blue_angel", valid_until=dt.date(2026, 11, 30)),))
    valid_today = offer(labels=(LabelFacts("blue_angel", valid_until=TODAY),))
    share, words = scoring.label_share(asked, expired, TODAY)
    assert share == 0.0 and "expired on 2026-11-30" in str(words)
    assert scoring.label_share(asked, valid_today, TODAY)[0] == 1.0


def test_another_label_is_matched_by_name():
    swan = CriterionFacts(kind="label", subject="other", name="Nordic Swan")
    assert scoring.label_share(swan, offer(labels=(LabelFacts("other", name="Nordic Swan Ecolabel"),)), TODAY)[0] == 1
    assert scoring.label_share(swan, offer(labels=(LabelFacts("other", name="EU Ecolabel"),)), TODAY)[0] == 0
    fairtrade = CriterionFacts(kind="label", subject="other", name="Fairtrade")
    assert scoring.label_share(fairtrade, offer(labels=(LabelFacts("fairtrade"),)), TODAY)[0] == 1


def test_electronics_watch_and_circularity_criteria():
    ew = CriterionFacts(kind="affiliation", subject="electronics_watch")
    assert scoring.criterion_share(ew, offer(electronics_watch="disclosed"))[0] == 1.0
    assert scoring.criterion_share(ew, offer(electronics_watch="will_disclose"))[0] == 0.75
    assert scoring.criterion_share(ew, offer())[0] == 0.0
    for subject, flag in (("refurbished", "refurbishment"), ("take_back", "take_back"), ("repairability", "repair")):
        c = CriterionFacts(kind="circularity", subject=subject)
        assert scoring.criterion_share(c, offer(**{flag: True}))[0] == 1.0
        assert scoring.criterion_share(c, offer())[0] == 0.0


def test_country_served_or_own_country():
    t = tender(place="SE")
    served = scoring.score_pair(t, offer(country="GB", countries_served=("SE",)), 0, [], TODAY)
    home = scoring.score_pair(t, offer(country="SE"), 0, [], TODAY)
    elsewhere = scoring.score_pair(t, offer(country="GB", countries_served=("GB",)), 0, [], TODAY)
    assert parts(served, "country")[0].points == parts(home, "country")[0].points > 0
    assert parts(elsewhere, "country")[0].points == 0
    assert str(parts(elsewhere, "country")[0]) == \
        "SE, where the contract is performed, is not among the countries served."
    assert not parts(scoring.score_pair(tender(), offer(), 0, [], TODAY), "country")  # no place: not asked


def test_text_similarity_in_the_nordic_languages_without_a_model():
    index = TextIndex(["Kunnostetut kannettavat tietokoneet kouluille",
                       "Kunnostamme kannettavia tietokoneita",
                       "Toimistokalusteet ja tuolit",
                       "Återtagning av datorer", "Vi tar tillbaka datorer för återtagning"])
    assert index.similarity(0, 1) > 3 * index.similarity(0, 2)
    assert index.similarity(3, 4) > index.similarity(3, 0)
    assert index.shared_words(0, 1) == ["kannettavat", "kunnostetut", "tietokoneet"]  # inflected forms meet
    assert abs(index.similarity(0, 0) - 1.0) < 1e-9


def test_points_add_up_to_the_score_and_a_full_fit_scores_100():
    criteria = (CriterionFacts(kind="circularity", subject="take_back"),
                CriterionFacts(kind="circularity", subject="repairability"),
                CriterionFacts(kind="affiliation", subject="electronics_watch"))
    t = tender(criteria=criteria, place="SE")
    full = offer(cpv=("30213100-6",), country="SE", take_back=True, repair=True, electronics_watch="disclosed")
    match = scoring.score_pair(t, full, 0.9, ["laptops"], TODAY)
    assert match.score == 100 == sum(r.points for r in match.reasons)
    assert {r.kind for r in match.reasons} == {"cpv", "criteria", "country", "text"}  # labels not asked
    half = scoring.score_pair(t, offer(cpv=("30213100-6",)), 0.0, [], TODAY)
    assert half.score == sum(r.points for r in half.reasons) < 100


def test_ties_are_ordered_by_name():
    t = tender()
    same = [offer(name=n, cpv=("30213100-6",)) for n in ("Beta", "alpha", "Gamma")]
    assert [m.offer.name for m in scoring.rank_offers(t, same, TODAY)] == ["alpha", "Beta", "Gamma"]
    tenders = [tender(title="Zeta"), tender(title="Alpha")]
    tenders = [TenderFacts(id=i, title=x.title, cpv=x.cpv) for i, x in enumerate(tenders)]
    assert [m.tender.title for m in scoring.rank_tenders(offer(cpv=("30213100-6",)), tenders, TODAY)] == \
        ["Alpha", "Zeta"]
