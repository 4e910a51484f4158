import pytest

from dialogue.models import MemberRole, OrganisationKind


@pytest.fixture
def organiser(make_user, make_org):
    return make_user(make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Helsinki"), role=MemberRole.ADMIN,
                     name="Anna Virtanen")


@pytest.fixture
def person(make_user, make_org):
    """A verified person of a new organisation of the given kind."""
    def make(kind=OrganisationKind.SUPPLIER, name=None, **overrides):
        org = make_org(kind=kind, name=name or f"{kind.value.title()} Ltd")
        return make_user(org, **overrides)

    return make
