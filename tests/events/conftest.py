import datetime as dt

import pytest

from dialogue.events.services import EventDetails
from dialogue.models import MemberRole, OrganisationKind, utcnow


@pytest.fixture
def buyer_admin(make_user, make_org):
    """An administrator of a public buyer: may create events."""
    return make_user(make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Helsinki"), role=MemberRole.ADMIN)


@pytest.fixture
def details():
    def make(**overrides) -> EventDetails:
        start = (utcnow() + dt.timedelta(days=40)).replace(hour=7, minute=0, second=0, microsecond=0)
        values = dict(title="Nordic Forum", timezone="Europe/Helsinki", starts_at=start,
                      ends_at=start + dt.timedelta(hours=8), venue="City Hall", languages=["en", "fi"],
                      contact_email="procurement@hel.example.org")
        values.update(overrides)
        return EventDetails(**values)

    return make
