"""The demo world, mirroring real joint market-dialogue events. Running it twice changes nothing.

Accounts and organisations are built here; each feature adds its part in ``dialogue/<feature>/demo.py``
(``build(world)``), in the order of ``dialogue.FEATURES``. Everything is looked up by a natural key
first, so a second run adds nothing.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select

from dialogue.auth.services import hash_password
from dialogue.extensions import db
from dialogue.models import MemberRole, Membership, Organisation, OrganisationKind, OutboxMessage, User, utcnow

DEMO_PASSWORD = "dialogue-demo-2026"

# slug: (name, kind, country, VAT or registration number, website)
ORGANISATIONS = {
    "helsinki": ("City of Helsinki", OrganisationKind.PUBLIC_BUYER, "FI", "FI02012566", "https://www.hel.fi"),
    "malmo": ("City of Malmö", OrganisationKind.PUBLIC_BUYER, "SE", None, "https://malmo.se"),
    "oslo": ("City of Oslo", OrganisationKind.PUBLIC_BUYER, "NO", None, "https://www.oslo.kommune.no"),
    "copenhagen": ("City of Copenhagen", OrganisationKind.PUBLIC_BUYER, "DK", None, "https://www.kk.dk"),
    "aalborg": ("Aalborg Municipality", OrganisationKind.PUBLIC_BUYER, "DK", None, "https://www.aalborg.dk"),
    "apuc": ("APUC Scotland", OrganisationKind.PUBLIC_BUYER, "GB", None, "https://www.apuc-scot.ac.uk"),
    "barcelona": ("Barcelona City Council", OrganisationKind.PUBLIC_BUYER, "ES", None, "https://ajuntament.barcelona.cat"),
    "haarlem": ("Municipality of Haarlem", OrganisationKind.PUBLIC_BUYER, "NL", None, "https://haarlem.nl"),
    "circular-computing": ("Circular Computing", OrganisationKind.MANUFACTURER, "GB", None,
                           "https://circularcomputing.com"),
    "dell": ("Dell Technologies", OrganisationKind.SUPPLIER, "IE", None, "https://www.dell.com"),
    "hp": ("HP Inc.", OrganisationKind.SUPPLIER, "NL", None, "https://www.hp.com"),
    "nordic-it": ("Nordic IT Partners", OrganisationKind.RESELLER, "SE", None, None),
    "electronics-watch": ("Electronics Watch", OrganisationKind.CIVIL_SOCIETY, "NL", None,
                          "https://electronicswatch.org"),
    "iclei": ("ICLEI Europe", OrganisationKind.NETWORK, "DE", None, "https://iclei-europe.org"),
    # Presented their ICT procurement plans at Make ICT Fair's Live Market Engagement (Nijmegen, 2018).
    "swiss-it": ("Swiss public IT-procurement partnership", OrganisationKind.PUBLIC_BUYER, "CH", None, None),
    "sso-noord": ("SSO Noord", OrganisationKind.PUBLIC_BUYER, "NL", None, None),
    "duo": ("DUO (Dienst Uitvoering Onderwijs)", OrganisationKind.PUBLIC_BUYER, "NL", None, "https://duo.nl"),
}

# role shown in the README: (email, name, organisation slug, organisation role)
PEOPLE = {
    "organiser": ("anna.virtanen@hel.example.org", "Anna Virtanen", "helsinki", MemberRole.ADMIN),
    "buyer": ("erik.lund@malmo.example.org", "Erik Lund", "malmo", MemberRole.ADMIN),
    "buyer-oslo": ("ingrid.hansen@oslo.example.org", "Ingrid Hansen", "oslo", MemberRole.ADMIN),
    "buyer-cph": ("mette.nielsen@kk.example.org", "Mette Nielsen", "copenhagen", MemberRole.ADMIN),
    "buyer-aalborg": ("lars.jensen@aalborg.example.org", "Lars Jensen", "aalborg", MemberRole.ADMIN),
    "buyer-apuc": ("fiona.mackay@apuc.example.org", "Fiona MacKay", "apuc", MemberRole.ADMIN),
    "buyer-bcn": ("marta.puig@bcn.example.org", "Marta Puig", "barcelona", MemberRole.ADMIN),
    "buyer-haarlem": ("joost.devries@haarlem.example.org", "Joost de Vries", "haarlem", MemberRole.ADMIN),
    "supplier": ("sam.taylor@circular.example.org", "Sam Taylor", "circular-computing", MemberRole.ADMIN),
    "supplier-dell": ("pat.murphy@dell.example.org", "Pat Murphy", "dell", MemberRole.ADMIN),
    "supplier-hp": ("lotte.bakker@hp.example.org", "Lotte Bakker", "hp", MemberRole.ADMIN),
    "reseller": ("johan.berg@nordicit.example.org", "Johan Berg", "nordic-it", MemberRole.ADMIN),
    "observer": ("maria.costa@ew.example.org", "Maria Costa", "electronics-watch", MemberRole.ADMIN),
    "network": ("clara.weber@iclei.example.org", "Clara Weber", "iclei", MemberRole.ADMIN),
}
ADMIN = ("admin@dialogue.example.org", "Platform Admin")


def _organisation(slug: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        name, kind, country, number, website = ORGANISATIONS[slug]
        org = Organisation(slug=slug, name=name, kind=kind, country=country, registration_number=number,
                           website=website)
        db.session.add(org)
    return org


def _person(email: str, name: str, org: Organisation | None, role: MemberRole, password_hash: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash=password_hash, email_verified_at=utcnow())
        db.session.add(user)
        if org is not None:
            db.session.add(Membership(user=user, organisation=org, role=role))
    return user


def build(large: bool = False) -> dict:
    password_hash = hash_password(DEMO_PASSWORD)
    orgs = {slug: _organisation(slug) for slug in ORGANISATIONS}
    people = {key: _person(email, name, orgs[slug], role, password_hash)
              for key, (email, name, slug, role) in PEOPLE.items()}
    admin = _person(*ADMIN, None, MemberRole.MEMBER, password_hash)
    admin.is_admin = True
    db.session.flush()
    world = {"orgs": orgs, "people": people, "admin": admin, "large": large}
    from dialogue import feature_modules

    last_mail = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    for module in feature_modules("demo"):
        module.build(world)
        db.session.flush()
    if large:
        from dialogue import demo_large

        demo_large.build(world)
        db.session.flush()
    # Features build the demo through their services, which queue mail as they would for real
    # people; the demo's addresses are invented, so that mail is dropped.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > last_mail))
    logins = {"admin": ADMIN[0], **{key: PEOPLE[key][0] for key in
                                    ("organiser", "buyer", "supplier", "reseller", "observer",
                                                "network")}}
    return {"world": world, "logins": logins}
