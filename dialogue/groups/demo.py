"""A Nordic buyer group of the cities that co-host the Nordic Forum, with a joint statement of demand for
circular, fair smartphones (fi/sv/en), its signatories, and harmonised criteria that the Nordic smartphone
tender adopts. The wording is neutral: it states what the cities intend to ask for, not what any city
already is or holds. A second run finds the group and changes nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.groups import adoption, library, services, statements
from dialogue.models import BuyerGroup, utcnow

SLUG = "nordic-cities-ict"
CITIES = ("helsinki", "malmo", "oslo", "copenhagen")
# Who acts for each city (a key of the demo's people): an admin of that city.
ADMINS = {"helsinki": "organiser", "malmo": "buyer", "oslo": "buyer-oslo", "copenhagen": "buyer-cph"}

TEXTS = {
    "en": ("We, the cities of Helsinki, Malmö, Oslo and Copenhagen, intend to buy smartphones that last longer, "
           "are repaired and reused, and are made in decent working conditions.\n\n"
           "In our coming tenders we intend to:\n\n"
           "- ask for TCO Certified smartphones, or equivalent;\n"
           "- ask suppliers to disclose their supply chains and to take part in independent monitoring of "
           "working conditions, such as Electronics Watch's, during the contract;\n"
           "- ask for take-back of used devices for reuse or recycling;\n"
           "- ask for a minimum warranty and for spare parts over several years.\n\n"
           "We will use the same criteria where we can, and tell the market early."),
    "fi": ("Me, Helsingin, Malmön, Oslon ja Kööpenhaminan kaupungit, aiomme hankkia älypuhelimia, jotka kestävät "
           "pidempään, korjataan ja käytetään uudelleen ja valmistetaan ihmisarvoisissa työoloissa.\n\n"
           "Tulevissa kilpailutuksissamme aiomme:\n\n"
           "- edellyttää TCO Certified -sertifioituja tai vastaavia älypuhelimia;\n"
           "- pyytää toimittajia kertomaan toimitusketjustaan ja osallistumaan sopimuskauden aikana työolojen "
           "riippumattomaan seurantaan, kuten Electronics Watchin seurantaan;\n"
           "- edellyttää käytettyjen laitteiden takaisinottoa uudelleenkäyttöä tai kierrätystä varten;\n"
           "- edellyttää vähimmäistakuuta ja varaosia useiden vuosien ajan.\n\n"
           "Käytämme samoja kriteerejä aina kun voimme ja kerromme markkinoille ajoissa."),
    "sv": ("Vi, städerna Helsingfors, Malmö, Oslo och Köpenhamn, avser att köpa smarta telefoner som håller "
           "längre, repareras och återanvänds och tillverkas under anständiga arbetsvillkor.\n\n"
           "I våra kommande upphandlingar avser vi att:\n\n"
           "- kräva TCO Certified smarta telefoner, eller likvärdigt;\n"
           "- be leverantörerna att redovisa sina leveranskedjor och delta i oberoende övervakning av "
           "arbetsvillkoren, till exempel Electronics Watchs, under avtalstiden;\n"
           "- kräva återtagande av använda enheter för återanvändning eller återvinning;\n"
           "- kräva en minsta garanti och reservdelar under flera år.\n\n"
           "Vi använder samma kriterier där vi kan och informerar marknaden tidigt."),
}

CRITERIA = (
    library.CriterionInput(
        title="TCO Certified smartphones", kind="technical_specification", verification="label",
        subject="tco_certified",
        text="The smartphones offered hold TCO Certified (the current generation) or meet its criteria, shown by "
             "equivalent evidence."),
    library.CriterionInput(
        title="Supply-chain monitoring (Electronics Watch)", kind="contract_performance", verification="affiliation",
        subject="electronics_watch",
        text="During the contract the supplier discloses the final assembly sites of the devices delivered and "
             "cooperates with independent monitoring of working conditions, such as Electronics Watch's."),
    library.CriterionInput(
        title="Take-back of used devices", kind="contract_performance", verification="documentation",
        subject="take_back",
        text="The supplier takes back the buyer's used devices of any brand, wipes data to a recognised standard "
             "and reports how many were reused and recycled."),
    library.CriterionInput(
        title="Warranty and spare parts", kind="technical_specification", verification="self_declaration",
        subject="repairability",
        text="At least 3 years' warranty, and spare parts (battery, display, charging port) available for at "
             "least 5 years after the last unit is delivered."),
)


def build(world: dict) -> None:
    if db.session.scalar(select(BuyerGroup.id).where(BuyerGroup.slug == SLUG)) is not None:
        return
    orgs, people = world["orgs"], world["people"]
    if any(slug not in orgs for slug in CITIES):
        return
    founder = people[ADMINS["malmo"]]
    group = services.create_group(
        founder, name="Nordic cities buying ICT together", slug=SLUG,
        description="Helsinki, Malmö, Oslo and Copenhagen co-host the Nordic Forum for Market Dialogue and "
                    "prepare their smartphone and tablet tenders together.")
    for slug in CITIES:
        if slug != "malmo":
            services.add_member(group, founder, orgs[slug])
    helsinki = next(m for m in group.members if m.organisation.slug == "helsinki")
    services.set_coordinator(group, founder, helsinki, True)
    statements.publish_statement(group, founder, title="Joint statement of demand: circular and fair smartphones",
                                 texts=TEXTS)
    today = utcnow().date()
    for days, slug in ((12, "malmo"), (10, "helsinki"), (7, "oslo")):
        statements.sign_statement(group, people[ADMINS[slug]], signed_on=today - dt.timedelta(days=days))
    chosen = [library.add_criterion(group, founder, data) for data in CRITERIA]
    intent = world.get("intents", {}).get("nordic-smartphones")
    if intent is not None and intent.is_editable:
        adoption.adopt_criteria(intent, founder, chosen)
    world["groups"] = {"nordic": group}
