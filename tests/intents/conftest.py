"""Fixtures for the intents feature: a public buyer with staff, suppliers, and valid intent input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dialogue.intents.inputs import CriterionInput, IntentInput, ItemInput, LotInput
from dialogue.models import utcnow


@pytest.fixture
def intent_input():
    """Valid input for a laptop tender; keyword overrides replace fields."""

    def make(**overrides) -> IntentInput:
        today = utcnow().date()
        values = dict(
            title="Laptops for city staff",
            description="We plan to buy **laptops** for staff.",
            rationale="The framework ends.",
            cpv_main="30213100-6",
            additional_cpv=["30213200-7"],
            items=[ItemInput(cpv="30213100-6", description="Laptops", quantity=Decimal("20000"),
                             unit="units a year", lot_number=1),
                   ItemInput(cpv="32250000-0", description="Mobile phones", quantity=Decimal("6500"),
                             unit="units a year")],
            lots=[LotInput(number=1, title="Laptops", estimated_value=Decimal("1000000"))],
            criteria=[CriterionInput("tco_certified", ticked=True, text="TCO Certified or equivalent."),
                      CriterionInput("epeat", ticked=True, tier="gold", text="EPEAT Gold."),
                      CriterionInput("electronics_watch", ticked=True, text="Affiliate."),
                      CriterionInput("take_back", ticked=True, text="Take-back at end of use."),
                      CriterionInput("human_rights_due_diligence", text="UNGP-based due diligence.")],
            estimated_value=Decimal("2500000"), currency="EUR", procedure_type="open",
            planned_notice_date=today + dt.timedelta(days=90), contract_start_date=today + dt.timedelta(days=200),
            contract_duration_months=48, place_country="FI", place_nuts="FI1B1",
            contact_name="Bea Buyer", contact_email="bea@testholm.example.org")
        values.update(overrides)
        return IntentInput(**values)

    return make


@pytest.fixture
def announced(staff, intent_input):
    """Create and announce an intent through the services; returns a factory."""
    from dialogue.extensions import db
    from dialogue.intents import services

    def make(actor=None, **overrides):
        actor = actor or staff
        intent = services.create_intent(actor, intent_input(**overrides))
        services.announce_intent(intent, actor)
        db.session.commit()
        return intent

    return make
