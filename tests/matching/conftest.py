import pytest

from dialogue.extensions import db
from dialogue.models import (
    ElectronicsWatchStatus,
    LabelScheme,
    OrganisationKind,
    OrganisationProfile,
    ProfileCpvCode,
    ProfileLabel,
)


@pytest.fixture
def make_profile(app, make_org):
    """A supplier organisation with a profile: ``make_profile(name=..., cpv=[...], labels=[(scheme, level)])``."""

    def make(org=None, *, cpv=("30213100-6",), labels=(), kind=OrganisationKind.SUPPLIER, name=None, country="FI",
             electronics_watch=ElectronicsWatchStatus.NOT_STATED, **overrides):
        if org is None:
            org = make_org(kind=kind, country=country, **({"name": name} if name else {}))
        values = {"description": "", "offering": "", "countries_served": [], "electronics_watch": electronics_watch}
        values.update(overrides)
        profile = OrganisationProfile(organisation=org, **values)
        profile.cpv_codes = [ProfileCpvCode(code=code) for code in cpv]
        profile.labels = [ProfileLabel(scheme=LabelScheme(label[0]), level=label[1],
                                       valid_until=label[2] if len(label) > 2 else None) for label in labels]
        db.session.add(profile)
        db.session.commit()
        return profile

    return make


from tests.meetings.conftest import world  # noqa: E402,F401  (the meetings' event: buyers, suppliers, slots)


@pytest.fixture
def market(world, make_intent, make_profile, make_user):
    """The meetings world with a smartphone tender of the buyer presented at the event, and three profiles:
    the event's supplier (phones, TCO 10, disclosed), the other supplier (laptops) and a reseller."""
    from types import SimpleNamespace

    from dialogue.models import CriterionKind, EventIntent, IntentCriterion, IntentStatus

    intent = make_intent(world.buyer_org, title="Smartphones for the city", cpv_main="32250000-0",
                         description="Smartphones with long support", place_country="SE")
    intent.criteria = [IntentCriterion(kind=CriterionKind.LABEL, subject="tco_certified",
                                       text="TCO Certified generation 10", position=0),
                       IntentCriterion(kind=CriterionKind.AFFILIATION, subject="electronics_watch",
                                       text="Electronics Watch", position=1)]
    draft = make_intent(world.buyer_org, title="Secret draft phones", cpv_main="32250000-0",
                        status=IntentStatus.DRAFT, announced_at=None)
    db.session.add(EventIntent(event=world.event, intent=intent))
    db.session.commit()
    phones = make_profile(world.supplier_org, cpv=["32250000-0"], labels=[("tco_certified", "10")],
                          electronics_watch=ElectronicsWatchStatus.DISCLOSED, countries_served=["SE"],
                          description="Smartphones built to last")
    laptops = make_profile(world.other_supplier_org, cpv=["30213100-6"], description="Laptops")
    reseller = make_profile(name="Nordic IT Partners", kind=OrganisationKind.RESELLER, cpv=["32250000-0"],
                            country="SE", description="We resell phones")
    return SimpleNamespace(w=world, intent=intent, draft=draft, phones=phones, laptops=laptops, reseller=reseller,
                           stranger=make_user(world.cohost_org))
