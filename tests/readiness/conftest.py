"""A planned tender with structured criteria, its buyer's staff, and suppliers on both sides of the market."""

from __future__ import annotations

import datetime as dt

import pytest

from dialogue.extensions import db
from dialogue.models import CriterionKind, IntentCriterion, OrganisationKind, utcnow
from dialogue.readiness import services


@pytest.fixture
def other_buyer(make_user, make_org):
    return make_user(make_org(name="City of Elsewhere", kind=OrganisationKind.PUBLIC_BUYER), name="Otto Other")


@pytest.fixture
def rival(make_user, make_org):
    return make_user(make_org(name="Green Phones Oy", kind=OrganisationKind.MANUFACTURER, country="FI"),
                     name="Ria Rival")


@pytest.fixture
def observer(make_user, make_org):
    return make_user(make_org(name="Watchers", kind=OrganisationKind.CIVIL_SOCIETY), name="Olga Observer")


@pytest.fixture
def intent(make_intent, buyer_org):
    intent = make_intent(buyer_org, title="Fair smartphones", timezone="Europe/Stockholm")
    intent.criteria.extend([
        IntentCriterion(kind=CriterionKind.LABEL, subject="tco_certified", text="TCO Certified generation 10.",
                        position=0),
        IntentCriterion(kind=CriterionKind.CIRCULARITY, subject="take_back", text="Take-back with data wiping.",
                        position=1),
    ])
    db.session.commit()
    return intent


def in_days(days: int) -> dt.datetime:
    """A wall-clock time in the intent's zone, ``days`` from now (naive, as the form gives it)."""
    return (utcnow() + dt.timedelta(days=days)).replace(tzinfo=None, second=0, microsecond=0)


@pytest.fixture
def matrix(intent, staff):
    matrix = services.set_up_matrix(intent, staff, intro="Tell us what you can do.", closes_local=in_days(30))
    db.session.commit()
    return matrix


def answer(matrix, user, *choices, by_date=None, **extra):
    """Answer the matrix's rows in order with ``choices`` ("" for none)."""
    rows = [services.AnswerInput(criterion_id=c.id, choice=choice,
                                 by_date=by_date if choice == "can_meet_by" else None, **extra)
            for c, choice in zip(matrix.criteria, choices, strict=False)]
    changed = services.save_answers(matrix, user, rows)
    db.session.commit()
    return changed
