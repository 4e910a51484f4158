import io
from types import SimpleNamespace

import pytest

from dialogue.materials.demo import make_pdf
from dialogue.models import MemberRole, OrganisationKind

PDF = make_pdf(["TCO Certified", "Certificate"])
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


@pytest.fixture
def orgs(make_org, make_user):
    """A reseller with an administrator and a member, a manufacturer, a buyer, and a platform administrator."""
    reseller = make_org(name="Nordic IT Partners", slug="nordic-it", kind=OrganisationKind.RESELLER, country="SE")
    maker = make_org(name="Dell Technologies", slug="dell", kind=OrganisationKind.MANUFACTURER, country="IE")
    buyer = make_org(name="City of Malmö", slug="malmo", kind=OrganisationKind.PUBLIC_BUYER, country="SE")
    return SimpleNamespace(
        reseller=reseller, maker=maker, buyer=buyer,
        admin=make_user(reseller, role=MemberRole.ADMIN, name="Johan Berg", email="johan@nordicit.example.org"),
        member=make_user(reseller, role=MemberRole.MEMBER, name="Kim Ek"),
        maker_admin=make_user(maker, role=MemberRole.ADMIN, name="Pat Murphy"),
        buyer_admin=make_user(buyer, role=MemberRole.ADMIN, name="Erik Lund"),
        platform=make_user(admin=True, with_org=False, name="Platform Admin"),
    )


def pdf_stream():
    return io.BytesIO(PDF)
