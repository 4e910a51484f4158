"""The cards of the public list: what each names, and the filters' buyer and country choices."""

import re

from dialogue.models import OrganisationKind


def card_of(html: str, title: str) -> str:
    start = html.index(title)
    return html[start:html.index("</li>", start)]


def test_a_card_names_its_buyer_place_value_and_the_criteria_a_supplier_looks_for(client, announced, make_user,
                                                                                   make_org):
    from dialogue.intents.inputs import CriterionInput

    laptops = announced()
    oslo = make_user(make_org(name="Kommune Oslo", kind=OrganisationKind.PUBLIC_BUYER, country="NO"))
    announced(oslo, title="Smartphones for Oslo", cpv_main="32250000-0", currency="NOK", place_country="NO",
              place_nuts="", criteria=[CriterionInput("electronics_watch", ticked=True)])
    make_org(name="Aarhus Kommune", kind=OrganisationKind.PUBLIC_BUYER, country="DK")  # no intents: not offered

    html = client.get("/intents").get_data(as_text=True)

    card = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card_of(html, laptops.title)))
    for text in (laptops.buyer.name, "Finland", "30213100-6 Portable computers", "€2,500,000", "TCO Certified",
                 "EPEAT Gold", "Electronics Watch affiliation", "Take-back"):
        assert text in card, text
    assert "Human-rights due diligence" not in card  # on the intent's page, not on its card
    phones = card_of(html, "Smartphones for Oslo")
    assert "Kommune Oslo" in phones and "Electronics Watch affiliation" in phones and "EPEAT" not in phones
    buyers = html[html.index('name="buyer"'):html.index("</select>", html.index('name="buyer"'))]
    assert buyers.index("City of Testholm") < buyers.index("Kommune Oslo") and "Aarhus" not in buyers
    countries = html[html.index('name="country"'):html.index("</select>", html.index('name="country"'))]
    assert countries.index("Finland") < countries.index("Norway") and "Denmark" not in countries
