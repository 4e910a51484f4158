"""Profiles of the demo's suppliers and reseller, saying what these companies really offer.

Labels name the scheme and the generation or tier only, never a certificate number, and point to the
public registries where each product's certificate can be checked. A profile already saved is left
as it is, so running the demo twice adds nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import Organisation, OrganisationKind, User
from dialogue.organisations import labels, profiles
from dialogue.organisations.profiles import ProfileInput

TCO = "https://tcocertified.com/"
EPEAT = "https://www.epeat.net/"
NORDICS = ["SE", "NO", "DK", "FI"]

# slug: (name, kind, country, website) for makers the demo world may not have yet
MAKERS = {"dell": ("Dell Technologies", OrganisationKind.SUPPLIER, "IE", "https://www.dell.com"),
          "hp": ("HP Inc.", OrganisationKind.SUPPLIER, "NL", "https://www.hp.com")}

# What Dell and HP have in common as large makers of business PCs and monitors.
MAKER = dict(offering="- Business notebooks and desktops\n- Monitors\n"
                      "- Take-back and recycling programmes for used equipment",
             cpv_codes=["30213000-5", "30213100-6", "30213300-8", "30231000-7"],
             countries_served=["FI", "SE", "NO", "DK", "GB", "IE", "NL", "DE", "FR", "ES"], sme=False,
             take_back=True)
MAKER_LABELS = [
    dict(scheme="epeat", level="gold", evidence_url=EPEAT,
         scope="Many notebooks, desktops and monitors; the tier is set per product in the EPEAT registry"),
    dict(scheme="tco_certified", level="9", evidence_url=TCO,
         scope="Many displays and notebooks; each model is listed in TCO Certified's product finder"),
]

PROFILES = {
    "circular-computing": dict(
        description="Circular Computing remanufactures business laptops in the United Kingdom. Laptops of the "
                    "major brands come back at the end of their first life and are remanufactured to perform "
                    "as new, with a warranty, for organisations that choose a remanufactured laptop instead "
                    "of a new one.",
        offering="- Remanufactured business laptops of the major brands\n"
                 "- Take-back of used business laptops for remanufacturing\n"
                 "- Supply directly and through resellers in the UK and Europe",
        cpv_codes=["30213100-6", "30213000-5"], countries_served=["GB", "IE", "NL", "DE", "SE", "DK", "NO", "FI"],
        sme=True, take_back=True, refurbishment=True,
        circularity_note="Remanufacturing, not only refurbishment: each laptop is taken apart, parts are "
                         "renewed or replaced, and it is rebuilt and tested to perform as new."),
    "dell": dict(
        MAKER,
        description="Dell Technologies makes PCs, displays, servers and storage. Public buyers mostly meet "
                    "Dell for business notebooks, desktops and monitors.",
        circularity_note="Take-back programmes collect used equipment for reuse or recycling."),
    "hp": dict(
        MAKER,
        description="HP Inc. makes personal computers, displays and printers. Public buyers mostly meet HP for "
                    "business notebooks, desktops and monitors.",
        circularity_note="Take-back programmes collect used equipment and supplies for reuse or recycling."),
    "nordic-it": dict(
        description="Nordic IT Partners resells business PCs and monitors to public buyers in Sweden, Norway, "
                    "Denmark and Finland, and keeps them running with repair and IT services.",
        offering="- Dell and HP notebooks, desktops and monitors\n"
                 "- Repair and maintenance during and after the warranty\n"
                 "- Installation, user support and other IT services",
        cpv_codes=["30213100-6", "30213300-8", "30231000-7", "50320000-4", "72611000-6"],
        countries_served=NORDICS, sme=True, repair=True,
        circularity_note="Repairs on site or in our workshop extend the life of the equipment we deliver."),
}

LABELS = {
    "circular-computing": [dict(scheme="tco_certified", level="Edge", scope="Remanufactured notebooks",
                                evidence_url=TCO)],
    "dell": MAKER_LABELS,
    "hp": MAKER_LABELS,
}

# The person of each organisation who fills in its profile (a key of the demo's people).
EDITORS = {"circular-computing": "supplier", "dell": "supplier-dell", "hp": "supplier-hp", "nordic-it": "reseller"}


def _maker(world: dict, slug: str) -> Organisation:
    org = world["orgs"].get(slug) or db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        name, kind, country, website = MAKERS[slug]
        org = Organisation(slug=slug, name=name, kind=kind, country=country, website=website)
        db.session.add(org)
        db.session.flush()
        world["orgs"][slug] = org
    return org


def build(world: dict) -> None:
    makers = {slug: _maker(world, slug) for slug in MAKERS}
    for slug, values in PROFILES.items():
        org = world["orgs"].get(slug)
        if org is None:
            continue
        existing = profiles.load_profile(org.id)
        if existing is not None and existing.version:
            continue
        editor: User = world["people"].get(EDITORS[slug]) or world["admin"]
        data = ProfileInput(**values)
        if slug == "nordic-it":
            data.resold_ids = [makers["dell"].id, makers["hp"].id]
            data.contact_name, data.contact_email = editor.name, editor.email
        profiles.save_profile(org, editor, data)
        for label in LABELS.get(slug, []):
            labels.add_label(org, editor, labels.LabelInput(**label))
