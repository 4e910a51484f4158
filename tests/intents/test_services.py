"""Intents: creation with every PIN field, bad input refused whole, status changes, history, alerts."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.extensions import db
from dialogue.intents import notify, services, subscriptions
from dialogue.intents.inputs import CriterionInput, ItemInput, LotInput
from dialogue.intents.validation import InvalidInput
from dialogue.models import (
    ChangeAction,
    CriterionKind,
    EpeatTier,
    Intent,
    IntentItem,
    IntentStatus,
    IntentSubscription,
    OrganisationKind,
    utcnow,
)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_stores_every_field_as_a_draft(staff, intent_input, make_org):
    partner = make_org(name="City of Partnerby", kind=OrganisationKind.PUBLIC_BUYER)
    intent = services.create_intent(staff, intent_input(partner_ids=[partner.id], partner_names=["Town of Elsewhere"],
                                                        additional_cpv="30213200-7, 30213200-7\n50320000-4"))
    db.session.commit()
    assert intent.status == IntentStatus.DRAFT and intent.buyer_id == staff.organisation.id
    assert [c.code for c in intent.additional_cpv] == ["30213200-7", "50320000-4"]  # duplicates dropped
    assert [(i.description, i.quantity, i.unit, i.lot_number) for i in intent.items] == [
        ("Laptops", Decimal("20000.00"), "units a year", 1),
        ("Mobile phones", Decimal("6500.00"), "units a year", None)]
    assert [(lot.number, lot.title) for lot in intent.lots] == [(1, "Laptops")]
    kinds = {(c.kind, c.subject): c for c in intent.criteria}
    assert kinds[(CriterionKind.LABEL, "epeat")].tier == EpeatTier.GOLD
    assert (CriterionKind.AFFILIATION, "electronics_watch") in kinds
    assert (CriterionKind.CIRCULARITY, "take_back") in kinds
    assert kinds[(CriterionKind.HUMAN_RIGHTS_DUE_DILIGENCE, None)].text == "UNGP-based due diligence."
    assert [(p.organisation_id, p.name) for p in intent.partners] == [(partner.id, "City of Partnerby"),
                                                                     (None, "Town of Elsewhere")]
    assert intent.joint_procurement
    assert intent.all_cpv_codes == ["30213100-6", "30213200-7", "50320000-4", "32250000-0"]
    assert [(c.action, c.public) for c in intent.changes] == [(ChangeAction.CREATED, False)]


def test_untouched_criteria_and_blank_rows_are_not_stored(staff, intent_input):
    intent = services.create_intent(staff, intent_input(
        items=[ItemInput(), ItemInput(cpv="", description="Docking stations", quantity="10")],
        lots=[LotInput()],
        criteria=[CriterionInput("blue_angel", ticked=False, text="ignored without the tick"),
                  CriterionInput("selection", text="  "), CriterionInput("award", text="Price 60, quality 40")]))
    assert [(i.cpv, i.description) for i in intent.items] == [("30213100-6", "Docking stations")]  # main code
    assert intent.lots == []
    assert [(c.kind, c.text) for c in intent.criteria] == [(CriterionKind.AWARD, "Price 60, quality 40")]


BAD_INPUT = [
    ({"cpv_main": "30213100-9"}, "cpv_main", "not in the CPV list"),
    ({"cpv_main": "3021-3100"}, "cpv_main", "8 digits, a dash and a check digit"),
    ({"cpv_main": ""}, "cpv_main", "Enter the main CPV code"),
    ({"additional_cpv": ["30213100-6", "12345678-9"]}, "additional_cpv", "not in the CPV list"),
    ({"items": [ItemInput(cpv="99999999-9", description="x")]}, "items-0-cpv", "not in the CPV list"),
    ({"items": [ItemInput(description="Laptops", quantity=Decimal("-5"))]}, "items-0-quantity", "cannot be negative"),
    ({"items": [ItemInput(description="Laptops", quantity=Decimal("0"))]}, "items-0-quantity", "greater than zero"),
    ({"items": [ItemInput(description="Laptops", quantity="NaN")]}, "items-0-quantity", "as a number"),
    ({"items": [ItemInput(description="Laptops", lot_number=7)]}, "items-0-lot_number", "There is no lot 7"),
    ({"estimated_value": Decimal("-1")}, "estimated_value", "cannot be negative"),
    ({"estimated_value": "Infinity"}, "estimated_value", "as a number"),
    ({"lots": [LotInput(number=1, title="A", estimated_value=Decimal("-10"))]}, "lots-0-estimated_value",
     "cannot be negative"),
    ({"lots": [LotInput(number=1, title="A"), LotInput(number=1, title="B")]}, "lots-1-number", "listed twice"),
    ({"currency": "XXY"}, "currency", "Choose a currency"),
    ({"currency": None}, "currency", "currency of the estimated value"),
    ({"planned_notice_date": utcnow().date() - dt.timedelta(days=1)}, "planned_notice_date", "in the past"),
    ({"contract_start_date": utcnow().date() - dt.timedelta(days=3)}, "contract_start_date", "in the past"),
    ({"contract_start_date": utcnow().date() + dt.timedelta(days=10)}, "contract_start_date", "cannot start before"),
    ({"contract_duration_months": -3}, "contract_duration_months", "from 1 to 600"),
    ({"place_nuts": "SE110"}, "place_nuts", "should start with FI"),
    ({"place_nuts": "F"}, "place_nuts", "2 letters"),
    ({"place_country": "XX"}, "place_country", "Choose a country"),
    ({"procedure_type": "auction"}, "procedure_type", "Choose a procedure"),
    ({"contact_email": "not-an-address"}, "contact_email", "email address"),
    ({"title": "<script>alert(1)</script>Laptops"}, "title", "plain text"),
    ({"title": ""}, "title", "Enter a title"),
    ({"description": "See <img src=x onerror=alert(1)>"}, "description", "use Markdown"),
    ({"description": "[click](javascript:alert(1))"}, "description", "script link"),
    ({"rationale": "<iframe src=//evil>"}, "rationale", "Remove the HTML"),
    ({"items": [ItemInput(description="<b>Laptops</b>")]}, "items-0-description", "plain text"),
    ({"criteria": [CriterionInput("tco_certified", ticked=True, text="<script>x</script>")]}, "tco_certified_text",
     "Remove the HTML"),
    ({"criteria": [CriterionInput("other_label", ticked=True, name="")]}, "other_label_name", "Name the other label"),
    ({"criteria": [CriterionInput("epeat", ticked=True, tier="platinum")]}, "epeat_tier", "Bronze, Silver or Gold"),
    ({"partner_names": ["<a href=x>Evil</a>"]}, "partner_names", "plain text"),
    ({"contact_name": "<svg onload=alert(1)>"}, "contact_name", "plain text"),
]


def test_bad_input_is_refused_per_field_and_nothing_is_stored(staff, intent_input):
    # One test for the whole table (each case rolled back): an empty database per case would cost more
    # than the cases themselves. Every failing case is listed.
    failures = []
    for overrides, field, message in BAD_INPUT:
        try:
            services.create_intent(staff, intent_input(**overrides))
        except InvalidInput as exc:
            if not any(message in m for m in exc.errors.get(field, [])):
                failures.append((overrides, field, exc.errors))
        else:
            failures.append((overrides, field, "accepted"))
        db.session.rollback()
        if count(Intent) or count(IntentItem):
            failures.append((overrides, field, "stored"))
    assert not failures, "\n".join(map(repr, failures))


def test_every_problem_is_reported_at_once(staff, intent_input):
    with pytest.raises(InvalidInput) as exc:
        services.create_intent(staff, intent_input(cpv_main="1", estimated_value=Decimal("-1"), currency="ZZZ",
                                                   title="<b>x</b>"))
    assert {"cpv_main", "estimated_value", "currency", "title"} <= set(exc.value.errors)


def test_plain_angle_brackets_are_text_not_markup(staff, intent_input):
    intent = services.create_intent(staff, intent_input(description="Weight < 1.5 kg and battery > 10 h",
                                                        title="Laptops < 1.5 kg"))
    assert intent.title == "Laptops < 1.5 kg"


def test_only_public_buyer_staff_create(make_user, make_org, intent_input, supplier):
    with pytest.raises(NotAllowed):
        services.create_intent(supplier, intent_input())
    with pytest.raises(NotAllowed):
        services.create_intent(make_user(with_org=False), intent_input())


def test_partners_must_be_other_public_buyers(staff, intent_input, supplier):
    with pytest.raises(InvalidInput) as exc:
        services.create_intent(staff, intent_input(partner_ids=[supplier.organisation.id]))
    assert "partner_ids" in exc.value.errors
    with pytest.raises(InvalidInput):
        services.create_intent(staff, intent_input(partner_ids=[staff.organisation.id]))


def test_announce_publishes_and_refuses_a_passed_date(staff, intent_input):
    intent = services.create_intent(staff, intent_input())
    services.announce_intent(intent, staff)
    assert intent.status == IntentStatus.ANNOUNCED and intent.announced_at is not None
    assert intent.changes[-1].action == ChangeAction.ANNOUNCED and intent.changes[-1].public
    with pytest.raises(Conflict):
        services.announce_intent(intent, staff)

    later = services.create_intent(staff, intent_input(title="Later"))
    with pytest.raises(DialogueError) as exc:
        services.announce_intent(later, staff, on=utcnow().date() + dt.timedelta(days=100))
    assert "has passed" in exc.value.message and later.status == IntentStatus.DRAFT


def test_edit_records_what_changed_and_keeps_a_passed_date(staff, intent_input, announced):
    intent = announced()
    revision = intent.revision
    old_date = intent.planned_notice_date
    new_date = old_date + dt.timedelta(days=30)
    changes = services.update_intent(intent, staff, intent_input(planned_notice_date=new_date, title="Laptops 2027",
                                                                 description="New text"))
    fields = {c["field"]: c for c in changes}
    assert fields["planned_notice_date"] == {"field": "planned_notice_date", "old": old_date.isoformat(),
                                             "new": new_date.isoformat()}
    assert fields["title"]["new"] == "Laptops 2027"
    assert fields["description"] == {"field": "description", "old": None, "new": None}  # long text: "changed"
    assert intent.changes[-1].action == ChangeAction.EDITED and intent.revision == revision + 1
    # Saving the same values changes nothing and records nothing.
    assert services.update_intent(intent, staff, intent_input(planned_notice_date=new_date, title="Laptops 2027",
                                                              description="New text")) == []
    # A date that has passed since may stay; a changed date may not lie in the past.
    later = utcnow().date() + dt.timedelta(days=200)
    assert services.update_intent(intent, staff, intent_input(planned_notice_date=new_date, title="Laptops 2027",
                                                              description="New text"), on=later) == []
    with pytest.raises(InvalidInput) as exc:
        services.update_intent(intent, staff, intent_input(planned_notice_date=new_date + dt.timedelta(days=1)),
                               on=later)
    assert "planned_notice_date" in exc.value.errors


def test_edit_refused_to_others_and_after_the_tender(announced, make_user, make_org, staff, intent_input, supplier):
    intent = announced()
    other_buyer = make_user(make_org(kind=OrganisationKind.PUBLIC_BUYER))
    for person in (supplier, other_buyer):
        with pytest.raises(NotAllowed):
            services.update_intent(intent, person, intent_input())
    services.publish_tender(intent, staff, "https://ted.europa.eu/notice/123")
    with pytest.raises(Conflict):
        services.update_intent(intent, staff, intent_input())


def test_status_lifecycle(announced, staff):
    intent = announced()
    for url in ("", "ftp://x.org/n", "javascript:alert(1)", "https://", "https://ted .europa.eu"):
        with pytest.raises(DialogueError) as exc:
            services.publish_tender(intent, staff, url)
        assert exc.value.field == "tender_url"
    services.publish_tender(intent, staff, "https://ted.europa.eu/notice/123")
    assert intent.status == IntentStatus.TENDER_PUBLISHED and intent.tender_published_at
    services.mark_awarded(intent, staff, "Award notice on TED.")
    assert intent.status == IntentStatus.AWARDED
    with pytest.raises(Conflict):
        services.withdraw_intent(intent, staff, "No longer needed")
    actions = [c.action for c in intent.changes]
    assert actions == [ChangeAction.CREATED, ChangeAction.ANNOUNCED, ChangeAction.TENDER_PUBLISHED,
                       ChangeAction.AWARDED]


def test_withdraw_needs_a_plain_reason_and_drafts_are_deleted_instead(announced, staff, intent_input):
    intent = announced()
    with pytest.raises(DialogueError):
        services.withdraw_intent(intent, staff, " ")
    with pytest.raises(DialogueError):
        services.withdraw_intent(intent, staff, "<script>x</script>")
    services.withdraw_intent(intent, staff, "The budget was cut.")
    assert intent.status == IntentStatus.WITHDRAWN and intent.withdrawal_reason == "The budget was cut."
    with pytest.raises(Conflict):
        services.delete_draft(intent, staff)
    draft = services.create_intent(staff, intent_input(title="Draft"))
    db.session.commit()
    services.delete_draft(draft, staff)
    db.session.commit()
    assert db.session.get(Intent, draft.id) is None


# -- alerts ---------------------------------------------------------------------------------------------

def test_announcement_mails_the_matching_alerts_only(staff, announced, make_user, make_org, outbox, supplier,
                                                     reseller, intent_input):
    partner = make_org(name="Partner City", kind=OrganisationKind.PUBLIC_BUYER)
    other_buyer = make_org(kind=OrganisationKind.PUBLIC_BUYER)
    unverified = make_user(make_org(kind=OrganisationKind.SUPPLIER), verified=False)
    gone = make_user(make_org(kind=OrganisationKind.SUPPLIER))
    by_phone = make_user(make_org(kind=OrganisationKind.SUPPLIER))
    both_wrong = make_user(make_org(kind=OrganisationKind.SUPPLIER))
    by_partner = make_user(make_org(kind=OrganisationKind.RESELLER))
    subscriptions.subscribe(supplier, cpv_prefix="302")                # matches the main code 30213100-6
    subscriptions.subscribe(reseller, buyer_id=staff.organisation.id)  # the buyer
    subscriptions.subscribe(by_phone, cpv_prefix="32250000-0")         # an item's code
    subscriptions.subscribe(both_wrong, cpv_prefix="302", buyer_id=other_buyer.id)  # both must match
    subscriptions.subscribe(by_partner, buyer_id=partner.id)           # a joint-procurement partner
    db.session.add(IntentSubscription(user_id=unverified.id, cpv_prefix="30"))
    gone_alert = subscriptions.subscribe(gone, cpv_prefix="30")
    subscriptions.unsubscribe(gone_alert)
    subscriptions.subscribe(make_user(make_org(kind=OrganisationKind.SUPPLIER)), cpv_prefix="48")  # software
    db.session.commit()

    intent = announced(partner_ids=[partner.id])
    mails = outbox("intents.announced")
    recipients = sorted(m.recipients[0] for m in mails)
    assert recipients == sorted([supplier.email, reseller.email, by_phone.email, by_partner.email])
    mail = next(m for m in mails if m.recipients == [supplier.email])
    assert intent.title in mail.subject and "TCO Certified" in mail.body_text and "20,000" in mail.body_text
    assert "http://dialogue.test/intents/%d" % intent.id in mail.body_text
    token = notify.unsubscribe_token(db.session.scalar(select(IntentSubscription).where(
        IntentSubscription.user_id == supplier.id)))
    assert mail.headers["List-Unsubscribe"] == f"<http://dialogue.test/intents/unsubscribe/{token}>"
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "CPV 302 (Computer equipment and supplies)" in mail.body_text


def test_date_changes_reach_followers_and_other_edits_do_not(staff, announced, supplier, intent_input, outbox):
    intent = announced()
    subscriptions.follow_intent(supplier, intent)
    db.session.commit()
    services.update_intent(intent, staff, intent_input(title="Renamed"))
    assert outbox("intents.dates_changed") == []
    new_date = intent.planned_notice_date + dt.timedelta(days=14)
    services.update_intent(intent, staff, intent_input(title="Renamed", planned_notice_date=new_date))
    [mail] = outbox("intents.dates_changed")
    assert mail.recipients == [supplier.email]
    assert new_date.isoformat() in mail.body_text and "Planned contract notice" in mail.body_text


def test_drafts_do_not_mail(staff, supplier, intent_input, outbox):
    subscriptions.subscribe(supplier, cpv_prefix="30")
    intent = services.create_intent(staff, intent_input())
    services.update_intent(intent, staff, intent_input(planned_notice_date=intent.planned_notice_date
                                                       + dt.timedelta(days=3)))
    assert outbox() == []


def test_subscribe_rules(supplier, make_user, staff, make_org):
    with pytest.raises(DialogueError) as exc:
        subscriptions.subscribe(supplier)
    assert exc.value.field == "cpv_prefix"
    with pytest.raises(DialogueError):
        subscriptions.subscribe(supplier, cpv_prefix="abc")
    with pytest.raises(DialogueError) as exc:
        subscriptions.subscribe(supplier, buyer_id=supplier.organisation.id)
    assert exc.value.field == "buyer_id"
    alert = subscriptions.subscribe(supplier, cpv_prefix="30200000-1")
    assert alert.cpv_prefix == "302"
    with pytest.raises(Conflict):
        subscriptions.subscribe(supplier, cpv_prefix="302")
    subscriptions.unsubscribe(alert)
    assert subscriptions.subscribe(supplier, cpv_prefix="302").id == alert.id  # the same alert, active again
    with pytest.raises(NotAllowed):
        subscriptions.subscribe(make_user(verified=False), cpv_prefix="30")


def test_unsubscribe_tokens_are_signed(app, supplier):
    alert = subscriptions.subscribe(supplier, cpv_prefix="30")
    db.session.commit()
    token = notify.unsubscribe_token(alert)
    assert notify.subscription_for_token(token).id == alert.id
    assert notify.subscription_for_token(token[:-2] + "xx") is None
    assert notify.subscription_for_token("1") is None
